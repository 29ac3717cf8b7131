/**
 * What a node is to the runtime. A node declares typed input and output ports, the work it does
 * per frame (`process`), what it emits at the end of its input (`flush`), or, for a source, how
 * it produces frames (`produce`). Its `requirements` say where it may run; the runtime decides
 * the placement and `inspect()` explains it. Frames are plain serialisable values, so the same
 * interface can later be served by a remote executor.
 */
import type { CapabilityRequirements, Placement, QueueSpec } from '../pipeline-manifest/index.js';
import type { Frame, FrameKind } from './frame.js';

export interface PortSpec {
  name: string;
  kinds: readonly FrameKind[];
}

export interface NodeRequirements {
  /** Where the node asks to run (RemoteMedia's `execution.placement`). Default: auto. */
  placement?: Placement;
  /** A named remote host (RemoteMedia's `host`). */
  host?: string;
  capabilities?: CapabilityRequirements;
  /** A remote node by nature (RemotePipelineNode). */
  remoteOnly?: boolean;
}

export interface NodeContext {
  readonly nodeId: string;
  /**
   * Send a frame out of an output port (default: the first). Await the result: under a
   * `block` queue it waits for room. Throws PipelineStopped once the pipeline stops.
   */
  emit(frame: Frame, port?: string): void | Promise<void>;
  /** Aborted when the pipeline stops (an error elsewhere, a timeout, or the end of a run). */
  readonly signal: AbortSignal;
}

export interface PipelineNode {
  readonly id: string;
  /** The manifest `node_type`. */
  readonly type: string;
  /** Parameters as written to a manifest by serialize(). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  readonly requirements?: NodeRequirements;
  /** Default queue for edges into this node (manifest `spellbook.queue`). */
  readonly queue?: QueueSpec;
  /** Manifest fields kept as written (is_streaming, host, execution, ...) for serialize(). */
  readonly manifest?: Readonly<Record<string, unknown>>;
  /** Prepare before any frame flows (open files, check runtimes). A throw stops the run cleanly. */
  open?(): void | Promise<void>;
  /** A source: produce frames until done or `ctx.signal` aborts. */
  produce?(ctx: NodeContext): Promise<void>;
  process?(frame: Frame, ctx: NodeContext): void | Promise<void>;
  /** The input ended: emit what is still held. */
  flush?(ctx: NodeContext): void | Promise<void>;
  /** Release resources; called once whatever happened. */
  close?(): void | Promise<void>;
}

export interface FunctionNodeOptions {
  type?: string;
  inputs?: readonly FrameKind[];
  outputs?: readonly FrameKind[];
  requirements?: NodeRequirements;
  queue?: QueueSpec;
}

/**
 * A node from a plain function: the returned frame (or frames) are emitted on the output port;
 * undefined emits nothing. Inputs and outputs default to every kind.
 */
export function fn(id: string, process: (frame: Frame) => Frame | Frame[] | undefined | Promise<Frame | Frame[] | undefined>, options: FunctionNodeOptions = {}): PipelineNode {
  const all: FrameKind[] = ['audio', 'video', 'data', 'text'];
  return {
    id,
    type: options.type ?? 'Function',
    params: {},
    inputs: [{ name: 'in', kinds: options.inputs ?? all }],
    outputs: [{ name: 'out', kinds: options.outputs ?? all }],
    requirements: options.requirements,
    queue: options.queue,
    async process(frame, ctx) {
      const out = await process(frame);
      if (out === undefined) return;
      if (Array.isArray(out)) for (const f of out) await ctx.emit(f);
      else await ctx.emit(out);
    },
  };
}

/** A source from an (async) iterable of frames. */
export function source(id: string, frames: Iterable<Frame> | AsyncIterable<Frame>, kinds: readonly FrameKind[] = ['audio', 'video', 'data', 'text']): PipelineNode {
  return {
    id,
    type: 'IterableSource',
    params: {},
    inputs: [],
    outputs: [{ name: 'out', kinds }],
    async produce(ctx) {
      for await (const f of frames) {
        if (ctx.signal.aborted) return;
        await ctx.emit(f);
      }
    },
  };
}

/** A sink calling `consume` for every frame. */
export function sink(id: string, consume: (frame: Frame) => void | Promise<void>, kinds: readonly FrameKind[] = ['audio', 'video', 'data', 'text']): PipelineNode {
  return { id, type: 'FunctionSink', params: {}, inputs: [{ name: 'in', kinds }], outputs: [], process: (f) => consume(f) };
}
