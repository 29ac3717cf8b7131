/**
 * Opus throughput in multiples of real time: 48 kHz stereo 20 ms frames of a synthetic log
 * sweep (100 Hz-10 kHz), application 'audio', at 64 and 128 kbit/s.
 *   npm run bench -- opus
 *
 * Encoding goes through `OpusEncoder` (the `@evan/opus` Encoder: its native addon on
 * linux-x64, WebAssembly elsewhere); decoding through `OpusDecoder` (the package's WebAssembly
 * build called directly, for PLC and FEC). The package's own Decoder (native addon here) is
 * measured on the same packets as a reference. webrtc-facts.md records about 180x real time
 * for `@evan/opus` encoding 48 kHz stereo 20 ms frames on this kind of machine.
 */
import { Decoder } from '@evan/opus';
import { SyntheticAudioSource } from '../src/encoding/audio-synthetic.js';
import { OpusDecoder, OpusEncoder } from '../src/encoding/opus.js';
import { measure, type Measurement } from './lib.js';

const FRAME_SECONDS = 0.02;
const FACTS_ENCODE_REALTIME = 180;

/** One second of stereo sweep, 50 frames, copied out of the source's reused buffer. */
const source = new SyntheticAudioSource({ signal: { kind: 'sweep', from: 100, to: 10_000, periodSeconds: 1, shape: 'log', amplitude: 0.5 }, channels: 2 });
const frames = Array.from({ length: 50 }, () => source.next().slice());

function realtime(m: Measurement): string {
  return `${(m.opsPerSecond * FRAME_SECONDS).toFixed(0)}x real time (${Math.round(m.opsPerSecond).toLocaleString('en-US')} frames/s)`;
}

for (const bitrate of [64_000, 128_000]) {
  const encoder = new OpusEncoder({ channels: 2, application: 'audio', bitrate });
  let i = 0;
  const enc = measure('OpusEncoder.encode', () => void encoder.encode(frames[i++ % frames.length]), 2000);

  const fresh = new OpusEncoder({ channels: 2, application: 'audio', bitrate });
  const packets = Array.from({ length: 500 }, (_, k) => fresh.encode(frames[k % frames.length]));
  const kbps = (packets.reduce((n, p) => n + p.length, 0) * 8) / (packets.length * FRAME_SECONDS) / 1000;

  const decoder = new OpusDecoder({ channels: 2 });
  let j = 0;
  const dec = measure('OpusDecoder.decode (wasm)', () => void decoder.decode(packets[j++ % packets.length]), 2000);
  const native = new Decoder({ channels: 2, sample_rate: 48_000 });
  let k = 0;
  const ref = measure('@evan/opus Decoder (native)', () => void native.decode(packets[k++ % packets.length]), 2000);
  let l = 0;
  const plc = measure('OpusDecoder.decode(null)', () => void decoder.decode(l++ % 5 === 0 ? null : packets[l % packets.length]), 1000);

  console.log(`48 kHz stereo 20 ms frames at ${bitrate / 1000} kbit/s target (${kbps.toFixed(1)} kbit/s produced)`);
  console.log(`  encode ${enc.name.padEnd(28)} ${realtime(enc)}   reference (webrtc-facts.md): about ${FACTS_ENCODE_REALTIME}x`);
  console.log(`  decode ${dec.name.padEnd(28)} ${realtime(dec)}`);
  console.log(`  decode ${ref.name.padEnd(28)} ${realtime(ref)}`);
  console.log(`  decode ${(plc.name + ', 1 in 5 lost').padEnd(28)} ${realtime(plc)}`);
}
