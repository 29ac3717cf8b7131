/** Runs the real `spell` CLI from source (cli/spell.ts through tsx) in a child process, as a user would. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const SPELL_TS = pathToFileURL(join(import.meta.dirname, '..', 'spell.ts')).href;

export interface SpellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runSpell(args: string[], options: { cwd?: string } = {}): SpellRun {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `const { main } = await import(${JSON.stringify(SPELL_TS)}); process.exitCode = await main(process.argv.slice(1));`, ...args],
    { cwd: options.cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
