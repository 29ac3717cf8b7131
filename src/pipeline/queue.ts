/**
 * A bounded edge queue with an explicit overflow policy, so a slow consumer never grows memory
 * without bound:
 * - `block`: the producer's push waits until there is room (backpressure up the graph);
 * - `drop-oldest`: the oldest queued frame is dropped to make room (live media: stay current);
 * - `coalesce`: the newest queued frame is replaced by the incoming one (state such as levels:
 *   the consumer sees the latest value).
 * Every frame dropped or replaced is counted. Depth never exceeds capacity.
 */
import { LIMITS, Messages } from './constants.js';
import { PipelineError } from './errors.js';
import type { Frame } from './frame.js';
import type { QueuePolicy } from '../pipeline-manifest/index.js';

export interface QueueOptions {
  policy?: QueuePolicy;
  capacity?: number;
}

export interface QueueStats {
  policy: QueuePolicy;
  capacity: number;
  depth: number;
  maxDepth: number;
  pushed: number;
  delivered: number;
  dropped: number;
}

export interface QueuedFrame {
  frame: Frame;
  /** Wall-clock time it was queued (ms, performance clock). */
  at: number;
}

export function checkQueueOptions(o: QueueOptions): void {
  if (o.policy !== undefined && !['block', 'drop-oldest', 'coalesce'].includes(o.policy)) throw new PipelineError('bad-queue', Messages.badQueue(`policy ${JSON.stringify(o.policy)} is not block, drop-oldest or coalesce`));
  if (o.capacity !== undefined && !(Number.isInteger(o.capacity) && o.capacity >= 1 && o.capacity <= LIMITS.maxQueueCapacity)) throw new PipelineError('bad-queue', Messages.badQueue(`capacity must be a whole number from 1 to ${LIMITS.maxQueueCapacity}`));
}

export class EdgeQueue {
  readonly policy: QueuePolicy;
  readonly capacity: number;
  #items: (QueuedFrame | undefined)[];
  #head = 0;
  #size = 0;
  #ended = false;
  #stopped = false;
  #spaceWaiters: (() => void)[] = [];
  #maxDepth = 0;
  #pushed = 0;
  #delivered = 0;
  #dropped = 0;
  /** Called when a frame arrives or the queue ends (the consumer's wake-up). */
  onReady: () => void = () => {};

  constructor(policy: QueuePolicy, capacity: number) {
    this.policy = policy;
    this.capacity = capacity;
    this.#items = new Array(capacity);
  }

  get depth(): number { return this.#size; }
  get ended(): boolean { return this.#ended; }

  /** Queue a frame; resolves at once unless the policy is `block` and the queue is full. */
  push(frame: Frame): void | Promise<void> {
    if (this.#stopped || this.#ended) return;
    if (this.#size === this.capacity) {
      if (this.policy === 'block') return this.#waitAndPush(frame);
      this.#dropped++;
      if (this.policy === 'drop-oldest') {
        this.#items[this.#head] = undefined;
        this.#head = (this.#head + 1) % this.capacity;
        this.#size--;
      } else {
        this.#items[(this.#head + this.#size - 1) % this.capacity] = { frame, at: performance.now() };
        this.#pushed++;
        this.onReady();
        return;
      }
    }
    this.#items[(this.#head + this.#size) % this.capacity] = { frame, at: performance.now() };
    this.#size++;
    this.#pushed++;
    if (this.#size > this.#maxDepth) this.#maxDepth = this.#size;
    this.onReady();
  }

  async #waitAndPush(frame: Frame): Promise<void> {
    while (this.#size === this.capacity && !this.#stopped) await new Promise<void>((r) => this.#spaceWaiters.push(r));
    this.push(frame);
  }

  /** The oldest frame, or undefined when empty. */
  shift(): QueuedFrame | undefined {
    if (!this.#size) return undefined;
    const item = this.#items[this.#head]!;
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    this.#delivered++;
    const w = this.#spaceWaiters.shift();
    if (w) w();
    return item;
  }

  /** The producer is done: the consumer drains what is queued, then sees the end. */
  end(): void {
    this.#ended = true;
    this.onReady();
  }

  /** Stop everything: pending pushes return, queued frames are discarded. */
  stop(): void {
    this.#stopped = true;
    this.#ended = true;
    this.#items.fill(undefined);
    this.#size = 0;
    for (const w of this.#spaceWaiters.splice(0)) w();
    this.onReady();
  }

  stats(): QueueStats {
    return { policy: this.policy, capacity: this.capacity, depth: this.#size, maxDepth: this.#maxDepth, pushed: this.#pushed, delivered: this.#delivered, dropped: this.#dropped };
  }
}
