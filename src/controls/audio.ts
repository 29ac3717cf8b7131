/**
 * One Opus encode fanned out to every subscriber: an AudioSource (the synthetic 440 Hz tone by
 * default; pushed PCM or a WAV file, resampled to 48 kHz by the source) -> OpusEncoder, 20 ms frames paced by a PacedClock at 50 ticks per second that bursts when
 * late (audio must not skip samples). RTP timestamps advance 960 per packet (48 kHz clock,
 * RFC 7587 section 4.1) from the first tick's monotonic time, so a stop and start leaves a
 * gap as long as the pause.
 */
import { OpusEncoder, PacedClock, type AudioSource } from '../encoding/index.js';
import { AUDIO_CLOCK_KHZ, AUDIO_FRAMES_PER_SECOND } from './constants.js';
import type { Subscriber } from './subscriber.js';

export interface AudioStats {
  bitrateBps: number;
  packetsEncoded: number;
  /** Ticks with nothing from the source (it ended): no packet sent. */
  ticksIdle: number;
  source: string;
}

/** Internal: created and driven by the Streamer. */
export class AudioPipeline {
  private readonly encoder: OpusEncoder;
  private idle = 0;
  private clock: PacedClock | undefined;
  private loop: Promise<void> | undefined;
  private packets = 0;

  constructor(
    readonly bitrateBps: number,
    private readonly source: AudioSource,
    private readonly targets: () => Iterable<Subscriber>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.encoder = new OpusEncoder({ bitrate: bitrateBps, channels: source.channels });
  }

  start(): void {
    if (this.loop) return;
    const clock = new PacedClock({ rate: AUDIO_FRAMES_PER_SECOND, whenBehind: 'burst' });
    this.clock = clock;
    this.loop = clock
      .run((tick) => {
        const captureUnixMs = Date.now();
        const samples = this.source.next();
        if (!samples) {
          this.idle++;
          return;
        }
        const packet = this.encoder.encode(samples);
        this.packets++;
        const startMs = tick.deadline - tick.mediaTimeMs;
        const timestamp = Math.round(startMs * AUDIO_CLOCK_KHZ) + tick.index * this.encoder.rtpTimestampStep;
        for (const s of this.targets()) s.deliverAudio(packet, timestamp, captureUnixMs);
      })
      .then(
        () => undefined,
        (error: unknown) => this.onError(error),
      )
      .finally(() => {
        this.loop = undefined;
        this.clock = undefined;
      });
  }

  async stop(): Promise<void> {
    this.clock?.stop();
    await this.loop;
  }

  getStats(): AudioStats {
    return { bitrateBps: this.bitrateBps, packetsEncoded: this.packets, ticksIdle: this.idle, source: this.source.description };
  }
}
