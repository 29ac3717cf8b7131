/**
 * Encoder soak: the synthetic 1280x720 'moving' source at 2.5 Mbit/s on 2 worker threads
 * (ParallelH264Encoder, 2 slices), as fast as it goes, for N minutes of content. Prints RSS,
 * V8 heap and external memory every 30 s of content, and at the end the RSS growth from
 * minute 1 to the end (goal: flat, under 10%), the bitrate and the worst 5 s window.
 *
 * Named *.soak.ts so that `npm run bench` does not pick it up (10 minutes of content take
 * longer than 5 minutes of wall time here):
 *   npx tsx bench/encoder-soak.soak.ts --minutes 10
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ParallelH264Encoder, SyntheticSource } from '../src/encoding/index.js';
import { windowDeviation } from '../src/encoding/ratecontrol.js';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, bitrate: { type: 'string', default: '2500000' } } });
const minutes = Number(values.minutes);
const bitrate = Number(values.bitrate);
if (!(minutes > 0) || !(bitrate > 0)) throw new RangeError(`--minutes and --bitrate must be positive numbers, got ${values.minutes} and ${values.bitrate}`);
const width = 1280;
const height = 720;
const fps = 30;
const total = Math.round(minutes * 60 * fps);
const mib = (b: number) => (b / 1048576).toFixed(1).padStart(7);

let n = 0;
const source = new SyntheticSource({ width, height, fps, clock: () => (n++ * 1000) / fps });
const encoder = await ParallelH264Encoder.create({ width, height, fps, bitrate, keyInterval: 60, threads: 2 });
const bits = new Float64Array(total);
const start = performance.now();
const cpu0 = process.cpuUsage();
let rssAtMinute1 = 0;
let lastRss = 0;
console.log(`encoder soak: ${width}x${height} 'moving' at ${bitrate / 1000} kbit/s, 2 workers, ${minutes} min of content (${total} frames)`);
console.log('  content   wall s    fps   RSS MiB  heap MiB  external MiB  kbit/s (last 30 s)');
let windowBits = 0;
for (let i = 0; i < total; i++) {
  const out = await encoder.encode(source.next());
  bits[i] = out.data.length * 8;
  windowBits += bits[i];
  const done = i + 1;
  if (done % (30 * fps) === 0 || done === total) {
    const m = process.memoryUsage();
    const wall = (performance.now() - start) / 1000;
    if (done === 60 * fps) rssAtMinute1 = m.rss;
    lastRss = m.rss;
    const span = done % (30 * fps) || 30 * fps;
    console.log(`  ${(done / fps).toFixed(0).padStart(5)} s ${wall.toFixed(1).padStart(8)} ${(done / wall).toFixed(1).padStart(6)} ${mib(m.rss)}   ${mib(m.heapUsed)}       ${mib(m.external)}   ${((windowBits * fps) / span / 1000).toFixed(0)}`);
    windowBits = 0;
  }
}
await encoder.close();
const wall = (performance.now() - start) / 1000;
const c = process.cpuUsage(cpu0);
const sum = bits.reduce((a, b) => a + b, 0);
const w = windowDeviation(Array.from(bits), fps, bitrate, 5, 1);
console.log(`  ${total} frames in ${wall.toFixed(0)} s: ${(total / wall).toFixed(1)} fps wall, CPU ${((c.user + c.system) / 1000 / total).toFixed(1)} ms/frame (load average ${loadavg()[0].toFixed(1)})`);
console.log(`  bitrate ${((sum * fps) / total / 1000).toFixed(0)} kbit/s; 5 s windows ${(w.min / 1000).toFixed(0)}..${(w.max / 1000).toFixed(0)} kbit/s, worst deviation ${(100 * w.worst).toFixed(1)}%`);
if (rssAtMinute1 > 0) {
  const growth = lastRss / rssAtMinute1 - 1;
  console.log(`  RSS growth from minute 1 (${mib(rssAtMinute1).trim()} MiB) to the end (${mib(lastRss).trim()} MiB): ${(100 * growth).toFixed(1)}% (goal < 10%): ${growth < 0.1 ? 'met' : 'NOT met'}`);
} else {
  console.log('  (under one minute of content: no RSS growth figure)');
}
