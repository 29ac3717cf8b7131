/**
 * Runs once before any test file: builds dist/ (strict typecheck included), because the
 * end-to-end tests run the real `spell` executable, which runs the compiled CLI. Building
 * here, once, means no test file rebuilds dist/ while another one is executing it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  // For a quick run of one folder whose tests do not execute dist/ (never set in CI).
  if (process.env.SPELLBOOK_SKIP_BUILD === '1') return;
  const root = import.meta.dirname;
  try {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`tsc -p tsconfig.build.json failed:\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
  }
}
