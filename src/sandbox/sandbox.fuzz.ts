/**
 * Fuzz target for what the sandbox reads from outside before anything runs:
 * - `sandbox.module`: readModuleInfo over mutated WebAssembly binaries (the example and
 *   small modules with imports and a memory section); only SandboxError with a byte offset may escape.
 */
import { readFileSync } from 'node:fs';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { SandboxError } from './errors.js';
import { readModuleInfo } from './wasm-binary.js';

function seeds(): Uint8Array[] {
  const gain = new Uint8Array(readFileSync(new URL('./examples/gain.wasm', import.meta.url)));
  // (module (import "spellbook" "log" (func (param i32 i32))) (import "env" "memory" (memory 1 2)) (memory 1))
  const imports = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00, 0x02, 0x20, 0x02, 0x09, ...Buffer.from('spellbook'), 0x03,
    ...Buffer.from('log'), 0x00, 0x00, 0x03, ...Buffer.from('env'), 0x06, ...Buffer.from('memory'), 0x02, 0x01, 0x01, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01,
  ]);
  return [gain, imports];
}

export const targets: FuzzTarget[] = [
  {
    name: 'sandbox.module',
    seeds: seeds(),
    run(input) {
      const info = readModuleInfo(input);
      return info.imports.length + info.ownMemories;
    },
    isExpectedError: (e) => e instanceof SandboxError && Number.isInteger(e.offset),
  },
];
