import { generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SignalingClient, backoffDelay, type SignalingClientEvents } from './client.js';
import { SignalingServer, type SignalingServerOptions } from './server.js';
import { startSignalProcess, type SignalProcess } from './__fixtures__/process.js';
import { freePort, until } from './__fixtures__/wire.js';

const servers: SignalingServer[] = [];
const clients: SignalingClient[] = [];
const procs: SignalProcess[] = [];

async function start(options: SignalingServerOptions = {}) {
  const server = new SignalingServer({ port: 0, logger: () => {}, ...options });
  servers.push(server);
  const { url } = await server.listen();
  return { server, url };
}
function client(options: ConstructorParameters<typeof SignalingClient>[0]) {
  const c = new SignalingClient({ WebSocket, ...options });
  clients.push(c);
  return c;
}
/** Records every event of one kind. */
function record<K extends keyof SignalingClientEvents>(c: SignalingClient, type: K): SignalingClientEvents[K][] {
  const seen: SignalingClientEvents[K][] = [];
  c.on(type, (e) => seen.push(e));
  return seen;
}
function nextEvent<K extends keyof SignalingClientEvents>(c: SignalingClient, type: K, timeoutMs = 15_000): Promise<SignalingClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(type)} event in ${timeoutMs} ms`)), timeoutMs);
    c.once(type, (e) => {
      clearTimeout(timer);
      resolve(e);
    });
  });
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
});

describe('SignalingClient', () => {
  it('two clients join, see each other, relay offer, answer and candidates, announce, broadcast and leave', async () => {
    const { url } = await start();
    const a = client({ url, room: 'lab', peerId: 'alice', metadata: { caps: ['x'] } });
    const b = client({ url, room: 'lab', metadata: { caps: ['y'] } });
    expect(a.status).toBe('idle');
    expect(a.send({ type: 'broadcast', payload: 1 })).toBe(false);
    const ja = await a.connect();
    expect(ja).toEqual({ type: 'joined', peerId: 'alice', room: 'lab', peers: [] });
    expect(a.status).toBe('joined');
    const seenByA = nextEvent(a, 'peer-joined');
    const jb = await b.connect();
    expect(b.peerId).toBe(jb.peerId);
    expect(jb.peers).toEqual([{ peerId: 'alice', metadata: { caps: ['x'] } }]);
    expect(await seenByA).toEqual({ peerId: b.peerId, metadata: { caps: ['y'] } });

    const offer = nextEvent(b, 'offer');
    expect(a.send({ type: 'offer', to: b.peerId!, sdp: 'v=0 o' })).toBe(true);
    expect(await offer).toEqual({ from: 'alice', sdp: 'v=0 o' });
    const answer = nextEvent(a, 'answer');
    b.send({ type: 'answer', to: 'alice', sdp: 'v=0 a' });
    expect(await answer).toEqual({ from: b.peerId, sdp: 'v=0 a' });
    const ice = nextEvent(a, 'ice-candidate');
    b.send({ type: 'ice-candidate', to: 'alice', candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', mid: '0' });
    expect(await ice).toEqual({ from: b.peerId, candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', mid: '0' });
    const announce = nextEvent(b, 'announce');
    a.send({ type: 'announce', metadata: { caps: ['x', 'z'] } });
    expect(await announce).toEqual({ from: 'alice', metadata: { caps: ['x', 'z'] } });
    const broadcast = nextEvent(a, 'broadcast');
    b.send({ type: 'broadcast', payload: { n: 1 } });
    expect(await broadcast).toEqual({ from: b.peerId, payload: { n: 1 } });
    const error = nextEvent(a, 'error');
    a.send({ type: 'offer', to: 'ghost', sdp: 'v=0' });
    expect(await error).toMatchObject({ code: 'unknown-peer' });

    const left = nextEvent(a, 'peer-left');
    await b.close();
    expect(b.status).toBe('closed');
    expect(await left).toEqual({ peerId: b.peerId });
    expect(b.send({ type: 'broadcast', payload: 1 })).toBe(false);
  });

  it('joins a token room and an Ed25519 roster room; a wrong token rejects connect with auth-failed and does not retry', async () => {
    const keys = generateKeyPairSync('ed25519');
    const raw = new Uint8Array(keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
    const { url } = await start({ auth: { rooms: { t: { token: 'tok' }, k: { keys: [Buffer.from(raw).toString('base64')] } }, default: 'open' } });
    await expect(client({ url, room: 't', token: 'tok' }).connect()).resolves.toMatchObject({ room: 't' });
    const signer = client({ url, room: 'k', identity: { publicKey: raw, sign: async (data) => new Uint8Array(sign(null, data, keys.privateKey)) } });
    await expect(signer.connect()).resolves.toMatchObject({ room: 'k' });
    const assigned = client({ url, room: 'k', peerId: 'named', identity: { publicKey: raw, sign: (data) => sign(null, data, keys.privateKey) } });
    await expect(assigned.connect()).resolves.toMatchObject({ peerId: 'named' });
    const wrong = client({ url, room: 't', token: 'nope' });
    const reconnects = record(wrong, 'reconnecting');
    await expect(wrong.connect()).rejects.toMatchObject({ code: 'auth-failed' });
    expect(wrong.status).toBe('closed');
    expect(reconnects).toEqual([]);
    const taken = client({ url, room: 't', token: 'tok', peerId: 'named', reconnect: false });
    await expect(taken.connect()).rejects.toMatchObject({ code: 'peer-id-taken' });
  });

  it('after the server process is killed and restarted, the client reconnects with jittered backoff, reports attempts, and rejoins with the same peer id', async () => {
    const port = await freePort();
    const first = await startSignalProcess(['--port', String(port)]);
    procs.push(first);
    const url = first.url;
    const opts = { initialDelayMs: 100, maxDelayMs: 800 };
    const a = client({ url, room: 'lab', peerId: 'alice', reconnect: opts, heartbeatMs: 500 });
    const b = client({ url, room: 'lab', reconnect: opts, heartbeatMs: 500 });
    await a.connect();
    await b.connect();
    const bId = b.peerId!;
    const attempts = record(a, 'reconnecting');
    const disconnected = nextEvent(a, 'disconnected');
    await first.stop('SIGKILL');
    expect((await disconnected).code).toBe(1006);
    // Let several attempts fail against the dead port.
    await until(() => attempts.length >= 4, 'four reconnect attempts', 30_000);
    const second = await startSignalProcess(['--port', String(port)]);
    procs.push(second);
    const rejoinedA = nextEvent(a, 'joined', 30_000);
    const rejoinedB = nextEvent(b, 'joined', 30_000);
    expect((await rejoinedA).peerId).toBe('alice');
    expect((await rejoinedB).peerId).toBe(bId);
    expect(a.status).toBe('joined');
    expect(a.reconnects).toBe(1);

    // Attempts count up from 1 and each delay lies in [0, min(max, initial * 2^(attempt-1))).
    expect(attempts.map((e) => e.attempt)).toEqual(attempts.map((_, i) => i + 1));
    for (const { attempt, delayMs } of attempts) {
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThan(Math.min(opts.maxDelayMs, opts.initialDelayMs * 2 ** (attempt - 1)));
    }
    // Jitter: the delays are not the deterministic ladder.
    expect(new Set(attempts.map((e) => e.delayMs)).size).toBeGreaterThan(1);

    const offer = nextEvent(b, 'offer');
    await until(() => a.send({ type: 'offer', to: bId, sdp: 'v=0 again' }), 'alice to see bob again');
    expect(await offer).toEqual({ from: 'alice', sdp: 'v=0 again' });
  }, 120_000);

  it('configure() moves a joined client to another server and room without a restart, keeping its peer id', async () => {
    const one = await start();
    const two = await start();
    const watcher = client({ url: one.url, room: 'r1' });
    await watcher.connect();
    const mover = client({ url: one.url, room: 'r1', peerId: 'mover' });
    await mover.connect();
    const left = nextEvent(watcher, 'peer-left');
    const joined = await mover.configure({ url: two.url, room: 'r2' });
    expect(joined).toMatchObject({ peerId: 'mover', room: 'r2' });
    expect(mover.url).toBe(two.url);
    expect(await left).toEqual({ peerId: 'mover' });
    await until(() => two.server.stats().peers === 1 && one.server.stats().peers === 1, 'the move');
  });

  it('a server that stops answering is detected by the heartbeat and the client reconnects', async () => {
    // A server that joins everyone and then never says anything again (no heartbeat-ack).
    const mute = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    let joins = 0;
    mute.on('connection', (ws) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { type: string; room: string; peerId?: string };
        if (msg.type === 'join') {
          joins++;
          ws.send(JSON.stringify({ type: 'joined', peerId: msg.peerId ?? 'x', room: msg.room, peers: [] }));
        }
      });
    });
    await new Promise((r) => mute.once('listening', r));
    try {
      const url = `ws://127.0.0.1:${(mute.address() as { port: number }).port}/`;
      const c = client({ url, room: 'lab', peerId: 'p', heartbeatMs: 200, reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
      const errors = record(c, 'error');
      await c.connect();
      await nextEvent(c, 'reconnecting', 15_000);
      expect(errors.map((e) => e.code)).toContain('heartbeat-timeout');
      await until(() => joins >= 2, 'the rejoin');
    } finally {
      for (const ws of mute.clients) ws.terminate();
      await new Promise((r) => mute.close(r));
    }
  });

  it('gives up after maxAttempts and rejects connect with reconnect-exhausted', async () => {
    const port = await freePort();
    const c = client({ url: `ws://127.0.0.1:${port}/signaling`, room: 'lab', reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    const attempts = record(c, 'reconnecting');
    await expect(c.connect()).rejects.toMatchObject({ code: 'reconnect-exhausted' });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(c.status).toBe('closed');
  });

  it('backoffDelay is full jitter: uniform in [0, min(max, initial * 2^attempt))', () => {
    expect(backoffDelay(0, 250, 10_000, () => 0)).toBe(0);
    expect(backoffDelay(0, 250, 10_000, () => 0.999999)).toBe(249);
    expect(backoffDelay(3, 250, 10_000, () => 0.5)).toBe(1000);
    expect(backoffDelay(10, 250, 10_000, () => 0.999999)).toBe(9999);
    expect(backoffDelay(5000, 250, 10_000, () => 0.5)).toBe(5000);
  });

  it('rejects a missing room', () => {
    expect(() => new SignalingClient({ room: '' })).toThrow(/room/);
  });
});
