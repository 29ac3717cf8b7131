/**
 * `npm run bench -- swarm`: a real signaling server and N swarm agents on node-datachannel in
 * this process (ICE, DTLS and SCTP over UDP on 127.0.0.1), for N = 5, 10 and 20
 * (`SWARM_BENCH_AGENTS=3,5` picks others).
 *
 * - formation: from starting every agent at once until each is connected to all N-1 others
 *   (N(N-1)/2 connections), with the connection retries that took (libdatachannel fails
 *   about one DTLS handshake in 30-60, and the agent retries it with backoff);
 * - round trip: 1,000 sequential ping/pong messages on the swarm control channel from one
 *   agent to the others in turn, p50/p95/p99 (ms), with the mesh idle apart from heartbeats.
 */
import { SignalingServer } from '../src/signaling/index.js';
import { SwarmAgent, summarize } from '../src/swarm/index.js';

const SIZES = (process.env.SWARM_BENCH_AGENTS ?? '5,10,20').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 2);
const PINGS = 1000;
const FORMATION_TIMEOUT_MS = 120_000;

async function run(n: number): Promise<void> {
  const server = new SignalingServer({ port: 0, logger: () => undefined });
  const { url } = await server.listen();
  const agents = Array.from({ length: n }, (_, i) => new SwarmAgent({ url, room: `bench-${n}`, peerId: `a${String(i).padStart(2, '0')}`, bindAddress: '127.0.0.1', heartbeatMs: 5_000 }));
  for (const a of agents) a.on('error', () => undefined);
  try {
    const t0 = performance.now();
    await Promise.all(agents.map((a) => a.initialize()));
    await Promise.all(agents.map((a) => a.waitForPeers(n - 1, FORMATION_TIMEOUT_MS)));
    const formationMs = performance.now() - t0;
    const connections = agents.reduce((s, a) => s + a.connectedPeers().length, 0) / 2;
    const retries = agents.reduce((s, a) => s + a.getStats().connections.retries, 0);
    const collisions = agents.reduce((s, a) => s + a.getStats().connections.collisions, 0);

    const source = agents[0]!;
    const others = agents.slice(1).map((a) => a.peerId);
    const rtts: number[] = [];
    for (let i = 0; i < PINGS; i++) rtts.push(await source.ping(others[i % others.length]!));
    const s = summarize(rtts);
    console.log(
      `${String(n).padStart(2)} agents: ${connections}/${(n * (n - 1)) / 2} connections, formation ${(formationMs / 1000).toFixed(2)} s ` +
        `(${retries} connection retries, ${collisions} offer collisions); round trip over ${PINGS} pings: p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms`,
    );
  } finally {
    await Promise.all(agents.map((a) => a.disconnect()));
    await server.close();
  }
}

console.log(`swarm: formation and message round trip, node-datachannel agents on loopback (Node ${process.versions.node})`);
for (const n of SIZES) await run(n);
