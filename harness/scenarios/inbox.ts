/** Collects a channel's incoming messages so a scenario can await them in order. */
import type { Channel, ChannelMessage } from '../../src/datachannel/index.js';

export class Inbox {
  private readonly queue: ChannelMessage[] = [];
  private wake: (() => void) | undefined;
  private readonly unsubscribe: () => void;

  constructor(channel: Channel) {
    this.unsubscribe = channel.on('message', (m) => {
      this.queue.push(m);
      const w = this.wake;
      this.wake = undefined;
      w?.();
    });
  }

  get size(): number {
    return this.queue.length;
  }

  /** Takes everything received so far. */
  drain(): ChannelMessage[] {
    return this.queue.splice(0, this.queue.length);
  }

  /** The next message, or undefined after `timeoutMs`. */
  async next(timeoutMs: number): Promise<ChannelMessage | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.wake = undefined;
          resolve();
        }, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.queue.shift();
  }

  /** Waits until `n` messages are queued or `timeoutMs` passes; returns and removes them. */
  async take(n: number, timeoutMs: number): Promise<ChannelMessage[]> {
    const out: ChannelMessage[] = [];
    const deadline = performance.now() + timeoutMs;
    while (out.length < n) {
      const m = await this.next(deadline - performance.now());
      if (m === undefined) break;
      out.push(m);
    }
    return out;
  }

  close(): void {
    this.unsubscribe();
  }
}
