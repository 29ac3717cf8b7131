/**
 * No leaked handle: a child Node process runs a Streamer (two encodes on worker threads, the
 * audio clock, two Peers), closes it and its peers, and must then exit on its own, with no
 * `cleanup()` and no `process.exit`.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChildToExit } from '../__fixtures__/run-child.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/exit-child.ts', import.meta.url));
const EXIT_LIMIT_MS = 15_000;

describe('Streamer.close()', () => {
  it('a child process that streams to two peers and closes everything exits by itself', async () => {
    const { code, signal, stdout, stderr, ms } = await runChildToExit(CHILD, [], EXIT_LIMIT_MS + 3000);
    expect(stderr).toBe('');
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stdout).toBe('closed {"encodes":2}\n');
    expect(ms).toBeLessThan(EXIT_LIMIT_MS);
  }, 25_000);
});
