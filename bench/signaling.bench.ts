/**
 * `npm run bench -- signaling`: our signaling server (src/signaling) next to the PeerJS server
 * (npm `peer`), each in its own child process on loopback, driven by the same `ws` clients:
 *
 * - joins per second: a new WebSocket until `joined` (ours: join sent on open as the client
 *   does without an identity, the room told `peer-joined`, rooms of 50) or `OPEN` (PeerJS),
 *   64 at a time, after a warm-up;
 * - messages relayed per second: 8 sender/receiver pairs, each sender pushing offers
 *   (~500-byte SDP) to its receiver, from the first send to the last delivery;
 * - memory per idle connection: 5,000 joined connections held open; the server process's
 *   RSS and V8 heap after a forced GC, minus the same before, divided by 5,000.
 *
 * Our server runs with its per-connection rate limit and per-address connection limit raised
 * (every client comes from 127.0.0.1); everything else is as shipped (schema validation of
 * every frame included). PeerJS runs with its concurrent limit raised above 5,000.
 * `SIGNALING_BENCH_SIZE=tiny` (or `-- --tiny`) runs a small version to check the bench works.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { printComparison, type Measurement } from './lib.js';

const tiny = process.env.SIGNALING_BENCH_SIZE === 'tiny' || process.argv.includes('--tiny');
const JOINS = tiny ? 200 : 5000;
const CONCURRENCY = 64;
const PAIRS = 8;
const MESSAGES_PER_PAIR = tiny ? 500 : 20_000;
const IDLE = tiny ? 200 : 5000;
const ROOM_SIZE = 50;
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' +
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n' +
  'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n' +
  'a=setup:actpass\r\na=mid:0\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n';

type Kind = 'ours' | 'peerjs';

// ---- child: one server ----------------------------------------------------------------------

async function serve(kind: Kind): Promise<void> {
  let port: number;
  if (kind === 'ours') {
    const { SignalingServer } = await import('../src/signaling/index.js');
    const server = new SignalingServer({
      port: 0,
      logger: () => {},
      limits: { maxMessagesPerSecond: 1e9, maxConnectionsPerAddress: 1e9, maxPeersPerRoom: ROOM_SIZE + 1 },
    });
    port = (await server.listen()).port;
  } else {
    const { PeerServer } = await import('peer');
    port = await new Promise<number>((resolve) => {
      PeerServer({ port: 0, host: '127.0.0.1', path: '/', concurrent_limit: 100_000 }, (srv) => resolve((srv.address() as { port: number }).port));
    });
  }
  process.on('message', (msg: string) => {
    if (msg === 'mem') {
      for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      process.send!({ rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers });
    }
  });
  process.send!({ port });
}

// ---- parent: clients --------------------------------------------------------------------------

interface Server {
  kind: Kind;
  child: ChildProcess;
  port: number;
}

async function startServer(kind: Kind): Promise<Server> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', kind], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { port: number }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited ${code}`)));
  });
  return { kind, child, port };
}

function memory(server: Server): Promise<{ rss: number; heap: number }> {
  return new Promise((resolve) => {
    server.child.once('message', (m) => resolve(m as { rss: number; heap: number }));
    server.child.send('mem');
  });
}

/** Opens one connection and resolves when the server has admitted it (joined / OPEN). */
function join(server: Server, i: number): Promise<WebSocket> {
  const id = `p${i}-${Math.random().toString(36).slice(2, 8)}`;
  const url =
    server.kind === 'ours'
      ? `ws://127.0.0.1:${server.port}/signaling`
      : `ws://127.0.0.1:${server.port}/peerjs?key=peerjs&id=${id}&token=t${i}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('error', reject);
    // As SignalingClient does without an identity: join on open, without waiting for the challenge.
    if (server.kind === 'ours') ws.on('open', () => ws.send(JSON.stringify({ type: 'join', room: `room-${Math.floor(i / ROOM_SIZE)}`, peerId: id })));
    ws.on('message', function first(data) {
      const msg = JSON.parse(String(data)) as { type: string };
      if (msg.type === 'joined' || msg.type === 'OPEN') {
        ws.off('message', first);
        (ws as WebSocket & { peerId?: string }).peerId = id;
        resolve(ws);
      } else if (msg.type === 'error' || msg.type === 'ERROR' || msg.type === 'ID-TAKEN') reject(new Error(String(data)));
    });
  });
}

async function joinMany(server: Server, count: number, offset: number): Promise<{ sockets: WebSocket[]; ms: number }> {
  const sockets: WebSocket[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        sockets.push(await join(server, offset + i));
      }
    }),
  );
  return { sockets, ms: performance.now() - start };
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    ws.once('close', () => resolve());
    ws.terminate();
  })));
}

async function relay(server: Server, perPair = MESSAGES_PER_PAIR): Promise<Measurement> {
  const senders: WebSocket[] = [];
  const receivers: WebSocket[] = [];
  const base = 900_000 + Math.floor(Math.random() * 1000) * ROOM_SIZE;
  for (let p = 0; p < PAIRS; p++) {
    // Same room for ours (indexes within one ROOM_SIZE block).
    senders.push(await join(server, base + p * 2));
    receivers.push(await join(server, base + p * 2 + 1));
  }
  const total = PAIRS * perPair;
  let delivered = 0;
  const done = new Promise<void>((resolve) => {
    for (const r of receivers) r.on('message', (data) => {
      const t = (JSON.parse(String(data)) as { type: string }).type;
      if ((t === 'offer' || t === 'OFFER') && ++delivered === total) resolve();
    });
  });
  const start = performance.now();
  await Promise.all(senders.map(async (s, p) => {
    const to = (receivers[p] as WebSocket & { peerId: string }).peerId;
    const frame = server.kind === 'ours'
      ? JSON.stringify({ type: 'offer', to, sdp: SDP })
      : JSON.stringify({ type: 'OFFER', dst: to, payload: { sdp: { type: 'offer', sdp: SDP }, type: 'media', connectionId: 'mc_1' } });
    for (let i = 0; i < perPair; i++) {
      s.send(frame);
      if (s.bufferedAmount > 1 << 20) while (s.bufferedAmount > 1 << 18) await new Promise((r) => setTimeout(r, 1));
    }
  }));
  await done;
  const ms = performance.now() - start;
  await closeAll([...senders, ...receivers]);
  return { name: server.kind === 'ours' ? 'spellbook signaling' : 'peer (PeerJS) 1.0.2', opsPerSecond: (total / ms) * 1000, iterations: total, elapsedMs: ms };
}

async function run(kind: Kind) {
  const server = await startServer(kind);
  try {
    // Warm-up (JIT, schema compilation) before anything is timed.
    await closeAll((await joinMany(server, 200, 2_000_000)).sockets);
    await relay(server, 500);
    const joins = await joinMany(server, JOINS, 0);
    await closeAll(joins.sockets);
    await new Promise((r) => setTimeout(r, 300));
    const relayed = await relay(server);
    await new Promise((r) => setTimeout(r, 300));
    const before = await memory(server);
    const idle = await joinMany(server, IDLE, 1_000_000);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await memory(server);
    await closeAll(idle.sockets);
    const name = kind === 'ours' ? 'spellbook signaling' : 'peer (PeerJS) 1.0.2';
    return {
      joins: { name, opsPerSecond: (JOINS / joins.ms) * 1000, iterations: JOINS, elapsedMs: joins.ms } satisfies Measurement,
      relayed,
      rssPerConn: (after.rss - before.rss) / IDLE,
      heapPerConn: (after.heap - before.heap) / IDLE,
    };
  } finally {
    server.child.kill('SIGKILL');
  }
}

if (process.argv.includes('--serve')) {
  await serve(process.argv[process.argv.indexOf('--serve') + 1] as Kind);
} else {
  console.log(`signaling on loopback (${tiny ? 'TINY size: figures are not meaningful' : 'full size'}): ${JOINS} joins, ${PAIRS} pairs x ${MESSAGES_PER_PAIR} relayed offers, ${IDLE} idle connections`);
  const ours = await run('ours');
  const peer = await run('peerjs');
  printComparison('joins per second (connect until joined / OPEN, 64 in flight)', ours.joins, peer.joins, 1, 'joins/s');
  printComparison(`messages relayed per second (${PAIRS} pairs, ~${SDP.length}-byte SDP offers)`, ours.relayed, peer.relayed, 1, 'msgs/s');
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  console.log(`memory per idle connection (${IDLE} joined connections held, server process, after GC)`);
  console.log(`  ${ours.joins.name.padEnd(24)} RSS ${kib(ours.rssPerConn)}, heap+external ${kib(ours.heapPerConn)}`);
  console.log(`  ${peer.joins.name.padEnd(24)} RSS ${kib(peer.rssPerConn)}, heap+external ${kib(peer.heapPerConn)}`);
  process.exit(0);
}
