/**
 * `npm run bench -- datachannel`: data channel figures between two node-datachannel peers on
 * loopback (ICE, DTLS and SCTP over real UDP sockets on 127.0.0.1), through our `Channel`
 * and, for comparison, through node-datachannel's own API with the same flow control.
 *
 * - throughput: reliable ordered channel, 64 KiB binary messages, 100 MiB, from the first
 *   send to the last byte received (best and median of 3 runs);
 * - round trip: 1,000 sequential 16-byte ping-pongs, p50/p95/p99.
 */
import { cleanup, type DataChannel } from 'node-datachannel';
import { type Channel } from '../src/datachannel/index.js';
import { createLoopbackPair } from '../src/datachannel/loopback.js';

const MESSAGE = 64 * 1024;
const TOTAL = 100 * 1024 * 1024;
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const RUNS = 3;
const PINGS = 1000;

const pair = createLoopbackPair();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

/** 100 MB through `Channel.send()` (waits below the high-water mark). Returns elapsed ms. */
async function throughputChannel(run: number, highWaterMark = HIGH_WATER): Promise<number> {
  const { local, remote } = await pair.openChannel({
    label: `tput-${highWaterMark}-${run}`,
    highWaterMark,
    lowWaterMark: highWaterMark / 4,
  });
  const block = new Uint8Array(MESSAGE).fill(run);
  const count = TOTAL / MESSAGE;
  let received = 0;
  const done = new Promise<void>((resolve) =>
    remote.on('message', (m) => {
      received += (m as Uint8Array).length;
      if (received === TOTAL) resolve();
    }),
  );
  const start = performance.now();
  for (let i = 0; i < count; i++) await local.send(block);
  await done;
  const elapsed = performance.now() - start;
  local.close();
  return elapsed;
}

/** The same transfer with node-datachannel's API directly: send while below the mark, else wait for bufferedamountlow. */
async function throughputNative(run: number): Promise<number> {
  const { local, remote } = await pair.openNativeChannel(`native-tput-${run}`);
  const block = Buffer.alloc(MESSAGE, run);
  const count = TOTAL / MESSAGE;
  let received = 0;
  const done = new Promise<void>((resolve) =>
    remote.onMessage((m) => {
      received += (m as Buffer).length;
      if (received === TOTAL) resolve();
    }),
  );
  local.setBufferedAmountLowThreshold(LOW_WATER);
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const pump = () => {
      while (sent < count && local.bufferedAmount() + MESSAGE <= HIGH_WATER) {
        local.sendMessageBinary(block);
        sent++;
      }
      if (sent === count) resolve();
    };
    local.onBufferedAmountLow(pump);
    pump();
  });
  await done;
  const elapsed = performance.now() - start;
  local.close();
  return elapsed;
}

async function rttChannel(): Promise<number[]> {
  const { local, remote } = await pair.openChannel({ label: 'rtt' });
  remote.on('message', (m) => remote.sendNow(m));
  return pingPong(local);
}

async function pingPong(local: Channel): Promise<number[]> {
  const ping = new Uint8Array(16);
  const samples: number[] = [];
  let resolveOne: () => void = () => undefined;
  local.on('message', () => resolveOne());
  for (let i = 0; i < PINGS + 50; i++) {
    const back = new Promise<void>((resolve) => (resolveOne = resolve));
    const t0 = performance.now();
    local.sendNow(ping);
    await back;
    if (i >= 50) samples.push(performance.now() - t0); // the first 50 warm up
  }
  local.close();
  return samples;
}

async function rttNative(): Promise<number[]> {
  const { local, remote }: { local: DataChannel; remote: DataChannel } = await pair.openNativeChannel('native-rtt');
  remote.onMessage((m) => remote.sendMessageBinary(m as Buffer));
  const ping = Buffer.alloc(16);
  const samples: number[] = [];
  let resolveOne: () => void = () => undefined;
  local.onMessage(() => resolveOne());
  for (let i = 0; i < PINGS + 50; i++) {
    const back = new Promise<void>((resolve) => (resolveOne = resolve));
    const t0 = performance.now();
    local.sendMessageBinary(ping);
    await back;
    if (i >= 50) samples.push(performance.now() - t0);
  }
  local.close();
  return samples;
}

function printRtt(name: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(3)} ms`;
  console.log(`  ${name.padEnd(34)} p50 ${f(percentile(sorted, 50))}  p95 ${f(percentile(sorted, 95))}  p99 ${f(percentile(sorted, 99))}`);
}

const ours: number[] = [];
const native: number[] = [];
const big: number[] = [];
for (let run = 0; run < RUNS; run++) {
  ours.push(await throughputChannel(run));
  big.push(await throughputChannel(run, 4 * HIGH_WATER));
  native.push(await throughputNative(run));
}
console.log(`Reliable ordered throughput, ${MESSAGE / 1024} KiB binary messages, ${TOTAL / 1024 / 1024} MiB per run, best / median of ${RUNS}`);
console.log(`  ${'Channel.send() (high-water 1 MiB)'.padEnd(34)} ${mbps(TOTAL, Math.min(...ours)).toFixed(1)} / ${mbps(TOTAL, median(ours)).toFixed(1)} MB/s`);
console.log(`  ${'Channel.send() (high-water 4 MiB)'.padEnd(34)} ${mbps(TOTAL, Math.min(...big)).toFixed(1)} / ${mbps(TOTAL, median(big)).toFixed(1)} MB/s`);
console.log(`  ${'node-datachannel API, same marks'.padEnd(34)} ${mbps(TOTAL, Math.min(...native)).toFixed(1)} / ${mbps(TOTAL, median(native)).toFixed(1)} MB/s`);

console.log(`Round trip, ${PINGS} sequential 16-byte ping-pongs`);
printRtt('Channel (sendNow + message event)', await rttChannel());
printRtt('node-datachannel API', await rttNative());
console.log('  reference (docs/facts: node-datachannel on loopback)  about 0.24 ms');

pair.close();
await new Promise((resolve) => setTimeout(resolve, 200));
cleanup();
