/**
 * Test and build helper: WebAssembly text to binary with wabt (the npm build of the WebAssembly
 * Binary Toolkit). `npx tsx src/sandbox/__fixtures__/wat.ts` re-assembles the examples in
 * src/sandbox/examples/ (a test checks the committed .wasm equals a fresh assembly).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

let wabt: Awaited<ReturnType<typeof wabtInit>> | undefined;

export async function assemble(text: string, name = 'module.wat'): Promise<Uint8Array> {
  wabt ??= await wabtInit();
  const parsed = wabt.parseWat(name, text, { multi_value: true, bulk_memory: true, threads: true, memory64: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return new Uint8Array(parsed.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    parsed.destroy();
  }
}

export const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

export async function buildExamples(): Promise<string[]> {
  const built: string[] = [];
  for (const name of readdirSync(EXAMPLES).filter((n) => n.endsWith('.wat'))) {
    const out = name.replace(/\.wat$/, '.wasm');
    writeFileSync(EXAMPLES + out, await assemble(readFileSync(EXAMPLES + name, 'utf8'), name));
    built.push(out);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log((await buildExamples()).join('\n'));
}
