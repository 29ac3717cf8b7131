/**
 * Send pacing: node-datachannel hands every packet to the socket at once (no pacing or
 * congestion control on the send-only media path, see docs/peer.md), so a 40 kB keyframe
 * would leave as a burst of 35 datagrams. A leaky bucket spreads them at a target rate.
 */
import { DEFAULT_PACER_QUEUE_LIMIT, DEFAULT_PACING_BURST_BYTES, DEFAULT_PACING_RATE_BPS } from './constants.js';

export interface PacerOptions {
  /** Drain rate in bits per second (default 20 Mbit/s). */
  rateBps?: number;
  /** Bytes that may leave back to back before the rate applies (default 4 x 1,200). */
  burstBytes?: number;
  /** Packets held before the oldest is dropped (default 4,096). */
  queueLimit?: number;
}

/**
 * A leaky bucket as a meter (the bucket holds bytes already sent and leaks at `rate`): a
 * packet may leave when the bucket, after leaking, has room for it below `burst`. Pure: the
 * caller passes the time, so it is tested without timers.
 */
export class LeakyBucket {
  private level = 0;
  private last: number | undefined;
  readonly bytesPerMs: number;

  constructor(
    rateBps: number,
    readonly burstBytes: number,
  ) {
    if (!(rateBps > 0)) throw new RangeError('pacing rate must be positive');
    if (!(burstBytes > 0)) throw new RangeError('pacing burst must be positive');
    this.bytesPerMs = rateBps / 8000;
  }

  private leak(nowMs: number): void {
    if (this.last !== undefined) this.level = Math.max(0, this.level - (nowMs - this.last) * this.bytesPerMs);
    this.last = nowMs;
  }

  /**
   * Milliseconds to wait before a packet of `size` bytes may leave at `nowMs`; 0 means now,
   * and the packet is then counted as sent. An empty bucket always admits one packet, so a
   * packet larger than the burst still goes.
   */
  admit(size: number, nowMs: number): number {
    this.leak(nowMs);
    if (this.level === 0 || this.level + size <= this.burstBytes) {
      this.level += size;
      return 0;
    }
    return (this.level + size - this.burstBytes) / this.bytesPerMs;
  }
}

export interface PacerStats {
  /** Packets handed to the transport. */
  sent: number;
  /** Times the queue head had to wait for the bucket. */
  delayed: number;
  /** Packets dropped because the queue was full. */
  dropped: number;
  /** Longest time a packet waited in the queue, in ms. */
  maxQueueMs: number;
  /** Packets waiting now. */
  queued: number;
}

/** Queues packets and hands them to `send` no faster than the bucket allows. */
export class Pacer {
  private readonly bucket: LeakyBucket;
  private readonly queueLimit: number;
  private readonly queue: { packet: Uint8Array; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly stats: PacerStats = { sent: 0, delayed: 0, dropped: 0, maxQueueMs: 0, queued: 0 };

  constructor(
    private readonly send: (packet: Uint8Array) => void,
    options: PacerOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.bucket = new LeakyBucket(options.rateBps ?? DEFAULT_PACING_RATE_BPS, options.burstBytes ?? DEFAULT_PACING_BURST_BYTES);
    this.queueLimit = options.queueLimit ?? DEFAULT_PACER_QUEUE_LIMIT;
  }

  /** Queue a copy of `packet` (the caller's buffer may be reused at once) and send what the bucket allows. */
  enqueue(packet: Uint8Array): void {
    if (this.stopped) return;
    if (this.queue.length >= this.queueLimit) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push({ packet: packet.slice(), at: this.now() });
    if (this.timer === undefined) this.drain();
    else this.stats.queued = this.queue.length;
  }

  private drain(): void {
    this.timer = undefined;
    while (this.queue.length && !this.stopped) {
      const head = this.queue[0];
      const now = this.now();
      const wait = this.bucket.admit(head.packet.length, now);
      if (wait > 0) {
        this.stats.delayed++;
        this.timer = setTimeout(() => this.drain(), Math.max(1, Math.ceil(wait)));
        break;
      }
      this.queue.shift();
      this.stats.maxQueueMs = Math.max(this.stats.maxQueueMs, now - head.at);
      this.stats.sent++;
      this.send(head.packet);
    }
    this.stats.queued = this.queue.length;
  }

  /** Drop everything queued and stop the timer (no handle is left behind). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.stats.queued = 0;
  }
}
