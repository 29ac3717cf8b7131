import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { challengeText } from './challenge.js';
import { CloseCode } from './constants.js';
import { SignalingServer, type SignalingServerOptions } from './server.js';
import { rawClient, until, type RawClient } from './__fixtures__/wire.js';

const servers: SignalingServer[] = [];
const clients: RawClient[] = [];

async function start(options: SignalingServerOptions = {}) {
  const lines: string[] = [];
  const server = new SignalingServer({ port: 0, logger: (l) => lines.push(l), ...options });
  servers.push(server);
  const { url } = await server.listen();
  return { server, url, lines };
}
async function connect(url: string, options?: Parameters<typeof rawClient>[1]) {
  const c = await rawClient(url, options);
  clients.push(c);
  return c;
}
async function member(url: string, room: string, peerId?: string, extra: Record<string, unknown> = {}) {
  const c = await connect(url);
  await c.next((m) => m.type === 'challenge');
  const joined = await c.join(room, peerId ? { peerId, ...extra } : extra);
  expect(joined.type).toBe('joined');
  return c;
}
/** The error frames a client received, by code, in order. */
const errorCodes = (c: RawClient) => c.frames.filter((m) => m.type === 'error').map((m) => m.code);

/** A second member keeps being served: a broadcast round trip between two healthy peers. */
async function stillServed(a: RawClient, b: RawClient, tag: string) {
  a.send({ type: 'broadcast', payload: { tag } });
  await b.next((m) => m.type === 'broadcast' && (m.payload as { tag?: string })?.tag === tag);
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('joining, relaying and leaving', () => {
  it('a joiner learns the room and the others get peer-joined, relays carry the server-bound from, leaving sends peer-left', async () => {
    const { url, server } = await start();
    const a = await member(url, 'lab', 'alice', { metadata: { role: 'a' } });
    const b = await connect(url);
    const joined = await b.join('lab', { peerId: 'bob', metadata: { role: 'b' } });
    expect(joined).toMatchObject({ type: 'joined', peerId: 'bob', room: 'lab', peers: [{ peerId: 'alice', metadata: { role: 'a' } }] });
    expect(typeof joined.resume).toBe('string');
    expect(await a.next((m) => m.type === 'peer-joined')).toEqual({ type: 'peer-joined', peerId: 'bob', metadata: { role: 'b' } });

    a.send({ type: 'offer', to: 'bob', sdp: 'v=0 offer' });
    expect(await b.next((m) => m.type === 'offer')).toMatchObject({ type: 'offer', from: 'alice', sdp: 'v=0 offer' });
    b.send({ type: 'answer', to: 'alice', sdp: 'v=0 answer' });
    expect(await a.next((m) => m.type === 'answer')).toMatchObject({ type: 'answer', from: 'bob', sdp: 'v=0 answer' });
    b.send({ type: 'ice-candidate', to: 'alice', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', mid: '0' });
    expect(await a.next((m) => m.type === 'ice-candidate')).toMatchObject({ from: 'bob', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', mid: '0' });
    a.send({ type: 'announce', metadata: { role: 'lead' } });
    expect(await b.next((m) => m.type === 'announce')).toEqual({ type: 'announce', from: 'alice', metadata: { role: 'lead' } });
    b.send({ type: 'heartbeat' });
    await b.next((m) => m.type === 'heartbeat-ack');

    const c = await connect(url);
    const third = await c.join('lab');
    expect((third.peers as { peerId: string; metadata: unknown }[]).sort((x, y) => x.peerId.localeCompare(y.peerId))).toEqual([
      { peerId: 'alice', metadata: { role: 'lead' } },
      { peerId: 'bob', metadata: { role: 'b' } },
    ]);
    expect(third.peerId).toMatch(/^[A-Za-z0-9_-]{16}$/); // assigned by the server

    b.ws.close();
    expect(await a.next((m) => m.type === 'peer-left')).toEqual({ type: 'peer-left', peerId: 'bob' });
    await until(() => server.stats().peers === 2, 'bob to be gone');
    expect(server.stats()).toMatchObject({ rooms: 1, peers: 2, joins: 3, relayed: 3 });
  });

  it('an observer is told of every join, leave, offer and answer with the server-bound sender, and one that throws disturbs nothing', async () => {
    const seen: { type: string; room: string; peerId: string; to?: string; sdp?: string }[] = [];
    let calls = 0;
    const { url, lines } = await start({
      onObservation: (o) => {
        calls++;
        expect(o.at).toBeGreaterThan(0);
        seen.push({ type: o.type, room: o.room, peerId: o.peerId, ...(o.to ? { to: o.to } : {}), ...(o.sdp ? { sdp: o.sdp } : {}) });
        if (calls === 3) throw new Error('observer down');
      },
    });
    const a = await member(url, 'lab', 'alice');
    const b = await member(url, 'lab', 'bob');
    a.send({ type: 'offer', to: 'bob', sdp: 'v=0 offer' });
    await b.next((m) => m.type === 'offer');
    b.send({ type: 'ice-candidate', to: 'alice', candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', mid: '0' });
    b.send({ type: 'answer', to: 'alice', sdp: 'v=0 answer' });
    await a.next((m) => m.type === 'answer');
    a.send({ type: 'offer', to: 'nobody', sdp: 'v=0 lost' });
    await a.next((m) => m.type === 'error' && m.code === 'unknown-peer');
    a.ws.close();
    await b.next((m) => m.type === 'peer-left');
    expect(seen).toEqual([
      { type: 'join', room: 'lab', peerId: 'alice' },
      { type: 'join', room: 'lab', peerId: 'bob' },
      { type: 'offer', room: 'lab', peerId: 'alice', to: 'bob', sdp: 'v=0 offer' },
      { type: 'answer', room: 'lab', peerId: 'bob', to: 'alice', sdp: 'v=0 answer' },
      { type: 'leave', room: 'lab', peerId: 'alice' },
    ]);
    expect(lines.some((l) => l.includes('observer failed: observer down'))).toBe(true);
  });

  it('broadcast reaches every other member of the room and nobody in another room', async () => {
    const { url } = await start();
    const a = await member(url, 'r1', 'a');
    const b = await member(url, 'r1', 'b');
    const c = await member(url, 'r1', 'c');
    const x = await member(url, 'r2', 'x');
    a.send({ type: 'broadcast', payload: { hello: [1, 2, 3] } });
    for (const peer of [b, c]) expect(await peer.next((m) => m.type === 'broadcast')).toEqual({ type: 'broadcast', from: 'a', payload: { hello: [1, 2, 3] } });
    // x's heartbeat is sent after b and c received the broadcast, so the server handled the
    // broadcast first: anything it sent x would arrive before the ack.
    x.send({ type: 'heartbeat' });
    await x.next((m) => m.type === 'heartbeat-ack');
    expect(x.frames.some((m) => m.type === 'broadcast')).toBe(false);
    expect(a.frames.some((m) => m.type === 'broadcast')).toBe(false);
  });
});

describe('impersonation and room isolation', () => {
  it('a client-sent from is refused and never delivered; the relay carries the sender bound to the socket', async () => {
    const { url, server } = await start();
    const a = await member(url, 'lab', 'alice');
    const b = await member(url, 'lab', 'bob');
    const m = await member(url, 'lab', 'mallory');
    m.send({ type: 'offer', to: 'bob', from: 'alice', sdp: 'v=0 forged' });
    expect(await m.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid-message' });
    m.send({ type: 'offer', to: 'bob', sdp: 'v=0 honest' });
    const got = await b.next((f) => f.type === 'offer');
    expect(got.from).toBe('mallory');
    expect(b.frames.filter((f) => f.type === 'offer').map((f) => f.sdp)).toEqual(['v=0 honest']);
    expect(server.stats().errors['invalid-message']).toBe(1);
    await stillServed(a, b, 'after-forgery');
  });

  it('a join with the id of a live peer is refused with peer-id-taken and the live peer keeps its session', async () => {
    const { url, server } = await start();
    const a = await member(url, 'lab', 'alice');
    const b = await member(url, 'lab', 'bob');
    const thief = await connect(url);
    expect(await thief.join('lab', { peerId: 'alice' })).toMatchObject({ type: 'error', code: 'peer-id-taken' });
    expect(await thief.join('other', { peerId: 'alice' })).toMatchObject({ type: 'error', code: 'peer-id-taken' });
    // A wrong resume secret does not help either.
    thief.send({ type: 'join', room: 'lab', peerId: 'alice', resume: 'guess' });
    await until(() => errorCodes(thief).length === 3, 'third refusal');
    expect(errorCodes(thief)).toEqual(['peer-id-taken', 'peer-id-taken', 'peer-id-taken']);
    b.send({ type: 'offer', to: 'alice', sdp: 'v=0' });
    expect(await a.next((f) => f.type === 'offer')).toMatchObject({ from: 'bob' });
    expect(server.stats().errors['peer-id-taken']).toBe(3);
  });

  it('the resume secret from joined lets a new connection take over its own peer id (the old socket is closed 4409)', async () => {
    const { url } = await start();
    const a = await member(url, 'lab', 'alice');
    const old = await connect(url);
    const first = await old.join('lab', { peerId: 'bob' });
    const again = await connect(url);
    const second = await again.join('lab', { peerId: 'bob', resume: first.resume });
    expect(second).toMatchObject({ type: 'joined', peerId: 'bob' });
    expect((await old.closed).code).toBe(CloseCode.replaced);
    expect(a.frames.filter((f) => f.type === 'peer-left')).toEqual([]);
    a.send({ type: 'offer', to: 'bob', sdp: 'v=0' });
    await again.next((f) => f.type === 'offer');
  });

  it('addressing a peer in another room is refused with unknown-peer', async () => {
    const { url, server } = await start();
    const a = await member(url, 'r1', 'a');
    const b = await member(url, 'r1', 'b');
    const x = await member(url, 'r2', 'x');
    a.send({ type: 'offer', to: 'x', sdp: 'v=0' });
    a.send({ type: 'ice-candidate', to: 'nobody', candidate: '', mid: '0' });
    a.send({ type: 'answer', to: 'a', sdp: 'v=0' }); // itself
    await until(() => errorCodes(a).length === 3, 'three refusals');
    expect(errorCodes(a)).toEqual(['unknown-peer', 'unknown-peer', 'unknown-peer']);
    expect(x.frames.some((f) => f.type === 'offer')).toBe(false);
    expect(server.stats().errors['unknown-peer']).toBe(3);
    await stillServed(a, b, 'cross-room');
  });
});

describe('bad input against a running server', () => {
  it('non-JSON, binary, oversize, unknown types, missing fields and messages before join each get their code, are counted, and others keep being served', async () => {
    const { url, server } = await start({ limits: { maxMessageBytes: 1024 } });
    const a = await member(url, 'lab', 'a');
    const b = await member(url, 'lab', 'b');
    const bad = await connect(url);
    bad.send('{not json');
    bad.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    bad.send({ type: 'broadcast', payload: 'x'.repeat(1500) });
    bad.send({ type: 'teleport' });
    bad.send({ type: 'join' });
    bad.send({ type: 'offer', to: 'a', sdp: 'v=0' });
    bad.send([1, 2]);
    bad.send({ nope: 1 });
    await until(() => errorCodes(bad).length === 8, 'eight error frames');
    expect(errorCodes(bad)).toEqual(['bad-json', 'binary-frame', 'too-large', 'unknown-type', 'invalid-message', 'not-joined', 'invalid-message', 'invalid-message']);
    const missing = bad.frames.find((f) => f.type === 'error' && String(f.message).includes("missing 'room'"));
    expect(missing).toBeDefined();
    const joined = await bad.join('lab', { peerId: 'c' });
    expect(joined.type).toBe('joined');
    bad.send({ type: 'join', room: 'lab' });
    await until(() => errorCodes(bad).includes('already-joined'), 'already-joined');
    expect(server.stats().errors).toMatchObject({
      'bad-json': 1,
      'binary-frame': 1,
      'too-large': 1,
      'unknown-type': 1,
      'invalid-message': 3,
      'not-joined': 1,
      'already-joined': 1,
    });
    await stillServed(a, b, 'after-bad-input');
  });

  it('a frame above twice the message limit is closed with 1009 and counted', async () => {
    const { url, server } = await start({ limits: { maxMessageBytes: 1024 } });
    const a = await member(url, 'lab', 'a');
    const b = await member(url, 'lab', 'b');
    const big = await connect(url);
    big.send('x'.repeat(4096));
    expect((await big.closed).code).toBe(1009);
    await until(() => server.stats().closes[1009] === 1, 'the 1009 close to be counted');
    await stillServed(a, b, 'after-oversize');
  });

  it('a flood gets rate-limited, then is closed with 4429; a member at a normal rate is unaffected', async () => {
    const { url, server } = await start({ limits: { maxMessagesPerSecond: 20 } });
    const a = await member(url, 'lab', 'a');
    const b = await member(url, 'lab', 'b');
    const flood = await member(url, 'lab', 'f');
    for (let i = 0; i < 200; i++) flood.send({ type: 'heartbeat' });
    expect((await flood.closed).code).toBe(CloseCode.rateLimited);
    expect(errorCodes(flood)).toContain('rate-limited');
    // Fewer acks than frames sent: what exceeded the window was dropped (limit 20/s; the
    // frames arrive within well under the 2 s this bound allows).
    expect(flood.frames.filter((f) => f.type === 'heartbeat-ack').length).toBeLessThan(200);
    expect(server.stats().errors['rate-limited']).toBeGreaterThanOrEqual(2);
    expect(server.stats().closes[CloseCode.rateLimited]).toBe(1);
    await stillServed(a, b, 'after-flood');
  });

  it('too many invalid messages close the connection with 4400', async () => {
    const { url, server } = await start({ limits: { maxInvalidMessages: 5 } });
    const bad = await connect(url);
    for (let i = 0; i < 6; i++) bad.send('garbage');
    expect((await bad.closed).code).toBe(CloseCode.invalidMessages);
    expect(server.stats().errors['bad-json']).toBe(6);
  });

  it('a connection that never joins is closed with 4408 after the join timeout', async () => {
    const { url, server } = await start({ limits: { joinTimeoutMs: 200 } });
    const idle = await connect(url);
    expect((await idle.closed).code).toBe(CloseCode.joinTimeout);
    expect(errorCodes(idle)).toEqual(['join-timeout']);
    expect(server.stats().closes[CloseCode.joinTimeout]).toBe(1);
  });
});

describe('admission', () => {
  const token = 'correct horse battery staple';

  it('a token room refuses a join without a credential (auth-required, 4401) and a wrong token (auth-failed, 4403), and admits the right token', async () => {
    const { url, server } = await start({ auth: { rooms: { vault: { token } }, default: 'open' } });
    const a = await member(url, 'lab', 'a');
    const b = await member(url, 'lab', 'b');
    const none = await connect(url);
    expect(await none.join('vault')).toMatchObject({ code: 'auth-required' });
    expect((await none.closed).code).toBe(CloseCode.authRequired);
    const wrong = await connect(url);
    expect(await wrong.join('vault', { token: 'Correct horse battery staple' })).toMatchObject({ code: 'auth-failed' });
    expect((await wrong.closed).code).toBe(CloseCode.authFailed);
    const right = await connect(url);
    expect(await right.join('vault', { token })).toMatchObject({ type: 'joined', room: 'vault' });
    expect(server.stats().errors).toMatchObject({ 'auth-required': 1, 'auth-failed': 1 });
    await stillServed(a, b, 'after-auth');
  });

  it('a token may be configured by its SHA-256 only', async () => {
    const hash = createHash('sha256').update(token).digest('hex');
    const { url } = await start({ auth: { default: { tokenSha256: hash } } });
    const c = await connect(url);
    expect(await c.join('any', { token })).toMatchObject({ type: 'joined' });
  });

  it('an Ed25519 key on the roster signing the challenge is admitted; a bad signature, a replayed nonce and a key off the roster are refused', async () => {
    const member1 = generateKeyPairSync('ed25519');
    const outsider = generateKeyPairSync('ed25519');
    const raw = (k: typeof member1) => k.publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
    const { url, server } = await start({ auth: { default: { keys: [raw(member1).toString('base64')] } } });
    const signed = (k: typeof member1, room: string, peerId: string, nonce: string) => ({
      peerId,
      publicKey: raw(k).toString('base64'),
      signature: sign(null, Buffer.from(challengeText(room, peerId, nonce)), k.privateKey).toString('base64'),
    });

    const good = await connect(url);
    const challenge = await good.next((m) => m.type === 'challenge');
    expect(String(challenge.nonce)).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(await good.join('mesh', signed(member1, 'mesh', 'k1', String(challenge.nonce)))).toMatchObject({ type: 'joined', peerId: 'k1' });

    // The same signature on another connection: its nonce differs, so it fails.
    const replay = await connect(url);
    await replay.next((m) => m.type === 'challenge');
    expect(await replay.join('mesh', signed(member1, 'mesh', 'k2', String(challenge.nonce)))).toMatchObject({ code: 'auth-failed' });

    const forged = await connect(url);
    const n2 = String((await forged.next((m) => m.type === 'challenge')).nonce);
    const body = signed(member1, 'mesh', 'k3', n2);
    expect(await forged.join('mesh', { ...body, peerId: 'k4' })).toMatchObject({ code: 'auth-failed' }); // signed for k3

    const stranger = await connect(url);
    const n3 = String((await stranger.next((m) => m.type === 'challenge')).nonce);
    expect(await stranger.join('mesh', signed(outsider, 'mesh', 'k5', n3))).toMatchObject({ code: 'auth-failed' });
    for (const c of [replay, forged, stranger]) expect((await c.closed).code).toBe(CloseCode.authFailed);
    expect(server.stats().errors['auth-failed']).toBe(3);
    good.send({ type: 'heartbeat' });
    await good.next((m) => m.type === 'heartbeat-ack');
  });

  it('open rooms are refused off loopback and announced on loopback', async () => {
    await expect(new SignalingServer({ host: '0.0.0.0', port: 0 }).listen()).rejects.toMatchObject({ code: 'invalid-option' });
    await expect(new SignalingServer({ host: '0.0.0.0', port: 0, auth: { rooms: { x: 'open' }, default: { token: 't' } } }).listen()).rejects.toThrow(/loopback/);
    const { lines } = await start();
    expect(lines.join('\n')).toMatch(/OPEN rooms.*loopback/s);
    const closed = await start({ auth: { default: { token: 't' } } });
    expect(closed.lines).toEqual([]);
  });

  it('an origin off the allow-list is refused with origin-refused and 4451; listed and absent origins are admitted', async () => {
    const { url, server } = await start({ origins: ['https://app.example'] });
    const bad = await connect(url, { origin: 'https://evil.example' });
    await bad.next((m) => m.type === 'error');
    expect(errorCodes(bad)).toEqual(['origin-refused']);
    expect((await bad.closed).code).toBe(CloseCode.originRefused);
    const good = await connect(url, { origin: 'https://app.example' });
    expect(await good.join('lab')).toMatchObject({ type: 'joined' });
    const node = await connect(url);
    expect(await node.join('lab')).toMatchObject({ type: 'joined' });
    expect(server.stats().errors['origin-refused']).toBe(1);
    const strict = await start({ origins: ['https://app.example'], allowMissingOrigin: false });
    const none = await connect(strict.url);
    expect((await none.closed).code).toBe(CloseCode.originRefused);
  });
});

describe('limits', () => {
  it('peers per room: the next joiner gets room-full', async () => {
    const { url, server } = await start({ limits: { maxPeersPerRoom: 2 } });
    await member(url, 'lab', 'a');
    await member(url, 'lab', 'b');
    const c = await connect(url);
    expect(await c.join('lab', { peerId: 'c' })).toMatchObject({ code: 'room-full' });
    expect(await c.join('other', { peerId: 'c' })).toMatchObject({ type: 'joined' }); // the connection may try another room
    expect(server.stats().errors['room-full']).toBe(1);
  });

  it('rooms: a join that would open one room too many gets too-many-rooms', async () => {
    const { url, server } = await start({ limits: { maxRooms: 2 } });
    await member(url, 'r1');
    await member(url, 'r2');
    const c = await connect(url);
    expect(await c.join('r3')).toMatchObject({ code: 'too-many-rooms' });
    expect(await c.join('r1')).toMatchObject({ type: 'joined' });
    expect(server.stats().errors['too-many-rooms']).toBe(1);
  });

  it('connections per address: the one over the limit gets too-many-connections and 1013', async () => {
    const { url, server } = await start({ limits: { maxConnectionsPerAddress: 3 } });
    const held = [await connect(url), await connect(url), await connect(url)];
    const over = await connect(url);
    expect((await over.closed).code).toBe(1013);
    expect(errorCodes(over)).toEqual(['too-many-connections']);
    held[0].ws.close();
    await until(() => server.stats().connections === 2, 'a slot to free up');
    const again = await connect(url);
    expect(await again.join('lab')).toMatchObject({ type: 'joined' });
  });

  it('the WebSocket ping drops a connection that stops answering', async () => {
    const { url, server } = await start({ pingIntervalMs: 100 });
    const a = await member(url, 'lab', 'a');
    const dead = await member(url, 'lab', 'dead');
    // Stop answering pings: ws answers automatically, so pause the socket's reading.
    (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await a.next((m) => m.type === 'peer-left' && m.peerId === 'dead', 15_000);
    expect(server.stats().pingTimeouts).toBeGreaterThanOrEqual(1);
  });

  it('limits must be positive numbers', () => {
    expect(() => new SignalingServer({ limits: { maxRooms: 0 } })).toThrow(/maxRooms/);
  });
});

describe('plain HTTP', () => {
  it('a non-WebSocket request gets 426 and a wrong path is not upgraded', async () => {
    const { url } = await start();
    const http = url.replace('ws://', 'http://');
    expect((await fetch(http)).status).toBe(426);
    const ws = new WebSocket(url.replace('/signaling', '/other'));
    const failed = await new Promise<boolean>((resolve) => {
      ws.on('error', () => resolve(true));
      ws.on('open', () => resolve(false));
    });
    expect(failed).toBe(true);
  });
});
