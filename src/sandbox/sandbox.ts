/**
 * A WebAssembly module in its own worker thread, with limits that hold:
 * - memory: the module must import `env.memory`, which we create with a `maximum`
 *   (a worker's heap limit does not cap WebAssembly memory; a Memory's maximum does:
 *   WebAssembly JS API, `Memory.grow` fails past it). A module defining its own memory is refused.
 * - time: a watchdog in this thread terminates the worker when a frame runs past its limit or
 *   the total is spent (WebAssembly has no fuel or epochs in Node; `terminate()` stops a loop).
 * - capabilities: imports are checked before instantiation; only the host functions of the ABI
 *   (clocks, random, log) and `env.abort` are granted; no files, network or environment.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ABI, SANDBOX_DEFAULTS, SANDBOX_LIMITS, SandboxMessages, WASM_PAGE_BYTES } from './constants.js';
import { SandboxError } from './errors.js';
import { readModuleInfo, type ModuleInfo } from './wasm-binary.js';
import { WORKER_SOURCE } from './worker-source.js';

export interface SandboxLimits {
  /** Largest memory in bytes (rounded down to 64 KiB pages). */
  memoryBytes: number;
  frameTimeMs: number;
  totalTimeMs: number;
  initTimeMs: number;
  maxOutputBytes: number;
}

export interface SandboxOptions extends Partial<SandboxLimits> {
  /** The node this sandbox serves, named in every error. */
  nodeId?: string;
  /** Each line the module logs. */
  onLog?: (line: string) => void;
}

/** A module checked against the ABI and compiled, ready to start in any number of workers. */
export interface CheckedModule {
  module: WebAssembly.Module;
  info: ModuleInfo;
  initialPages: number;
  maximumPages: number;
}

export interface CallResult {
  bytes: Uint8Array | null;
  logs: string[];
  elapsedMs: number;
}

function resolveLimits(o: Partial<SandboxLimits>): SandboxLimits {
  const limits: SandboxLimits = {
    memoryBytes: o.memoryBytes ?? SANDBOX_DEFAULTS.memoryBytes,
    frameTimeMs: o.frameTimeMs ?? SANDBOX_DEFAULTS.frameTimeMs,
    totalTimeMs: o.totalTimeMs ?? SANDBOX_DEFAULTS.totalTimeMs,
    initTimeMs: o.initTimeMs ?? SANDBOX_DEFAULTS.initTimeMs,
    maxOutputBytes: o.maxOutputBytes ?? SANDBOX_DEFAULTS.maxOutputBytes,
  };
  for (const [field, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new SandboxError('bad-option', SandboxMessages.badOption(field, `must be a positive number, not ${value}`));
  }
  if (limits.memoryBytes < WASM_PAGE_BYTES || limits.memoryBytes > SANDBOX_LIMITS.maxMemoryBytes) {
    throw new SandboxError('bad-option', SandboxMessages.badOption('memoryBytes', `must be between ${WASM_PAGE_BYTES} and ${SANDBOX_LIMITS.maxMemoryBytes}`));
  }
  return limits;
}

/**
 * Check a module against the ABI before anything of it runs: it validates, defines no memory,
 * imports env.memory (not shared, not 64-bit, a minimum within the limit) and nothing else but
 * the granted host functions.
 */
export async function checkModule(bytes: Uint8Array, options: SandboxOptions = {}): Promise<CheckedModule> {
  const limits = resolveLimits(options);
  const info = readModuleInfo(bytes);
  if (info.maxTableElements > SANDBOX_LIMITS.maxTableElements) {
    throw new SandboxError('memory-limit', SandboxMessages.tableLimit(info.maxTableElements), { nodeId: options.nodeId, limit: SANDBOX_LIMITS.maxTableElements, offset: info.tableOffset });
  }
  if (info.ownMemories > 0) throw new SandboxError('module-memory', SandboxMessages.ownMemory, { nodeId: options.nodeId, offset: info.memorySectionOffset });
  let memory: ModuleInfo['imports'][number] | undefined;
  for (const imp of info.imports) {
    const host = imp.module === ABI.hostModule && imp.kind === 'function' && Object.hasOwn(ABI.hostFunctions, imp.name);
    const env = imp.module === ABI.memoryModule && imp.kind === 'function' && ABI.envFunctions.includes(imp.name);
    const mem = imp.module === ABI.memoryModule && imp.name === ABI.memoryName && imp.kind === 'memory';
    if (mem) memory = imp;
    else if (!host && !env) throw new SandboxError('forbidden-import', SandboxMessages.forbiddenImport(imp.module, imp.name, imp.kind), { nodeId: options.nodeId, offset: imp.offset });
  }
  if (!memory?.limits) throw new SandboxError('no-memory-import', SandboxMessages.noMemoryImport, { nodeId: options.nodeId });
  const l = memory.limits;
  const ourMax = Math.floor(limits.memoryBytes / WASM_PAGE_BYTES);
  if (l.shared) throw new SandboxError('bad-memory-import', SandboxMessages.badMemoryImport('shared memory is not granted'), { nodeId: options.nodeId, offset: memory.offset });
  if (l.memory64) throw new SandboxError('bad-memory-import', SandboxMessages.badMemoryImport('64-bit memory is not granted'), { nodeId: options.nodeId, offset: memory.offset });
  if (l.minPages > ourMax) {
    throw new SandboxError('memory-limit', SandboxMessages.badMemoryImport(`it needs ${l.minPages} pages at start, over the limit of ${ourMax} (${limits.memoryBytes} bytes)`), { nodeId: options.nodeId, limit: limits.memoryBytes, offset: memory.offset });
  }
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new SandboxError('bad-module', SandboxMessages.invalid((e as Error).message), { nodeId: options.nodeId, offset: 0, cause: e });
  }
  for (const name of Object.values(ABI.exports)) {
    if (!WebAssembly.Module.exports(module).some((e) => e.name === name && e.kind === 'function')) {
      throw new SandboxError('missing-export', SandboxMessages.missingExport(name), { nodeId: options.nodeId });
    }
  }
  const maximumPages = Math.min(ourMax, l.maxPages ?? ourMax);
  return { module, info, initialPages: l.minPages, maximumPages };
}

type Reply =
  | { type: 'ready'; logs: string[]; memoryBytes: number }
  | { type: 'out'; id: number; bytes: Uint8Array | null; logs: string[]; memoryBytes: number }
  | { type: 'trap'; id: number; message: string; memoryAtMax: boolean; memoryBytes: number; logs: string[] }
  | { type: 'bad-output'; id: number; message: string; logs: string[] }
  | { type: 'missing-export'; name: string };

/**
 * One running module. Frames go through `call()` one at a time; each is timed by the watchdog.
 * After a breach the worker is gone: `restart()` starts a fresh one (module state is lost).
 */
export class WasmSandbox {
  readonly limits: SandboxLimits;
  readonly nodeId: string;
  #worker?: Worker;
  #pending?: { resolve: (r: Reply) => void; reject: (e: unknown) => void };
  #nextId = 1;
  #closed = false;
  #usedMs = 0;
  #frames = 0;
  #peakMemory = 0;

  private constructor(
    readonly checked: CheckedModule,
    private readonly options: SandboxOptions,
  ) {
    this.limits = resolveLimits(options);
    this.nodeId = options.nodeId ?? 'wasm';
  }

  /** Check, compile and start a module; resolves once it is instantiated (its start function included). */
  static async create(module: Uint8Array | CheckedModule, options: SandboxOptions = {}): Promise<WasmSandbox> {
    const checked = module instanceof Uint8Array ? await checkModule(module, options) : module;
    const sandbox = new WasmSandbox(checked, options);
    await sandbox.restart();
    return sandbox;
  }

  /** Wall time spent in frames so far (ms), counted against `totalTimeMs`. */
  get usedMs(): number {
    return this.#usedMs;
  }
  get frames(): number {
    return this.#frames;
  }
  /** The largest memory the module has had (bytes). */
  get peakMemoryBytes(): number {
    return this.#peakMemory;
  }
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** Start a fresh worker (after a breach, or the first time). */
  async restart(): Promise<void> {
    if (this.#closed) throw new SandboxError('closed', SandboxMessages.closed(this.nodeId), { nodeId: this.nodeId });
    await this.#kill();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      env: {},
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: SANDBOX_DEFAULTS.workerHeapMb, maxYoungGenerationSizeMb: 8 },
      workerData: {
        module: this.checked.module,
        initialPages: this.checked.initialPages,
        maximumPages: this.checked.maximumPages,
        maxOutputBytes: this.limits.maxOutputBytes,
        logLines: SANDBOX_DEFAULTS.logLinesPerFrame,
        logLineBytes: SANDBOX_DEFAULTS.logLineBytes,
      },
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (m: Reply) => {
      const p = this.#pending;
      this.#pending = undefined;
      p?.resolve(m);
    });
    const dead = (why: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      const p = this.#pending;
      this.#pending = undefined;
      p?.reject(new SandboxError('worker-failed', SandboxMessages.workerFailed(this.nodeId, why), { nodeId: this.nodeId }));
    };
    worker.on('error', (e) => dead(e.message));
    worker.on('exit', (code) => dead(`exited with code ${code}`));
    this.#worker = worker;
    const reply = await this.#await(this.limits.initTimeMs, () => new SandboxError('time-init', SandboxMessages.initTime(this.nodeId, this.limits.initTimeMs), { nodeId: this.nodeId, limit: this.limits.initTimeMs }));
    if (reply.type === 'missing-export') {
      await this.#kill();
      throw new SandboxError('missing-export', SandboxMessages.missingExport(reply.name), { nodeId: this.nodeId });
    }
    if (reply.type === 'trap') {
      await this.#kill();
      throw this.#trapError(reply);
    }
    if (reply.type === 'ready') this.#afterReply(reply.logs, reply.memoryBytes);
  }

  /** Run one frame's bytes through the module (ABI: input, process, output). */
  async call(kind: number, bytes: Uint8Array): Promise<CallResult> {
    if (this.#closed) throw new SandboxError('closed', SandboxMessages.closed(this.nodeId), { nodeId: this.nodeId });
    const remaining = this.limits.totalTimeMs - this.#usedMs;
    if (remaining <= 0) throw this.#totalError();
    if (!this.#worker) await this.restart();
    const byFrame = this.limits.frameTimeMs <= remaining;
    const started = performance.now();
    const id = this.#nextId++;
    this.#worker!.postMessage({ id, kind, bytes });
    let reply: Reply;
    try {
      reply = await this.#await(Math.min(this.limits.frameTimeMs, remaining), () =>
        byFrame ? new SandboxError('time-frame', SandboxMessages.frameTime(this.nodeId, this.limits.frameTimeMs), { nodeId: this.nodeId, limit: this.limits.frameTimeMs }) : this.#totalError(),
      );
    } finally {
      this.#usedMs += performance.now() - started;
    }
    this.#frames++;
    const elapsedMs = performance.now() - started;
    if (reply.type === 'out') {
      const logs = this.#afterReply(reply.logs, reply.memoryBytes);
      return { bytes: reply.bytes, logs, elapsedMs };
    }
    if (reply.type === 'bad-output') {
      this.#afterReply(reply.logs, 0);
      throw new SandboxError('bad-output', SandboxMessages.badOutput(this.nodeId, reply.message), { nodeId: this.nodeId, limit: this.limits.maxOutputBytes });
    }
    if (reply.type === 'trap') {
      // A trapped instance may be in any state: it is not used again.
      await this.#kill();
      throw this.#trapError(reply);
    }
    throw new SandboxError('worker-failed', SandboxMessages.workerFailed(this.nodeId, `unexpected reply ${reply.type}`), { nodeId: this.nodeId });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const p = this.#pending;
    this.#pending = undefined;
    p?.reject(new SandboxError('closed', SandboxMessages.closed(this.nodeId), { nodeId: this.nodeId }));
    await this.#kill();
  }

  #totalError(): SandboxError {
    return new SandboxError('time-total', SandboxMessages.totalTime(this.nodeId, this.limits.totalTimeMs), { nodeId: this.nodeId, limit: this.limits.totalTimeMs });
  }

  #trapError(reply: Extract<Reply, { type: 'trap' }>): SandboxError {
    this.#afterReply(reply.logs, reply.memoryBytes);
    const limit = this.checked.maximumPages * WASM_PAGE_BYTES;
    if (reply.memoryAtMax) return new SandboxError('memory-limit', `${SandboxMessages.memoryLimit(this.nodeId, limit)} (${reply.message})`, { nodeId: this.nodeId, limit });
    return new SandboxError('trap', SandboxMessages.trap(this.nodeId, reply.message), { nodeId: this.nodeId });
  }

  #afterReply(logs: string[], memoryBytes: number): string[] {
    this.#peakMemory = Math.max(this.#peakMemory, memoryBytes);
    for (const line of logs) this.options.onLog?.(line);
    return logs;
  }

  #await(ms: number, onTimeout: () => SandboxError): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        // Terminate first, then report: the error means the module is no longer running.
        void this.#kill().then(() => reject(onTimeout()));
      }, ms);
      this.#pending = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  async #kill(): Promise<void> {
    const w = this.#worker;
    this.#worker = undefined;
    if (w) await w.terminate();
  }
}
