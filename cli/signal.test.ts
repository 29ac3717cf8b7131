import { describe, expect, it } from 'vitest';
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
});
