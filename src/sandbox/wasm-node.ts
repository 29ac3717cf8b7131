/**
 * `WasmNode`: a WebAssembly module as a pipeline node, run in its own sandbox worker. Frames
 * cross the ABI as bytes (docs/sandbox.md): audio as little-endian float32 samples, video as
 * the I420 picture, data as its bytes (or its JSON value as UTF-8), text as UTF-8. The output
 * frame has the input's kind, timing and format. A breached limit is a SandboxError naming the
 * node and the limit; `onBreach` says whether it stops the pipeline (default) or the frame is
 * dropped, the breach counted and the module restarted.
 */
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { i420Size, type Frame, type FrameKind, type NodeContext, type PipelineNode, type PortSpec } from '../pipeline/index.js';
import { ABI, SANDBOX_DEFAULTS, SandboxMessages } from './constants.js';
import { SandboxError } from './errors.js';
import { checkModule, WasmSandbox, type CheckedModule, type SandboxLimits } from './sandbox.js';

export type BreachPolicy = 'stop' | 'skip';

export interface WasmNodeOptions extends Partial<SandboxLimits> {
  /** The module: its bytes, or a path to a .wasm file. */
  module: Uint8Array | string;
  /** The frame kind it takes and gives (default audio). */
  kind?: FrameKind;
  /** What a breached limit or a trap does: stop the pipeline (default) or drop the frame and go on. */
  onBreach?: BreachPolicy;
  /** Each line the module logs, with the node id (the pipeline's log). */
  onLog?: (nodeId: string, line: string) => void;
}

const encoder = new TextEncoder();
/** Float32Array bytes are the ABI's little-endian form as they are on such a machine. */
const LITTLE_ENDIAN = endianness() === 'LE';
const decoder = new TextDecoder();

/** A frame's payload as the ABI carries it. */
export function frameToAbiBytes(frame: Frame): Uint8Array {
  switch (frame.kind) {
    case 'audio': {
      if (LITTLE_ENDIAN) return new Uint8Array(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength).slice();
      const out = new Uint8Array(frame.samples.length * 4);
      const view = new DataView(out.buffer);
      for (let i = 0; i < frame.samples.length; i++) view.setFloat32(i * 4, frame.samples[i]!, true);
      return out;
    }
    case 'video':
      return frame.data;
    case 'data':
      return frame.bytes ?? encoder.encode(JSON.stringify(frame.value ?? null));
    case 'text':
      return encoder.encode(frame.text);
  }
}

/** The output frame from the module's bytes, with the input's kind, timing and format. */
export function frameFromAbiBytes(input: Frame, bytes: Uint8Array, nodeId: string): Frame {
  const bad = (why: string) => new SandboxError('bad-output', SandboxMessages.badOutput(nodeId, why), { nodeId });
  const timing = { mediaTimeUs: input.mediaTimeUs, captureTimeMs: input.captureTimeMs, ...(input.streamId === undefined ? {} : { streamId: input.streamId }) };
  switch (input.kind) {
    case 'audio': {
      if (bytes.length % (4 * input.channels) !== 0) throw bad(`${bytes.length} bytes is not a whole number of ${input.channels}-channel float32 samples`);
      let samples: Float32Array;
      if (LITTLE_ENDIAN) samples = new Float32Array(bytes.byteOffset % 4 === 0 ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) : bytes.slice().buffer);
      else {
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        samples = new Float32Array(bytes.length / 4);
        for (let i = 0; i < samples.length; i++) samples[i] = view.getFloat32(i * 4, true);
      }
      return { kind: 'audio', ...timing, sampleRate: input.sampleRate, channels: input.channels, samples };
    }
    case 'video':
      if (bytes.length !== i420Size(input.width, input.height)) throw bad(`${bytes.length} bytes is not one ${input.width}x${input.height} I420 picture`);
      return { kind: 'video', ...timing, width: input.width, height: input.height, data: bytes };
    case 'data':
      return { kind: 'data', ...timing, bytes, contentType: input.contentType ?? 'application/octet-stream' };
    case 'text':
      return { kind: 'text', ...timing, text: decoder.decode(bytes) };
  }
}

export class WasmNode implements PipelineNode {
  readonly type = 'WasmNode';
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  readonly kind: FrameKind;
  readonly policy: BreachPolicy;
  /** Breaches met under `skip` (the newest 100). */
  readonly breaches: SandboxError[] = [];
  /** The module's log lines (the newest). */
  readonly logs: string[] = [];
  /** Frames dropped because of a breach. */
  dropped = 0;
  #bytes?: Uint8Array;
  #checked?: CheckedModule;
  #sandbox?: WasmSandbox;
  #disabled = false;

  constructor(
    readonly id: string,
    private readonly options: WasmNodeOptions,
  ) {
    this.kind = options.kind ?? 'audio';
    this.policy = options.onBreach ?? 'stop';
    if (this.policy !== 'stop' && this.policy !== 'skip') throw new SandboxError('bad-option', SandboxMessages.badOption('onBreach', `must be stop or skip, not ${String(this.policy)}`), { nodeId: id });
    this.inputs = [{ name: 'in', kinds: [this.kind] }];
    this.outputs = [{ name: 'out', kinds: [this.kind] }];
    this.params = {
      ...(typeof options.module === 'string' ? { module: options.module } : {}),
      kind: this.kind,
      on_breach: this.policy,
    };
  }

  /** The sandbox while the node is open (for its counters). */
  get sandbox(): WasmSandbox | undefined {
    return this.#sandbox;
  }

  async open(): Promise<void> {
    this.#bytes = typeof this.options.module === 'string' ? new Uint8Array(readFileSync(this.options.module)) : this.options.module;
    const { module: _module, kind: _kind, onBreach: _policy, onLog: _onLog, ...limits } = this.options;
    this.#checked = await checkModule(this.#bytes, { ...limits, nodeId: this.id });
    this.#sandbox = await WasmSandbox.create(this.#checked, { ...limits, nodeId: this.id, onLog: (line) => this.#log(line) });
  }

  async process(frame: Frame, ctx: NodeContext): Promise<void> {
    if (!this.#sandbox) await this.open();
    if (this.#disabled) {
      this.dropped++;
      return;
    }
    let out: Uint8Array | null;
    try {
      out = (await this.#sandbox!.call(ABI.kinds[frame.kind], frameToAbiBytes(frame))).bytes;
      if (out === null) return;
      await ctx.emit(frameFromAbiBytes(frame, out, this.id));
    } catch (e) {
      if (!(e instanceof SandboxError) || this.policy === 'stop' || e.code === 'closed' || e.code === 'worker-failed') throw e;
      this.dropped++;
      this.breaches.push(e);
      if (this.breaches.length > 100) this.breaches.shift();
      if (e.code === 'time-total') this.#disabled = true;
    }
  }

  async close(): Promise<void> {
    await this.#sandbox?.close();
  }

  #log(line: string): void {
    this.logs.push(line);
    if (this.logs.length > SANDBOX_DEFAULTS.logLinesKept) this.logs.shift();
    this.options.onLog?.(this.id, line);
  }
}
