/**
 * spellbook/sandbox: WebAssembly modules as pipeline nodes, each in its own worker thread with
 * limits that hold (an imported memory with a maximum, a watchdog on time per frame and in
 * total, no capabilities but clocks, random and log). Public API only; no side effects.
 */
export { WasmNode, frameToAbiBytes, frameFromAbiBytes, type WasmNodeOptions, type BreachPolicy } from './wasm-node.js';
export { WasmSandbox, checkModule, type SandboxLimits, type SandboxOptions, type CheckedModule, type CallResult } from './sandbox.js';
export { readModuleInfo, type ModuleInfo, type ModuleImport, type ImportKind, type MemoryLimits } from './wasm-binary.js';
export { SandboxError, LIMIT_CODES, type SandboxErrorCode } from './errors.js';
export { ABI as SANDBOX_ABI, SANDBOX_DEFAULTS, SANDBOX_LIMITS, WASM_PAGE_BYTES } from './constants.js';
