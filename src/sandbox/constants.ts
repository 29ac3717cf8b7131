/** Defaults, limits and messages of the WASM sandbox (one place, per docs/contributing.md). */

/** A WebAssembly page is 64 KiB (WebAssembly Core Specification 2.0, section 4.2.8). */
export const WASM_PAGE_BYTES = 65536;

export const SANDBOX_DEFAULTS = {
  /** Largest memory the module may grow to (the `maximum` of the memory we create). */
  memoryBytes: 16 * 1024 * 1024,
  /** Wall time one frame may take in the worker, measured by the host. */
  frameTimeMs: 250,
  /** Wall time all frames together may take. */
  totalTimeMs: 60_000,
  /** Time to instantiate (a start function runs here). */
  initTimeMs: 2_000,
  /** Largest output one frame may produce. */
  maxOutputBytes: 64 * 1024 * 1024,
  /** Log lines kept per frame and their length (longer lines are cut). */
  logLinesPerFrame: 16,
  logLineBytes: 1024,
  /** Log lines kept by a node (the newest). */
  logLinesKept: 256,
  /** JS heap of the worker (the worker's own code only: it does NOT cap WebAssembly memory). */
  workerHeapMb: 32,
};

export const SANDBOX_LIMITS = {
  /** Largest module accepted. */
  maxModuleBytes: 16 * 1024 * 1024,
  /** Highest memory maximum a caller may configure. */
  maxMemoryBytes: 1024 * 1024 * 1024,
  maxImports: 64,
  /** Largest initial table (elements): engine memory outside the Memory's maximum. */
  maxTableElements: 65_536,
  maxSections: 10_000,
};

/** The ABI version and its names (docs/sandbox.md). */
export const ABI = {
  version: 1,
  hostModule: 'spellbook',
  memoryModule: 'env',
  memoryName: 'memory',
  /** Host functions a module may import from `spellbook` with their WebAssembly signatures. */
  hostFunctions: {
    clock_ms: { params: [], results: ['f64'] },
    time_ms: { params: [], results: ['f64'] },
    random_fill: { params: ['i32', 'i32'], results: [] },
    log: { params: ['i32', 'i32'], results: [] },
  },
  /** AssemblyScript's abort(message, file, line, column): a trap with a message. */
  envFunctions: ['abort'],
  exports: { input: 'input', process: 'process', output: 'output' },
  kinds: { audio: 0, video: 1, data: 2, text: 3 } as const,
};

export const SandboxMessages = {
  notWasm: 'not a WebAssembly binary (magic \\0asm, version 1)',
  truncated: (offset: number) => `WebAssembly binary truncated at byte ${offset}`,
  badLeb: (offset: number) => `bad LEB128 number at byte ${offset}`,
  sectionOrder: (offset: number) => `section out of bounds at byte ${offset}`,
  tooLarge: (size: number) => `module of ${size} bytes is over the limit of ${SANDBOX_LIMITS.maxModuleBytes}`,
  invalid: (why: string) => `WebAssembly module does not validate: ${why}`,
  ownMemory: 'the module declares its own memory; it must import env.memory, which the sandbox creates with a maximum',
  noMemoryImport: 'the module must import its memory as env.memory',
  forbiddenImport: (module: string, name: string, kind: string) =>
    `import ${module}.${name} (${kind}) is not granted; only spellbook.clock_ms, time_ms, random_fill, log, env.abort and env.memory are`,
  badMemoryImport: (why: string) => `env.memory import refused: ${why}`,
  missingExport: (name: string) => `the module does not export the function '${name}' (ABI v1: input, process, output)`,
  tableLimit: (elements: number) => `a table of ${elements} elements at start is over the limit of ${SANDBOX_LIMITS.maxTableElements}`,
  memoryLimit: (node: string, bytes: number) => `node '${node}': memory limit of ${bytes} bytes reached`,
  frameTime: (node: string, ms: number) => `node '${node}': time limit per frame of ${ms} ms exceeded; the worker was terminated`,
  totalTime: (node: string, ms: number) => `node '${node}': total time limit of ${ms} ms exceeded; the worker was terminated`,
  initTime: (node: string, ms: number) => `node '${node}': instantiation took over ${ms} ms; the worker was terminated`,
  trap: (node: string, why: string) => `node '${node}': the module trapped: ${why}`,
  badOutput: (node: string, why: string) => `node '${node}': bad output: ${why}`,
  workerFailed: (node: string, why: string) => `node '${node}': the worker failed: ${why}`,
  closed: (node: string) => `node '${node}': the sandbox is closed`,
  disabled: (node: string) => `node '${node}': disabled after its total time limit`,
  badOption: (field: string, why: string) => `sandbox option ${field} ${why}`,
};
