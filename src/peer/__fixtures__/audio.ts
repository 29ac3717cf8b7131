/**
 * Audio helpers for the receive tests: a tone sent through an AudioSender as real-time Opus,
 * the packets a Peer receives, decoded back to PCM, and the tone's frequency (zero crossings)
 * and level (RMS) measured on it.
 */
import { SyntheticAudioSource } from '../../encoding/audio-synthetic.js';
import { OpusDecoder, OpusEncoder } from '../../encoding/opus.js';
import type { AudioPacket } from '../receiver.js';
import type { AudioSender } from '../sender.js';

/** Sends `count` 20 ms Opus packets of a `frequency` Hz tone, one every 20 ms (timer-driven; late ticks catch up, the count is what matters). */
export class ToneFeed {
  sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly encoder = new OpusEncoder({ bitrate: 32_000 });
  private readonly source: SyntheticAudioSource;
  private readonly start = performance.now();
  readonly done: Promise<void>;

  constructor(
    private readonly sender: AudioSender,
    frequency: number,
    private readonly count: number,
    private readonly firstTimestamp = 0x1000,
  ) {
    this.source = new SyntheticAudioSource({ signal: { kind: 'tone', frequency, amplitude: 0.5 } });
    this.done = new Promise((resolve) => {
      this.timer = setInterval(() => {
        const due = Math.min(this.count, Math.floor((performance.now() - this.start) / 20) + 1);
        while (this.sent < due) {
          this.sender.sendOpus(this.encoder.encode(this.source.next()), (this.firstTimestamp + this.sent * 960) >>> 0);
          this.sent++;
        }
        if (this.sent >= this.count) {
          this.stop();
          resolve();
        }
      }, 20);
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** Decodes received packets in order, concealing each reported gap with libopus PLC, into mono Float32 at 48 kHz. */
export function decodePackets(packets: readonly AudioPacket[]): Float32Array {
  const decoder = new OpusDecoder({ channels: 1 });
  const chunks: Float32Array[] = [];
  for (const p of packets) {
    for (let i = 0; i < p.lost; i++) chunks.push(decoder.decodeLost(960));
    chunks.push(decoder.decodeFloat(p.payload));
  }
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Frequency from the rising zero crossings (interpolated, first to last) and RMS level of mono samples. */
export function measureTone(x: Float32Array, sampleRate = 48_000): { frequency: number; rms: number } {
  const rising: number[] = [];
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) rising.push(i - 1 + x[i - 1]! / (x[i - 1]! - x[i]!));
  let sum = 0;
  for (const v of x) sum += v * v;
  const frequency = rising.length < 2 ? 0 : ((rising.length - 1) * sampleRate) / (rising[rising.length - 1]! - rising[0]!);
  return { frequency, rms: x.length ? Math.sqrt(sum / x.length) : 0 };
}
