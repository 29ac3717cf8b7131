/**
 * Test helper shared by the modules' "exits by itself" tests: runs a TypeScript file in a
 * child Node process (through tsx) and reports how it ended. The child is killed only as a
 * last resort, `killAfterMs` after the start, so a hang shows as signal SIGKILL.
 */
import { spawn } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
}

export function runChildToExit(file: string, args: readonly string[], killAfterMs: number): Promise<ChildExit> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    }),
  );
}
