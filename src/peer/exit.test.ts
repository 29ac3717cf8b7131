/**
 * No leaked handle: a child Node process opens a Peer against a loopback receiver, sends
 * media until a sender report went out, closes, and must then exit on its own (no
 * `cleanup()`, no `process.exit`). node-datachannel keeps the event loop alive through
 * native callbacks it only releases when tracks are closed before their peer and carry a
 * closed callback; Peer.close() does both.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./__fixtures__/exit-child.ts', import.meta.url));
const EXIT_LIMIT_MS = 5000;

function run(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_LIMIT_MS + 3000);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    }),
  );
}

describe('Peer.close()', () => {
  it('a child process that opens, uses and closes a peer exits by itself within a few seconds', async () => {
    const result = await run();
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^closed \{"frames":5,"srs":[1-9]\d*\}\n$/);
    expect(result.ms).toBeLessThan(EXIT_LIMIT_MS);
  }, 15_000);
});
