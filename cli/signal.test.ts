import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSpell } from './__fixtures__/run-spell.js';
import { rawClient } from '../src/signaling/__fixtures__/wire.js';
import { startSignalProcess } from '../src/signaling/__fixtures__/process.js';

describe('spell signal', () => {
  it('spell signal starts, prints its URL and the loopback warning, serves a join, and stops on SIGINT', async () => {
    const server = await startSignalProcess(['--port', '0', '--path', '/sig']);
    try {
      expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/sig$/);
      expect(server.stderr()).toMatch(/OPEN rooms .*only on loopback/);
      const c = await rawClient(server.url);
      expect(await c.join('lab', { peerId: 'p1' })).toMatchObject({ type: 'joined', peerId: 'p1' });
      const exit = await server.stop('SIGINT');
      expect(exit.code).toBe(0);
      expect(server.stdout()).toMatch(/stopped on SIGINT \(1 joins/);
      expect((await c.closed).code).toBe(1001);
    } finally {
      await server.stop('SIGKILL');
    }
  }, 60_000);

  it('spell signal refuses open rooms off loopback and needs no warning when every room has a token', async () => {
    await expect(startSignalProcess(['--host', '0.0.0.0', '--port', '0'])).rejects.toThrow(/open rooms are allowed only on loopback/);
    const server = await startSignalProcess(['--port', '0', '--room-token', '*=s3cret']);
    try {
      expect(server.stderr()).not.toMatch(/OPEN rooms/);
      const c = await rawClient(server.url);
      expect(await c.join('lab')).toMatchObject({ code: 'auth-required' });
      const d = await rawClient(server.url);
      expect(await d.join('lab', { token: 's3cret' })).toMatchObject({ type: 'joined' });
    } finally {
      await server.stop('SIGKILL');
    }
  }, 60_000);

  it('spell signal --witness records joins, offers, answers and leaves as a log that spell witness verify accepts, with SDP as SHA-256 only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signal-witness-'));
    const file = join(dir, 'signaling.jsonl');
    const server = await startSignalProcess(['--port', '0', '--witness', file]);
    let again: Awaited<ReturnType<typeof startSignalProcess>> | undefined;
    try {
      const a = await rawClient(server.url);
      await a.join('lab', { peerId: 'alice' });
      const b = await rawClient(server.url);
      await b.join('lab', { peerId: 'bob' });
      a.send({ type: 'offer', to: 'bob', sdp: 'v=0 secret-offer-text' });
      await b.next((m) => m.type === 'offer');
      b.send({ type: 'answer', to: 'alice', sdp: 'v=0 secret-answer-text' });
      await a.next((m) => m.type === 'answer');
      b.ws.close();
      await a.next((m) => m.type === 'peer-left');
      const exit = await server.stop('SIGINT');
      expect(exit.code).toBe(0);
      // Stopping closes alice's connection too: her leave is the sixth entry.
      expect(server.stdout()).toMatch(/witness log .*: 6 entries, root [0-9a-f]{64}/);
      const text = readFileSync(file, 'utf8');
      const entries = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.map((e) => [e.type, e.peerId])).toEqual([['join', 'alice'], ['join', 'bob'], ['offer', 'alice'], ['answer', 'bob'], ['leave', 'bob'], ['leave', 'alice']]);
      expect(text).not.toContain('secret-offer-text');
      expect(entries[2]!.sdpSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(runSpell(['witness', 'verify', file]).code).toBe(0);
      // A restarted server appends to the same log after verifying it.
      again = await startSignalProcess(['--port', '0', '--witness', file]);
      expect(again.stdout()).toMatch(/witness log .* \(6 entries so far\)/);
      expect((await again.stop('SIGINT')).code).toBe(0);
    } finally {
      await server.stop('SIGKILL');
      await again?.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
