/**
 * Runs once before any test file:
 * - gives the run a temporary folder of its own (TMPDIR, which os.tmpdir() and the processes
 *   the tests start read) and removes it when the run ends, so that the folders tests make
 *   there are never left behind, whether or not each test cleans up after itself;
 * - builds dist/ (strict typecheck included), because the end-to-end tests run the real
 *   `spell` executable, which runs the compiled CLI. Building here, once, means no test file
 *   rebuilds dist/ while another one is executing it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEMP_VARIABLES = ['TMPDIR', 'TMP', 'TEMP'] as const;

/** A temporary folder for this run, set as every process's temp dir; returns the teardown. */
function runTempDir(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'spellbook-tests-'));
  const before = TEMP_VARIABLES.map((name) => process.env[name]);
  for (const name of TEMP_VARIABLES) process.env[name] = dir;
  return () => {
    TEMP_VARIABLES.forEach((name, i) => {
      if (before[i] === undefined) delete process.env[name];
      else process.env[name] = before[i];
    });
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}

export default function setup(): () => void {
  const teardown = runTempDir();
  // For a quick run of one folder whose tests do not execute dist/ (never set in CI).
  if (process.env.SPELLBOOK_SKIP_BUILD === '1') return teardown;
  const root = import.meta.dirname;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    teardown();
    throw new Error(`tsc -p tsconfig.build.json failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
  return teardown;
}
