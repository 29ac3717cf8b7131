/**
 * A paced real-time clock for capture sources (video frames, 20 ms audio frames).
 *
 * Tick n is due at the absolute deadline `start + n x period`, computed from the monotonic
 * start time and never from the previous tick, so the error of one wait (a late timer, a slow
 * callback) is not carried into the next: lateness stays bounded and does not accumulate over
 * minutes. Each wait is a `setTimeout` for the coarse part, which wakes up to `spinMs` early,
 * then, when the time source can block (the real one: `Atomics.wait`, idle), a block up to the
 * deadline, and a busy wait on the monotonic clock for whatever is left (timers fire up to a
 * few ms late; the final wait absorbs that without burning a core between ticks).
 *
 * In as-fast-as-possible mode the clock does not wait: ticks carry their nominal deadlines
 * (media time) but come back to back, for offline encoding and tests.
 */

/** Where the clock reads time and how it sleeps; injectable for simulated schedules. */
export interface TimeSource {
  /** Monotonic milliseconds (fractional). */
  now(): number;
  /** Resolve after about `ms` milliseconds (possibly later). */
  sleep(ms: number): Promise<void>;
  /**
   * Block the thread for about `ms` (under a few milliseconds, fractional) without using the
   * CPU, returning at or a little after; optional. The final wait before a deadline uses it
   * when present, then busy-waits only what is left.
   */
  block?(ms: number): void;
}

const blocker = new Int32Array(new SharedArrayBuffer(4));

/**
 * The process's monotonic clock (`performance.now()`), `setTimeout`, and `Atomics.wait` to
 * block (a futex wait: sub-millisecond and idle, where a busy-wait would burn a core; the
 * spin before each deadline cost about 10% of a core at 30 video + 50 audio ticks per second).
 */
export const realTime: TimeSource = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  block: (ms) => {
    if (ms > 0) Atomics.wait(blocker, 0, 0, ms);
  },
};

export interface PacedClockOptions {
  /** Ticks per second (e.g. 30 for video, 50 for 20 ms audio frames). */
  rate: number;
  /** Do not wait: deliver ticks back to back with their nominal deadlines. Default false. */
  asFastAsPossible?: boolean;
  /** Busy-wait at most this long before each deadline (ms). Default 2. */
  spinMs?: number;
  /** A tick this late (ms) or more counts as late in the stats. Default half a period. */
  lateThresholdMs?: number;
  /**
   * When a tick is more than a whole period late: 'burst' delivers every missed tick at once
   * (audio: no sample may be skipped), 'skip' jumps to the current slot and counts the
   * skipped ticks (video: drop frames). Default 'burst'.
   */
  whenBehind?: 'burst' | 'skip';
  /** Injected time source (default `realTime`). */
  time?: TimeSource;
}

export interface Tick {
  /** Tick number from 0 (skipped ticks are not delivered, but counted). */
  index: number;
  /** When it was due, ms on the time source's clock: start + index x period. */
  deadline: number;
  /** When it was delivered (equal to `deadline` in as-fast-as-possible mode). */
  time: number;
  /** time - deadline, ms (>= 0 but for sub-millisecond clock granularity). */
  lateness: number;
  /** Nominal media time of the tick, ms from the start: index x period. */
  mediaTimeMs: number;
}

export interface PacedClockStats {
  ticks: number;
  lateTicks: number;
  skippedTicks: number;
  maxLatenessMs: number;
  meanLatenessMs: number;
}

export interface RunOptions {
  /** Stop after this many ticks. */
  count?: number;
  /** Stop at the first deadline at or after this many ms from the start. */
  durationMs?: number;
}

/**
 * Schedules ticks at a nominal rate against absolute deadlines. `run(onTick)` resolves with
 * the stats when `count` or `durationMs` is reached or `stop()` is called; an async `onTick`
 * is awaited before the next wait (a slow one makes the next ticks late, not the schedule).
 */
export class PacedClock {
  readonly rate: number;
  /** Period in ms. */
  readonly periodMs: number;
  private readonly time: TimeSource;
  private readonly asFastAsPossible: boolean;
  private readonly spinMs: number;
  private readonly lateThresholdMs: number;
  private readonly whenBehind: 'burst' | 'skip';
  private stopped = false;
  private running = false;
  private startMs = 0;
  private readonly stat: PacedClockStats = { ticks: 0, lateTicks: 0, skippedTicks: 0, maxLatenessMs: 0, meanLatenessMs: 0 };
  private latenessSum = 0;

  constructor(options: PacedClockOptions) {
    if (!(options.rate > 0 && Number.isFinite(options.rate))) throw new RangeError(`rate must be a positive number of ticks per second, not ${options.rate}`);
    this.rate = options.rate;
    this.periodMs = 1000 / options.rate;
    this.time = options.time ?? realTime;
    this.asFastAsPossible = options.asFastAsPossible ?? false;
    this.spinMs = options.spinMs ?? 2;
    if (!(this.spinMs >= 0)) throw new RangeError(`spinMs must be >= 0, not ${this.spinMs}`);
    this.lateThresholdMs = options.lateThresholdMs ?? this.periodMs / 2;
    this.whenBehind = options.whenBehind ?? 'burst';
  }

  /** Deadline of tick n (ms on the time source's clock) for the current or last run. */
  deadline(n: number): number {
    return this.startMs + n * this.periodMs;
  }

  /** Counters of the current or last run. */
  get stats(): Readonly<PacedClockStats> {
    return { ...this.stat, meanLatenessMs: this.stat.ticks ? this.latenessSum / this.stat.ticks : 0 };
  }

  /** End the run after the tick being delivered (or before the next wait ends). */
  stop(): void {
    this.stopped = true;
  }

  async run(onTick: (tick: Tick) => void | Promise<void>, options: RunOptions = {}): Promise<PacedClockStats> {
    if (this.running) throw new Error('PacedClock is already running');
    this.running = true;
    this.stopped = false;
    Object.assign(this.stat, { ticks: 0, lateTicks: 0, skippedTicks: 0, maxLatenessMs: 0, meanLatenessMs: 0 });
    this.latenessSum = 0;
    const count = options.count ?? Infinity;
    const endMs = options.durationMs ?? Infinity;
    const time = this.time;
    this.startMs = time.now();
    try {
      for (let n = 0; n < count && n * this.periodMs < endMs && !this.stopped; n++) {
        const deadline = this.deadline(n);
        let now: number;
        if (this.asFastAsPossible) {
          now = deadline;
          // Let timers and I/O run now and then, even when onTick is synchronous.
          if ((n & 63) === 63) await time.sleep(0);
        } else {
          now = time.now();
          const coarse = deadline - now - this.spinMs;
          if (coarse > 0) {
            await time.sleep(coarse);
            if (this.stopped) break;
            now = time.now();
          }
          if (time.block && now < deadline) {
            time.block(deadline - now);
            now = time.now();
          }
          while (now < deadline) now = time.now();
          if (this.whenBehind === 'skip' && now - deadline >= this.periodMs) {
            const behind = Math.min(Math.floor((now - deadline) / this.periodMs), count - 1 - n);
            n += behind;
            this.stat.skippedTicks += behind;
            if (!(n < count && n * this.periodMs < endMs)) break;
          }
        }
        const due = this.deadline(n);
        const lateness = now - due;
        this.stat.ticks++;
        this.latenessSum += lateness;
        if (lateness > this.stat.maxLatenessMs) this.stat.maxLatenessMs = lateness;
        if (lateness >= this.lateThresholdMs) this.stat.lateTicks++;
        await onTick({ index: n, deadline: due, time: now, lateness, mediaTimeMs: n * this.periodMs });
      }
    } finally {
      this.running = false;
    }
    return this.stats;
  }
}
