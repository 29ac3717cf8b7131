/**
 * H.264 encoding on worker threads: each picture is cut into slices (bands of macroblock
 * rows) that worker threads code at the same time into shared memory. The bitstream is
 * identical to H264Encoder's with the same options.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EncoderBase, type EncodedFrame, type H264EncoderOptions } from './encoder.js';
import type { I420Frame } from './frame.js';
import type { MacroblockStats } from './slice-coder.js';
import type { SliceWorkerInit, SliceWorkerReady, SliceWorkerReply, SliceWorkerRequest } from './slice-worker.js';

export interface ParallelH264EncoderOptions extends H264EncoderOptions {
  /** Worker threads (default 2). `slices` defaults to the same number. */
  threads?: number;
  /**
   * Each worker encodes a small synthetic clip before `create` resolves, so that the first
   * real pictures run at full speed (default true; about 0.3 s per worker, in parallel).
   */
  warmUp?: boolean;
}

/**
 * Start the worker script next to this module. When running from TypeScript sources (tests,
 * benchmarks), the worker first registers tsx's loader, then imports the .ts worker.
 */
function startWorker(init: SliceWorkerInit): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./slice-worker.js', here), { workerData: init });
  const tsxApi = pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const target = new URL('./slice-worker.ts', here).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(target)}); }).catch((e) => { console.error(e); process.exit(1); });`;
  return new Worker(boot, { eval: true, workerData: init, execArgv: [] });
}

/** Multi-threaded Constrained Baseline H.264 encoder. Create with `ParallelH264Encoder.create`, finish with `close()`. */
export class ParallelH264Encoder extends EncoderBase {
  readonly threads: number;
  private readonly workers: Worker[] = [];
  private busy = false;
  /** Per worker, the time it spent coding its slices of the last frame (ms): for balancing and benchmarks. */
  lastWorkerMs: number[] = [];
  /** Longest warm-up of a worker when they started (ms; 0 without warm-up). */
  warmUpMs = 0;
  private readonly warmUp: boolean;
  private nextId = 1;

  private constructor(opts: ParallelH264EncoderOptions, threads: number) {
    super({ ...opts, slices: opts.slices ?? threads }, true, threads);
    this.threads = threads;
    this.warmUp = opts.warmUp ?? true;
  }

  private async startWorkers(): Promise<void> {
    const init: Omit<SliceWorkerInit, 'slot'> = { layout: this.layout, buffers: this.buffers, searchRange: this.searchRange, subpixel: this.subpixel, tuning: this.tuning, preset: this.preset, kernels: this.kernels, warmUp: this.warmUp };
    try {
      // all workers start (and warm up) at once; each reports ready with its first message
      const ready: Promise<number>[] = [];
      for (let t = 0; t < Math.min(this.threads, this.slices); t++) {
        const w = startWorker({ ...init, slot: t });
        this.workers.push(w);
        ready.push(
          new Promise<number>((resolve, reject) => {
            const onMessage = (m: SliceWorkerReady) => {
              if (m.ready !== true) return;
              w.off('message', onMessage);
              resolve(m.warmUpMs);
            };
            w.on('message', onMessage);
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(`slice worker exited with code ${code} before it was ready`)));
          }),
        );
      }
      const ms = await Promise.all(ready);
      this.warmUpMs = Math.max(0, ...ms);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Change the picture size (restarts the workers over new buffers); the next frame is an IDR with the new SPS. */
  async resize(width: number, height: number): Promise<void> {
    if (this.busy) throw new Error('ParallelH264Encoder.resize called while a frame is being encoded');
    await this.close();
    this.resizeTo(width, height);
    await this.startWorkers();
  }

  /** Start the worker threads and wait until they are ready. */
  static async create(opts: ParallelH264EncoderOptions): Promise<ParallelH264Encoder> {
    const threads = opts.threads ?? 2;
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
    const enc = new ParallelH264Encoder(opts, threads);
    await enc.startWorkers();
    return enc;
  }

  /** Encode one frame; the frame may be reused as soon as the promise settles. One call at a time. */
  async encode(frame: I420Frame, opts: { keyframe?: boolean } = {}): Promise<EncodedFrame> {
    if (this.busy) throw new Error('ParallelH264Encoder.encode called while a frame is still being encoded');
    if (this.workers.length === 0) throw new Error('ParallelH264Encoder is closed');
    this.busy = true;
    try {
      const jobs = this.beginPicture(frame, opts.keyframe === true);
      const n = this.workers.length;
      const replies = await Promise.all(
        this.workers.map((w, t) => {
          const mine = jobs.slice(Math.floor((t * jobs.length) / n), Math.floor(((t + 1) * jobs.length) / n));
          return this.request(w, mine);
        }),
      );
      const mbs: MacroblockStats = { intra: 0, inter: 0, skip: 0, intraNxN: 0 };
      this.lastWorkerMs = replies.map((r) => r.codeMs);
      for (const r of replies) {
        this.out.append(r.data);
        mbs.intra += r.mbs.intra;
        mbs.inter += r.mbs.inter;
        mbs.skip += r.mbs.skip;
        mbs.intraNxN = (mbs.intraNxN ?? 0) + (r.mbs.intraNxN ?? 0);
      }
      return this.endPicture(jobs, mbs);
    } finally {
      this.busy = false;
    }
  }

  private request(w: Worker, jobs: SliceWorkerRequest['jobs']): Promise<SliceWorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (r: SliceWorkerReply) => {
        if (r.id !== id) return;
        cleanup();
        if (r.error) reject(new Error(`slice worker failed: ${r.error}`));
        else resolve(r);
      };
      const onError = (e: Error) => {
        cleanup();
        reject(e);
      };
      const cleanup = () => {
        w.off('message', onMessage);
        w.off('error', onError);
      };
      w.on('message', onMessage);
      w.on('error', onError);
      const req: SliceWorkerRequest = { id, jobs };
      w.postMessage(req);
    });
  }

  /** Stop the worker threads. */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
