/**
 * No leaked handle: a child Node process runs a Streamer (two encodes on worker threads, the
 * audio clock, two Peers), closes it and its peers, and must then exit on its own, with no
 * `cleanup()` and no `process.exit`.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./__fixtures__/exit-child.ts', import.meta.url));
const EXIT_LIMIT_MS = 15_000;

describe('Streamer.close()', () => {
  it('a child process that streams to two peers and closes everything exits by itself', async () => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), EXIT_LIMIT_MS + 3000);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (c, s) => resolve({ code: c, signal: s })));
    clearTimeout(killer);
    expect(stderr).toBe('');
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stdout).toBe('closed {"encodes":2}\n');
    expect(performance.now() - started).toBeLessThan(EXIT_LIMIT_MS);
  }, 25_000);
});
