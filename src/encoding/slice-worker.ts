/**
 * Worker thread body for ParallelH264Encoder: codes the slices it is sent into the shared
 * picture buffers and returns their NAL units.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EncoderPreset, PresetTuning } from './constants.js';
import { AnnexBWriter } from './nal.js';
import { SliceCoder, type MacroblockStats, type PictureBuffers, type PlaneLayout, type SliceJob } from './slice-coder.js';
import { warmUpEncoder } from './warmup.js';
import type { EncoderKernels } from './wasm/kernels.js';

export interface SliceWorkerInit {
  layout: PlaneLayout;
  buffers: PictureBuffers;
  searchRange: number;
  subpixel: boolean;
  tuning: PresetTuning;
  preset: EncoderPreset;
  kernels: EncoderKernels;
  /** This worker's scratch slot in `buffers`. */
  slot: number;
  /** Run warmUpEncoder before reporting ready (cold start, see warmup.ts). */
  warmUp: boolean;
}

/** First message of a worker: it is ready for jobs (after its warm-up, when asked for one). */
export interface SliceWorkerReady {
  ready: true;
  warmUpMs: number;
}

export interface SliceWorkerRequest {
  id: number;
  jobs: SliceJob[];
}

export interface SliceWorkerReply {
  id: number;
  /** The slices' NAL units, Annex B, in job order. */
  data: Uint8Array;
  mbs: MacroblockStats;
  /** Wall time the worker spent coding its slices, ms. */
  codeMs: number;
  error?: string;
}

const port = parentPort;
if (port) {
  const init = workerData as SliceWorkerInit;
  const coder = new SliceCoder(init.layout, init.buffers, init.searchRange, init.subpixel, init.tuning, init.kernels, init.slot);
  const out = new AnnexBWriter(1 << 18);
  const ready: SliceWorkerReady = { ready: true, warmUpMs: init.warmUp ? warmUpEncoder(init.preset, true, init.kernels) : 0 };
  port.postMessage(ready);
  port.on('message', (req: SliceWorkerRequest) => {
    const mbs: MacroblockStats = { intra: 0, inter: 0, skip: 0 };
    const t0 = performance.now();
    try {
      out.reset();
      for (const job of req.jobs) coder.codeSlice(job, out, mbs);
      const data = out.toBytes();
      const reply: SliceWorkerReply = { id: req.id, data, mbs, codeMs: performance.now() - t0 };
      port.postMessage(reply, [data.buffer as ArrayBuffer]);
    } catch (e) {
      const reply: SliceWorkerReply = { id: req.id, data: new Uint8Array(0), mbs, codeMs: performance.now() - t0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      port.postMessage(reply);
    }
  });
}
