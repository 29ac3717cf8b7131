/**
 * `npm run fuzz [-- --cases N] [-- filter...]`: runs every `targets` export of every
 * `src/**\/*.fuzz.ts` and `harness/**\/*.fuzz.ts` for N cases each (default 100,000), prints one line per target and
 * exits 1 when any target failed. Run with `node --expose-gc` semantics via tsx for the
 * heap check (tsx passes NODE_OPTIONS through).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runFuzz, type FuzzTarget } from './engine.js';

function findFuzzFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findFuzzFiles(path));
    else if (name.endsWith('.fuzz.ts')) out.push(path);
  }
  return out.sort();
}

const args = process.argv.slice(2);
let cases = 100_000;
const filters: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--cases') cases = Number(args[++i]);
  else filters.push(args[i]);
}
if (!Number.isInteger(cases) || cases <= 0) {
  console.error('fuzz: --cases takes a positive whole number');
  process.exit(2);
}

let failed = 0;
const root = join(import.meta.dirname, '..');
for (const file of [...findFuzzFiles(join(root, 'src')), ...findFuzzFiles(join(root, 'harness'))]) {
  const mod = (await import(pathToFileURL(file).href)) as { targets?: FuzzTarget[] };
  for (const target of mod.targets ?? []) {
    if (filters.length && !filters.some((f) => target.name.includes(f))) continue;
    process.stdout.write(`${target.name.padEnd(28)} ${relative(root, file)}\n`);
    const result = runFuzz(target, {
      cases,
      progressEvery: Math.max(1, Math.floor(cases / 10)),
      // Progress only on a terminal; CI logs get the one result line.
      onProgress: process.stdout.isTTY ? (done, total) => process.stdout.write(`\r  ${Math.round((done / total) * 100)}%`) : undefined,
    });
    const rate = Math.round(result.cases / (result.elapsedMs / 1000));
    process.stdout.write(
      `${process.stdout.isTTY ? '\r' : ''}  ${result.cases} cases, ${result.accepted} parsed, ${result.rejected} rejected with typed errors, ` +
        `${rate}/s, heap ${(result.heapGrowthBytes / 1048576).toFixed(1)} MiB: ${result.failures.length ? 'FAIL' : 'ok'}\n`,
    );
    for (const f of result.failures) {
      failed++;
      console.log(`  ${f.kind} at case ${f.caseIndex}: ${f.message}\n  input: ${f.inputHex.slice(0, 400)}`);
    }
  }
}
process.exit(failed ? 1 : 0);
