/**
 * Nothing hangs and the process exits: a child Node process runs a pipeline (a real-time tone,
 * the resampler, a WAV file sink) and must exit by itself, after a node's failure as after a
 * clean end.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChildToExit, type ChildExit } from '../__fixtures__/run-child.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/exit-child.ts', import.meta.url));
const EXIT_LIMIT_MS = 15_000;

const runChild = (mode: string): Promise<ChildExit> => runChildToExit(CHILD, [mode], EXIT_LIMIT_MS + 3000);

describe('pipeline process exit', () => {
  it('a child process whose pipeline node fails reports the node and exits by itself', async () => {
    const r = await runChild('fail');
    expect(r.stderr).toBe('');
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe("failed node-failed check node 'check' failed: sample out of range\n");
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(EXIT_LIMIT_MS);
  }, 25_000);

  it('a child process whose pipeline completes exits by itself', async () => {
    const r = await runChild('ok');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('done true\n');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(EXIT_LIMIT_MS);
  }, 25_000);
});
