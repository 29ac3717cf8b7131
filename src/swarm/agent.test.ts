/**
 * SwarmAgent end to end: a real SignalingServer on loopback, real node-datachannel peers
 * (ICE, DTLS, SCTP over UDP on 127.0.0.1), real child processes for the kill and exit tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignalingServer } from '../signaling/index.js';
import { startSignalProcess } from '../signaling/__fixtures__/process.js';
import { startRedis } from '../signaling/__fixtures__/wire.js';
import { nodeTransport, SwarmAgent, TaskError, type NodeSwarmAgentOptions, type PeerTransport, type SwarmChannel } from './index.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/agent-child.ts', import.meta.url));
const EXIT_CHILD = fileURLToPath(new URL('./__fixtures__/exit-child.ts', import.meta.url));
const quiet = () => undefined;

let server: SignalingServer;
let url: string;
let port: number;
let roomSeq = 0;
const live: SwarmAgent[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = new SignalingServer({ port: 0, logger: quiet });
  ({ url, port } = await server.listen());
});

afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await Promise.all(live.splice(0).map((a) => a.disconnect()));
});

afterAll(async () => {
  await server.close();
});

function agent(room: string, peerId: string, extra: Partial<NodeSwarmAgentOptions> = {}): SwarmAgent {
  const a = new SwarmAgent({ url, room, peerId, bindAddress: '127.0.0.1', heartbeatMs: 500, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, ...extra });
  a.on('error', quiet);
  live.push(a);
  return a;
}

/** n agents in a fresh room, joined one after another, all connected to all. */
async function mesh(n: number, extra: Partial<NodeSwarmAgentOptions> = {}): Promise<SwarmAgent[]> {
  const room = `room-${++roomSeq}`;
  const agents = Array.from({ length: n }, (_, i) => agent(room, `p${i}`, extra));
  for (const a of agents) await a.initialize();
  await Promise.all(agents.map((a) => a.waitForPeers(n - 1, 45_000)));
  return agents;
}

function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (cond()) return resolve();
      if (Date.now() > end) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(check, 25);
    };
    check();
  });
}

describe('SwarmAgent mesh', () => {
  it('two agents connect over a data channel and list each other as connected', async () => {
    const [a, b] = await mesh(2);
    expect(a!.getPeers().map((p) => [p.peerId, p.status])).toEqual([['p1', 'connected']]);
    expect(b!.getPeers().map((p) => [p.peerId, p.status])).toEqual([['p0', 'connected']]);
    expect(a!.getSignalingStatus()).toMatchObject({ status: 'joined', peerId: 'p0', url });
    expect(await a!.ping('p1')).toBeGreaterThan(0);
  }, 60_000);

  it('five agents form a full mesh of 10 connections and a broadcast reaches all four others', async () => {
    const agents = await mesh(5);
    const connections = agents.reduce((sum, a) => sum + a.connectedPeers().length, 0) / 2;
    expect(connections).toBe(10);
    const got = new Map<string, string>();
    for (const a of agents.slice(1)) a.registerMessageHandler('hello', (payload, from) => got.set(a.peerId, `${from}:${String(payload.text)}`));
    expect(agents[0]!.broadcast({ type: 'hello', text: 'hi all' })).toBe(4);
    await until(() => got.size === 4, 10_000, 'four deliveries');
    expect([...got.values()]).toEqual(['p0:hi all', 'p0:hi all', 'p0:hi all', 'p0:hi all']);
    const stats = agents[0]!.getStats();
    expect(stats.peers.connected).toBe(4);
    expect(stats.messagesOut['msg:hello']!.messages).toBe(4);
  }, 90_000);

  it('simultaneous offers from both ends still connect (initiator both)', async () => {
    const [a, b] = await mesh(2, { initiator: 'both' });
    // Both ends started an offer for the same pair: p1 on its join, p0 on hearing of it.
    expect(a!.getStats().connections.offers).toBeGreaterThanOrEqual(1);
    expect(b!.getStats().connections.offers).toBeGreaterThanOrEqual(1);
    // Only the impolite side (the larger id, p1) ever ignores a colliding offer; the polite
    // one drops its own attempt and answers.
    expect(a!.getStats().connections.collisions).toBe(0);
    expect(b!.sendToPeer('p0', { type: 'x' })).toBe(true);
    expect(a!.sendToPeer('p1', { type: 'x' })).toBe(true);
  }, 60_000);

  it('sendToPeer returns false for a peer without an open channel, and a removed handler is not called', async () => {
    const [a, b] = await mesh(2);
    let calls = 0;
    const off = b!.registerMessageHandler('count', () => calls++);
    expect(a!.sendToPeer('p1', { type: 'count' })).toBe(true);
    await until(() => calls === 1, 5_000, 'first delivery');
    off();
    expect(b!.getStats().handlers).toBe(0);
    expect(a!.sendToPeer('p1', { type: 'count' })).toBe(true);
    expect(a!.sendToPeer('nobody', { type: 'count' })).toBe(false);
    await a!.ping('p1'); // ordered channel: the second message has arrived before this pong
    expect(calls).toBe(1);
  }, 60_000);

  it('updateCapabilities reaches the other agents', async () => {
    const [a, b] = await mesh(2);
    a!.updateCapabilities({ gpu: true, models: ['m1'] });
    await until(() => b!.getPeers()[0]?.capabilities.gpu === true, 5_000, 'capabilities');
    expect(b!.getPeers()[0]!.capabilities).toEqual({ gpu: true, models: ['m1'] });
  }, 60_000);
});

describe('SwarmAgent protocols', () => {
  it('delegateTask resolves with the executor result and leaves no pending task or handler', async () => {
    const [a, b] = await mesh(2);
    const progress: number[] = [];
    b!.registerTaskExecutor('hash', async (input, ctx) => {
      ctx.progress(0.5, 'halfway');
      return createHash('sha256').update(String(input)).digest('hex');
    });
    const handlersBefore = a!.getStats().handlers;
    const result = await a!.delegateTask('p1', { type: 'hash', input: 'spellbook' }, { timeoutMs: 10_000, onProgress: (p) => progress.push(p) });
    expect(result).toBe(createHash('sha256').update('spellbook').digest('hex'));
    expect(progress).toEqual([0.5]);
    const stats = a!.getStats();
    expect(stats.tasks).toMatchObject({ delegated: 1, completed: 1, pending: 0 });
    expect(stats.handlers).toBe(handlersBefore);
    expect(b!.getStats().tasks.executed).toBe(1);
  }, 60_000);

  it('delegateTask times out with task-timeout and the executor is told to stop', async () => {
    const [a, b] = await mesh(2);
    let aborted = false;
    b!.registerTaskExecutor('slow', (_input, ctx) => new Promise((resolve) => ctx.signal.addEventListener('abort', () => ((aborted = true), resolve(null)))));
    const error = await a!.delegateTask('p1', { type: 'slow' }, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskError);
    expect((error as TaskError).code).toBe('task-timeout');
    await until(() => aborted, 5_000, 'the executor to be cancelled');
    expect(a!.getStats().tasks).toMatchObject({ timedOut: 1, pending: 0 });
  }, 60_000);

  it('delegateTask is refused when the peer has no executor for the type', async () => {
    const [a] = await mesh(2);
    const error = (await a!.delegateTask('p1', { type: 'unknown' }, { timeoutMs: 10_000 }).catch((e: unknown) => e)) as TaskError;
    expect(error).toBeInstanceOf(TaskError);
    expect([error.code, error.reason]).toEqual(['task-refused', 'no-executor']);
    expect(a!.getStats().tasks).toMatchObject({ refused: 1, pending: 0 });
  }, 60_000);

  it('delegateTask rejects with channel-closed when the channel closes mid-task', async () => {
    const [a, b] = await mesh(2);
    let started = false;
    b!.registerTaskExecutor('hang', () => ((started = true), new Promise(() => undefined)));
    const pending = a!.delegateTask('p1', { type: 'hang' }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    await until(() => started, 10_000, 'the task to start');
    await b!.disconnect();
    const error = (await pending) as TaskError;
    expect(error).toBeInstanceOf(TaskError);
    expect(error.code).toBe('channel-closed');
    expect(a!.getStats().tasks.pending).toBe(0);
  }, 60_000);

  it('a consensus reaches its quorum and lists the voter that did not answer', async () => {
    const agents = await mesh(5);
    agents[1]!.registerVoteHandler(() => 'yes');
    agents[2]!.registerVoteHandler(async () => 'yes' as const);
    agents[3]!.registerVoteHandler((proposal) => ((proposal as { v: number }).v > 1 ? 'no' : 'yes'));
    // agents[4] registers no vote handler: it never answers.
    const result = await agents[0]!.requestConsensus({ v: 2 }, { quorum: 0.5, timeoutMs: 3000 });
    expect(result.electorate.sort()).toEqual(['p1', 'p2', 'p3', 'p4']);
    expect(result.required).toBe(2);
    expect(result.yes.sort()).toEqual(['p1', 'p2']);
    expect(result.no).toEqual(['p3']);
    expect(result.noAnswer).toEqual(['p4']);
    expect(result.accepted).toBe(true);
    const strict = await agents[0]!.requestConsensus({ v: 2 }, { quorum: 1, timeoutMs: 3000 });
    expect(strict.accepted).toBe(false);
  }, 90_000);

  it('shareKnowledge validates, and receivers hand items to handlers unless a validator refuses them', async () => {
    const [a, b] = await mesh(2);
    const seen: unknown[] = [];
    b!.registerKnowledgeHandler((item, from) => seen.push([from, item.topic, item.content]));
    b!.registerKnowledgeValidator((item) => item.topic !== 'spam');
    expect(() => a!.shareKnowledge({ topic: '', content: 1 })).toThrow(expect.objectContaining({ code: 'bad-option' }));
    expect(a!.shareKnowledge({ topic: 'spam', content: 'buy' })).toBe(1);
    expect(a!.shareKnowledge({ topic: 'weather', content: { temp: 21 } })).toBe(1);
    await until(() => seen.length === 1, 5_000, 'one knowledge item');
    expect(seen).toEqual([['p0', 'weather', { temp: 21 }]]);
    expect(b!.getStats().rejected['knowledge-refused']).toBe(1);
  }, 60_000);

  it('a 1 MiB artifact arrives in 16 KiB chunks with a matching SHA-256', async () => {
    const [a, b] = await mesh(2);
    const data = new Uint8Array(randomBytes(1024 * 1024));
    const expected = createHash('sha256').update(data).digest('hex');
    const arrived = new Promise<{ name: string; sha256: string; data: Uint8Array; from: string }>((resolve) => b!.registerArtifactHandler(resolve));
    const sent = await a!.sendArtifact('p1', data, 'weights.bin');
    expect(sent).toEqual({ sha256: expected, bytes: 1048576, chunks: 64 });
    const got = await arrived;
    expect([got.name, got.from, got.sha256]).toEqual(['weights.bin', 'p0', expected]);
    expect(createHash('sha256').update(got.data).digest('hex')).toBe(expected);
    expect(b!.getStats().messagesIn.chunk!.messages).toBe(64);
  }, 60_000);
});

describe('SwarmAgent faults', () => {
  it('a killed agent process is pruned and reported with peer-left', async () => {
    const room = `room-${++roomSeq}`;
    const a = agent(room, 'survivor', { heartbeatMs: 300, pruneAfterMs: 2000 });
    await a.initialize();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, url, room, 'victim', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    await until(() => out.includes('ready victim'), 45_000, 'the child agent to connect');
    await a.waitForPeers(1, 10_000);
    const left = new Promise<{ peerId: string; reason: string }>((resolve) => a.on('peer-left', resolve));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    const event = await left;
    expect(event.peerId).toBe('victim');
    // Pruned by heartbeat silence, or, if its connection reports the loss first while the
    // server has already said it left the room, removed as gone.
    expect(['silent', 'left']).toContain(event.reason);
    expect(Date.now() - killedAt).toBeLessThan(20_000);
    expect(a.getPeers()).toEqual([]);
    expect(a.getStats().pruned).toBe(event.reason === 'silent' ? 1 : 0);
  }, 90_000);

  it('a signaling server restart is survived: channels stay up and every agent rejoins', async () => {
    const own = new SignalingServer({ port: 0, logger: quiet });
    const { url: ownUrl, port: ownPort } = await own.listen();
    let second: SignalingServer | undefined;
    try {
      const room = `room-${++roomSeq}`;
      const [a, b] = [agent(room, 'r0', { url: ownUrl }), agent(room, 'r1', { url: ownUrl })];
      await a.initialize();
      await b.initialize();
      await Promise.all([a.waitForPeers(1), b.waitForPeers(1)]);
      let received = 0;
      b.registerMessageHandler('during', () => received++);
      await own.close();
      await until(() => a.getSignalingStatus().status !== 'joined' && b.getSignalingStatus().status !== 'joined', 10_000, 'both clients to notice');
      // Signaling is down: the data channel still carries messages.
      expect(a.sendToPeer('r1', { type: 'during' })).toBe(true);
      await until(() => received === 1, 5_000, 'a message while signaling is down');
      second = new SignalingServer({ port: ownPort, logger: quiet });
      await second.listen();
      await until(() => a.getSignalingStatus().status === 'joined' && b.getSignalingStatus().status === 'joined', 20_000, 'both to rejoin');
      expect(a.getSignalingStatus().reconnections).toBeGreaterThanOrEqual(1);
      expect(b.getSignalingStatus().reconnections).toBeGreaterThanOrEqual(1);
      // Same channel as before: no peer reconnection was needed.
      expect(a.getStats().reconnections.peers).toBe(0);
      expect(a.connectedPeers()).toEqual(['r1']);
      expect(await a.ping('r1')).toBeGreaterThan(0);
    } finally {
      await second?.close();
      await own.close();
    }
  }, 90_000);

  it('disconnect() closes everything and a child process then exits by itself', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', EXIT_CHILD], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (c, s) => resolve({ code: c, signal: s })));
    clearTimeout(killer);
    expect(stderr).toBe('');
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stdout).toBe('closed {"result":42}\n');
  }, 60_000);
});

describe('SwarmAgent connection retries', () => {
  it('a connection whose DTLS handshake fails is retried with backoff and then connects', async () => {
    // The first offer p0 sends carries a wrong certificate fingerprint (RFC 8122 section 5),
    // so that DTLS handshake really fails, as libdatachannel's occasional "certificate verify
    // failed" does; the agent must notice and retry on its own.
    const base = nodeTransport();
    let spoiled = 0;
    const transport: PeerTransport = {
      name: 'spoil-first-offer',
      create(label, config, events) {
        return base.create(label, config, {
          ...events,
          localDescription(sdp, type) {
            if (type === 'offer' && spoiled === 0) {
              spoiled++;
              sdp = sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/, (_m, head: string, byte: string) => head + (byte === '00' ? '11' : '00'));
            }
            events.localDescription(sdp, type);
          },
        });
      },
      release: () => base.release!(),
    };
    const room = `room-${++roomSeq}`;
    const b = agent(room, 'p1');
    await b.initialize();
    const a = agent(room, 'p0', { transport, retry: { initialDelayMs: 100, maxDelayMs: 500 }, connectTimeoutMs: 8_000 });
    await a.initialize();
    await Promise.all([a.waitForPeers(1, 45_000), b.waitForPeers(1, 45_000)]);
    expect(spoiled).toBe(1);
    const stats = a.getStats();
    expect(stats.connections.retries + b.getStats().connections.retries).toBeGreaterThanOrEqual(1);
    expect(stats.connections.sessions).toBeGreaterThanOrEqual(2);
    expect(a.sendToPeer('p1', { type: 'after-retry' })).toBe(true);
  }, 90_000);
});

describe('SwarmAgent inbound validation and runtime configuration', () => {
  it('malformed data-channel messages are rejected with their reason and counted, and the agent keeps serving', async () => {
    // A transport that hands the test the raw channel of p0's connection, to send what a
    // faulty or hostile peer could.
    const base = nodeTransport();
    let raw: SwarmChannel | undefined;
    const transport: PeerTransport = {
      name: 'raw-access',
      create(label, config, events) {
        const conn = base.create(label, config, events);
        raw = conn.channel;
        return conn;
      },
      release: () => base.release!(),
    };
    const room = `room-${++roomSeq}`;
    const b = agent(room, 'p1', { maxMessagesPerSecond: 100 });
    await b.initialize();
    const a = agent(room, 'p0', { transport });
    await a.initialize();
    await Promise.all([a.waitForPeers(1), b.waitForPeers(1)]);
    const reasons: string[] = [];
    b.on('invalid-message', ({ from, error }) => reasons.push(`${from}:${error.reason}:${error.location.field ?? error.location.offset}`));
    let served = 0;
    b.registerMessageHandler('ok', () => served++);
    for (const bad of ['{not json', '[1,2]', '{"t":"teleport"}', '{"t":"task-request","id":"x","taskType":"t","timeoutMs":-1,"input":1}', JSON.stringify({ t: 'msg', payload: { type: 'big', s: 'x'.repeat(70_000) } })]) expect(raw!.sendNow(bad)).toBe(true);
    expect(raw!.sendNow(new Uint8Array([9, 9, 9]))).toBe(true);
    expect(raw!.sendNow(new Uint8Array(40).fill(1))).toBe(true); // a well-formed frame for no transfer
    expect(a.sendToPeer('p1', { type: 'ok' })).toBe(true);
    await until(() => served === 1, 10_000, 'the good message after the bad ones');
    expect(reasons).toEqual(['p0:not-json:0', 'p0:not-object:0', 'p0:unknown-type:t', 'p0:bad-field:timeoutMs', 'p0:too-large:65536', 'p0:bad-frame:3', 'p0:bad-frame:1']);
    expect(b.getStats().rejected).toMatchObject({ 'not-json': 1, 'not-object': 1, 'unknown-type': 1, 'bad-field': 1, 'too-large': 1, 'bad-frame': 2 });
    // A flood: 500 messages at once against a limit of 100 per second; the excess is dropped
    // and counted, and the peer is served again in the next second.
    const servedBefore = served;
    for (let i = 0; i < 500; i++) raw!.sendNow('{"t":"msg","payload":{"type":"ok"}}');
    const limited = () => b.getStats().rejected['rate-limited'] ?? 0;
    await until(() => served - servedBefore + limited() === 500, 10_000, 'the flood to be read');
    expect(limited()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100));
    const before = served;
    expect(a.sendToPeer('p1', { type: 'ok' })).toBe(true);
    await until(() => served === before + 1, 10_000, 'a message after the flood');
    expect(b.connectedPeers()).toEqual(['p0']);
  }, 60_000);

  it('configureSignaling moves both agents to another server and room at runtime, and they connect again', async () => {
    const other = new SignalingServer({ port: 0, logger: quiet });
    const { url: otherUrl } = await other.listen();
    try {
      const [a, b] = await mesh(2);
      const moved = `moved-${++roomSeq}`;
      await a!.configureSignaling({ url: otherUrl, room: moved, iceServers: ['stun:127.0.0.1:3478'] });
      expect(a!.getPeers()).toEqual([]);
      await b!.configureSignaling({ url: otherUrl, room: moved });
      await Promise.all([a!.waitForPeers(1, 30_000), b!.waitForPeers(1, 30_000)]);
      expect(a!.getSignalingStatus()).toMatchObject({ status: 'joined', url: otherUrl, room: moved, iceServers: ['stun:127.0.0.1:3478'] });
      expect(b!.sendToPeer('p0', { type: 'after-move' })).toBe(true);
    } finally {
      await other.close();
    }
  }, 90_000);
});

describe('SwarmAgent across two signaling processes on Redis', () => {
  it('agents on two servers sharing a room through Redis connect; when one server goes, its agent moves to the other and the channel stays up', async () => {
    const redis = await startRedis();
    const s1 = new SignalingServer({ port: 0, redis: redis.url, logger: quiet });
    const s2 = new SignalingServer({ port: 0, redis: redis.url, logger: quiet });
    try {
      const { url: u1 } = await s1.listen();
      const { url: u2 } = await s2.listen();
      const room = `redis-${++roomSeq}`;
      const a = agent(room, 'ra', { url: u1 });
      const b = agent(room, 'rb', { url: u2 });
      await a.initialize();
      await b.initialize();
      await Promise.all([a.waitForPeers(1, 30_000), b.waitForPeers(1, 30_000)]);
      await s1.close();
      await until(() => a.getSignalingStatus().status !== 'joined', 10_000, 'a to notice its server is gone');
      let got = 0;
      b.registerMessageHandler('via-channel', () => got++);
      expect(a.sendToPeer('rb', { type: 'via-channel' })).toBe(true);
      await until(() => got === 1, 5_000, 'a message while a has no signaling');
      await a.configureSignaling({ url: u2 });
      expect(a.getSignalingStatus()).toMatchObject({ status: 'joined', url: u2, room });
      expect(a.connectedPeers()).toEqual(['rb']);
      expect(a.getStats().reconnections.peers).toBe(0);
      expect(await a.ping('rb')).toBeGreaterThan(0);
    } finally {
      await s1.close();
      await s2.close();
      await redis.stop();
    }
  }, 90_000);
});

describe('SwarmAgent with a killed signaling process', () => {
  it('a spell signal process killed with SIGKILL and started again on its port: channels stay up and the agents rejoin', async () => {
    const first = await startSignalProcess(['--host', '127.0.0.1', '--port', '0']);
    let second: Awaited<ReturnType<typeof startSignalProcess>> | undefined;
    try {
      const signalUrl = first.url;
      const signalPort = new URL(signalUrl).port;
      const room = `killed-${++roomSeq}`;
      const [a, b] = [agent(room, 'k0', { url: signalUrl }), agent(room, 'k1', { url: signalUrl })];
      await a.initialize();
      await b.initialize();
      await Promise.all([a.waitForPeers(1), b.waitForPeers(1)]);
      expect((await first.stop('SIGKILL')).signal).toBe('SIGKILL');
      await until(() => a.getSignalingStatus().status !== 'joined' && b.getSignalingStatus().status !== 'joined', 10_000, 'both clients to notice');
      expect(await a.ping('k1')).toBeGreaterThan(0);
      second = await startSignalProcess(['--host', '127.0.0.1', '--port', signalPort]);
      await until(() => a.getSignalingStatus().status === 'joined' && b.getSignalingStatus().status === 'joined', 30_000, 'both to rejoin');
      expect(a.connectedPeers()).toEqual(['k1']);
      expect(a.getStats().reconnections.peers + b.getStats().reconnections.peers).toBe(0);
    } finally {
      await first.stop('SIGKILL');
      await second?.stop('SIGINT');
    }
  }, 120_000);
});
