import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SignalingClient } from './client.js';
import { startSignalProcess, type SignalProcess } from './__fixtures__/process.js';
import { rawClient, startRedis, until, type RawClient, type RedisProcess } from './__fixtures__/wire.js';

const procs: SignalProcess[] = [];
const raws: RawClient[] = [];
const clients: SignalingClient[] = [];
let redis: RedisProcess | undefined;

/** Short refresh and TTL so a killed process is noticed within about a second. */
const FAST = ['--redis-refresh-ms', '200', '--redis-ttl-ms', '1500'];

async function serverOn(url: string): Promise<SignalProcess> {
  const p = await startSignalProcess(['--port', '0', '--redis', url, ...FAST]);
  procs.push(p);
  return p;
}
async function raw(url: string): Promise<RawClient> {
  const c = await rawClient(url);
  raws.push(c);
  return c;
}

afterEach(async () => {
  for (const c of raws.splice(0)) c.ws.terminate();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(procs.splice(0).map((p) => p.stop('SIGKILL')));
  await redis?.stop();
  redis = undefined;
});

describe('several server processes on one Redis', () => {
  it('peers on two processes see each other, relay and broadcast; peer ids are unique across processes; rooms stay separate', async () => {
    redis = await startRedis();
    const p1 = await serverOn(redis.url);
    const p2 = await serverOn(redis.url);
    const a = await raw(p1.url);
    expect(await a.join('lab', { peerId: 'alice', metadata: { on: 1 } })).toMatchObject({ type: 'joined', peers: [] });
    const b = await raw(p2.url);
    expect(await b.join('lab', { peerId: 'bob', metadata: { on: 2 } })).toMatchObject({ type: 'joined', peers: [{ peerId: 'alice', metadata: { on: 1 } }] });
    expect(await a.next((m) => m.type === 'peer-joined')).toEqual({ type: 'peer-joined', peerId: 'bob', metadata: { on: 2 } });

    a.send({ type: 'offer', to: 'bob', sdp: 'v=0 across' });
    expect(await b.next((m) => m.type === 'offer')).toMatchObject({ from: 'alice', sdp: 'v=0 across' });
    b.send({ type: 'ice-candidate', to: 'alice', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', mid: '0' });
    expect(await a.next((m) => m.type === 'ice-candidate')).toMatchObject({ from: 'bob', mid: '0' });
    b.send({ type: 'broadcast', payload: [1] });
    expect(await a.next((m) => m.type === 'broadcast')).toEqual({ type: 'broadcast', from: 'bob', payload: [1] });
    a.send({ type: 'announce', metadata: { on: 'one' } });
    expect(await b.next((m) => m.type === 'announce')).toEqual({ type: 'announce', from: 'alice', metadata: { on: 'one' } });

    // The id of a live peer on the other process is refused.
    const thief = await raw(p2.url);
    expect(await thief.join('lab', { peerId: 'alice' })).toMatchObject({ type: 'error', code: 'peer-id-taken' });
    // A member of another room on the same process as bob cannot be addressed from alice's room.
    const x = await raw(p2.url);
    expect(await x.join('other', { peerId: 'xavier' })).toMatchObject({ type: 'joined' });
    a.send({ type: 'offer', to: 'xavier', sdp: 'v=0' });
    expect(await a.next((m) => m.type === 'error')).toMatchObject({ code: 'unknown-peer' });
    // A third member sees both, wherever it joins.
    const c = await raw(p1.url);
    const joined = await c.join('lab', { peerId: 'carol' });
    expect((joined.peers as { peerId: string }[]).map((p) => p.peerId).sort()).toEqual(['alice', 'bob']);
    // Leaving on one process is seen on the other.
    b.ws.close();
    expect(await a.next((m) => m.type === 'peer-left')).toEqual({ type: 'peer-left', peerId: 'bob' });
  }, 90_000);

  it('a resume secret takes a peer id over across processes: the old socket is closed 4409 and the others see the peer again', async () => {
    redis = await startRedis();
    const p1 = await serverOn(redis.url);
    const p2 = await serverOn(redis.url);
    const watcher = await raw(p2.url);
    await watcher.join('lab', { peerId: 'watcher' });
    const old = await raw(p1.url);
    const first = await old.join('lab', { peerId: 'zed' });
    await watcher.next((m) => m.type === 'peer-joined' && m.peerId === 'zed');
    const thief = await raw(p2.url);
    expect(await thief.join('lab', { peerId: 'zed', resume: 'not-the-secret' })).toMatchObject({ code: 'peer-id-taken' });
    const again = await raw(p2.url);
    const second = await again.join('lab', { peerId: 'zed', resume: first.resume });
    expect(second).toMatchObject({ type: 'joined', peerId: 'zed' });
    expect((await old.closed).code).toBe(4409);
    // The new session's secret works in turn, now held in Redis by p2.
    const third = await raw(p1.url);
    expect(await third.join('lab', { peerId: 'zed', resume: second.resume })).toMatchObject({ type: 'joined', peerId: 'zed' });
    expect((await again.closed).code).toBe(4409);
    // p2 learns through Redis that zed now lives on p1; an offer sent before that converges can
    // still reach the session being closed, so the watcher sends until one arrives (seen under load in CI).
    const arrived = third.next((m) => m.type === 'offer', 15_000);
    const resend = setInterval(() => watcher.send({ type: 'offer', to: 'zed', sdp: 'v=0 to the latest' }), 500);
    watcher.send({ type: 'offer', to: 'zed', sdp: 'v=0 to the latest' });
    try {
      expect(await arrived).toMatchObject({ from: 'watcher' });
    } finally {
      clearInterval(resend);
    }
  }, 90_000);

  it('when one process is killed the other keeps serving, reports its peers gone, and a client moved there rejoins under its id', async () => {
    redis = await startRedis();
    const p1 = await serverOn(redis.url);
    const p2 = await serverOn(redis.url);
    const alice = new SignalingClient({ url: p1.url, room: 'lab', peerId: 'alice', WebSocket, reconnect: { initialDelayMs: 50, maxDelayMs: 300 } });
    clients.push(alice);
    await alice.connect();
    const b = await raw(p2.url);
    expect(await b.join('lab', { peerId: 'bob' })).toMatchObject({ peers: [{ peerId: 'alice' }] });

    await p1.stop('SIGKILL');
    // p2 stops hearing p1 and tells bob that alice's session there is gone.
    expect(await b.next((m) => m.type === 'peer-left', 20_000)).toEqual({ type: 'peer-left', peerId: 'alice' });
    // p2 keeps serving: a newcomer joins and relays with bob.
    const d = await raw(p2.url);
    expect(await d.join('lab', { peerId: 'dave' })).toMatchObject({ type: 'joined', peers: [{ peerId: 'bob' }] });
    d.send({ type: 'offer', to: 'bob', sdp: 'v=0 still' });
    expect(await b.next((m) => m.type === 'offer')).toMatchObject({ from: 'dave' });

    // The client moves to the live process and keeps its id.
    const rejoined = await alice.configure({ url: p2.url });
    expect(rejoined.peerId).toBe('alice');
    expect(await b.next((m) => m.type === 'peer-joined' && m.peerId === 'alice')).toMatchObject({ peerId: 'alice' });
    b.send({ type: 'answer', to: 'alice', sdp: 'v=0 back' });
    await new Promise<void>((resolve) => alice.once('answer', () => resolve()));
  }, 90_000);

  it('when Redis drops and returns: local delivery goes on, cross-process relays get backend-unavailable, then membership is re-read and the difference reported', async () => {
    redis = await startRedis();
    const port = redis.port;
    const p1 = await serverOn(redis.url);
    const p2 = await serverOn(redis.url);
    const a = await raw(p1.url);
    await a.join('lab', { peerId: 'alice' });
    const a2 = await raw(p1.url);
    await a2.join('lab', { peerId: 'alice2' });
    const b = await raw(p2.url);
    await b.join('lab', { peerId: 'bob' });
    const c = await raw(p2.url);
    await c.join('lab', { peerId: 'carol' });
    await a.next((m) => m.type === 'peer-joined' && m.peerId === 'carol');

    await redis.stop();
    // Same process: still relayed.
    a.send({ type: 'offer', to: 'alice2', sdp: 'v=0 local' });
    expect(await a2.next((m) => m.type === 'offer')).toMatchObject({ from: 'alice' });
    // Other process: refused, not silently lost.
    await until(() => {
      a.send({ type: 'offer', to: 'bob', sdp: 'v=0 lost' });
      return a.frames.some((m) => m.type === 'error' && m.code === 'backend-unavailable');
    }, 'backend-unavailable for a cross-process relay');
    // bob leaves while Redis is away: alice cannot hear it now.
    b.ws.close();

    redis = await startRedis(port); // empty: the restart lost every key
    // After the return, p1 re-reads the room: bob is gone, carol is still there.
    expect(await a.next((m) => m.type === 'peer-left' && m.peerId === 'bob', 30_000)).toBeDefined();
    await until(() => {
      a.send({ type: 'offer', to: 'carol', sdp: 'v=0 after' });
      return c.frames.some((m) => m.type === 'offer' && m.sdp === 'v=0 after');
    }, 'a relay across processes after Redis returned', 30_000);
    expect(a.frames.some((m) => m.type === 'peer-left' && m.peerId === 'carol')).toBe(false);
    // Ids were written back: carol's id is still refused on the other process.
    const thief = await raw(p1.url);
    await until(() => thief.frames.length > 0, 'challenge');
    expect(await thief.join('lab', { peerId: 'carol' })).toMatchObject({ code: 'peer-id-taken' });
  }, 120_000);
});
