/**
 * Test and build helper: WebAssembly text to binary with wabt (the npm build of the WebAssembly
 * Binary Toolkit), AssemblyScript to WebAssembly with the assemblyscript package. `npx tsx src/sandbox/__fixtures__/wat.ts` re-assembles the examples in
 * src/sandbox/examples/ (a test checks the committed .wasm equals a fresh assembly).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
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

/** AssemblyScript source to a module following the sandbox ABI (imported memory, stub runtime). */
export async function compileAssemblyScript(source: string): Promise<Uint8Array> {
  let wasm: Uint8Array | undefined;
  const { error, stderr } = await asc.main(['entry.ts', '--outFile', 'entry.wasm', '--importMemory', '--runtime', 'stub', '-O3', '--noAssert'], {
    readFile: (name: string) => (name === 'entry.ts' ? source : null),
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name === 'entry.wasm') wasm = contents as Uint8Array;
    },
    listFiles: () => [],
  });
  if (error || !wasm) throw new Error(`AssemblyScript: ${error?.message ?? 'no output'}\n${stderr.toString()}`);
  return new Uint8Array(wasm);
}

export const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

export async function buildExamples(): Promise<string[]> {
  const built: string[] = [];
  for (const name of readdirSync(EXAMPLES).filter((n) => n.endsWith('.wat'))) {
    const out = name.replace(/\.wat$/, '.wasm');
    writeFileSync(EXAMPLES + out, await assemble(readFileSync(EXAMPLES + name, 'utf8'), name));
    built.push(out);
  }
  for (const name of readdirSync(EXAMPLES).filter((n) => n.endsWith('.as'))) {
    const out = name.replace(/\.as$/, '.wasm');
    writeFileSync(EXAMPLES + out, await compileAssemblyScript(readFileSync(EXAMPLES + name, 'utf8')));
    built.push(out);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log((await buildExamples()).join('\n'));
}
