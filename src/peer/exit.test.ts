/**
 * No leaked handle: a child Node process opens a Peer against a loopback receiver, sends
 * media until a sender report went out, closes, and must then exit on its own (no
 * `cleanup()`, no `process.exit`). node-datachannel keeps the event loop alive through
 * native callbacks it only releases when tracks are closed before their peer and carry a
 * closed callback; Peer.close() does both.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChildToExit, type ChildExit } from '../__fixtures__/run-child.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/exit-child.ts', import.meta.url));
const EXIT_LIMIT_MS = 5000;

const RECEIVE_CHILD = fileURLToPath(new URL('./__fixtures__/exit-receive-child.ts', import.meta.url));
const run = (child = CHILD): Promise<ChildExit> => runChildToExit(child, [], EXIT_LIMIT_MS + 3000);

describe('Peer.close()', () => {
  it('a child process that opens, uses and closes a peer exits by itself within a few seconds', async () => {
    const result = await run();
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^closed \{"frames":5,"srs":[1-9]\d*\}\n$/);
    expect(result.ms).toBeLessThan(EXIT_LIMIT_MS);
  }, 15_000);

  it('a child process whose peers received audio (a sendrecv and a recvonly track, reorder and RR timers) exits by itself after close()', async () => {
    const result = await run(RECEIVE_CHILD);
    expect(result.stderr).toBe('');
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('closed {"packets":19,"lost":1}\n');
    expect(result.ms).toBeLessThan(EXIT_LIMIT_MS);
  }, 15_000);
});
