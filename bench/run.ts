/**
 * `npm run bench [-- filter...]`: runs every `bench/*.bench.ts` (or those a filter names: exactly,
 * else by substring) in its own process, one
 * after another (so they do not compete for the two cores), and prints what each prints.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const dir = import.meta.dirname;
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
// A filter that names a bench exactly (`encoder`) runs that one, not every bench containing the
// word (`encoder-quality`); other filters match by substring.
const files = all.filter((f) => !filters.length || filters.some((x) => f === `${x}.bench.ts` || (!all.includes(`${x}.bench.ts`) && f.slice(0, -'.bench.ts'.length).includes(x))));
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file} ==`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
