/**
 * `npm run bench -- mesh`: a real signaling server with an Ed25519 roster room and N mesh
 * agents on node-datachannel in this process (ICE, DTLS and SCTP over UDP on 127.0.0.1), for
 * N = 2, 5, 10 and 20 full mesh by default (`MESH_BENCH_AGENTS=2,5` picks others), then relay
 * mode at 50 real agents over a partial mesh (`MESH_BENCH_RELAY_AGENTS`, 0 to skip).
 *
 * - formation: from starting every agent at once until every pair's channel is open and both
 *   signed session bindings verified (N(N-1)/2 channels);
 * - signed-message latency: 1,000 envelopes signed by one agent (`sendIFMessage`) to the
 *   others in turn, each sent after the previous was verified and delivered, from the send
 *   call to the receiver's `onIFMessage`: p50/p95/p99 (ms);
 * - sign and verify rates inside the agents (time in sealing and in the EnvelopeVerifier);
 * - relay mode with real agents: 50 agents whose swarm keeps 4 neighbours each
 *   (`MESH_BENCH_NEIGHBOURS`), formation until every agent is bound to exactly its neighbours,
 *   connection count against the full mesh's, then 2 relayed messages per agent: delivery
 *   ratio and latency p50/p95/p99 from the send call to each receiver's onIFMessage;
 * - relay mode, network model (no sockets): 1,000 agents with 4 neighbours, 100 messages.
 */
import { NodeIdentity } from '../src/envelope/index.js';
import { MeshAgent, Roster, simulateRelay } from '../src/mesh/index.js';
import { formatRelayRun, runRelay } from '../src/mesh/__fixtures__/relay-run.js';
import { SignalingServer } from '../src/signaling/index.js';
import { summarize } from '../src/swarm/index.js';

const SIZES = (process.env.MESH_BENCH_AGENTS ?? '2,5,10,20').split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 2);
const MESSAGES = Number(process.env.MESH_BENCH_MESSAGES ?? 1000);
const FORMATION_TIMEOUT_MS = 120_000;
const RELAY_AGENTS = Number(process.env.MESH_BENCH_RELAY_AGENTS ?? 50);
const RELAY_NEIGHBOURS = Number(process.env.MESH_BENCH_NEIGHBOURS ?? 4);
const RELAY_MESSAGES = Number(process.env.MESH_BENCH_RELAY_MESSAGES ?? 2);

async function run(n: number): Promise<void> {
  const ids = Array.from({ length: n }, () => NodeIdentity.generate());
  const roster = new Roster(ids.map((i) => i.publicKey));
  const room = `bench-${n}`;
  const server = new SignalingServer({ port: 0, logger: () => undefined, auth: { rooms: { [room]: { keys: roster.signalingKeys() } } } });
  const { url } = await server.listen();
  const agents = ids.map((identity) => new MeshAgent({ url, room, identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 5_000 }));
  for (const a of agents) a.swarm.on('error', () => undefined);
  try {
    const t0 = performance.now();
    await Promise.all(agents.map((a) => a.initialize()));
    await Promise.all(agents.map((a) => a.waitForBoundPeers(n - 1, FORMATION_TIMEOUT_MS)));
    const formationMs = performance.now() - t0;
    const channels = agents.reduce((s, a) => s + a.boundPeers().length, 0) / 2;
    const retries = agents.reduce((s, a) => s + a.swarm.getStats().connections.retries, 0);

    const source = agents[0]!;
    const others = agents.slice(1);
    let resolveDelivery: (() => void) | undefined;
    for (const o of others) o.onIFMessage(() => resolveDelivery?.());
    const latencies: number[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const to = others[i % others.length]!;
      const delivered = new Promise<void>((r) => (resolveDelivery = r));
      const s0 = performance.now();
      await source.sendIFMessage({ performative: 'inform', receiver: to.agentId, content: { i } });
      await delivered;
      latencies.push(performance.now() - s0);
    }
    const s = summarize(latencies);
    const stats = agents.map((a) => a.getStats());
    const sign = stats.reduce((x, y) => ({ count: x.count + y.signing.count, ms: x.ms + y.signing.ms }), { count: 0, ms: 0 });
    const verify = stats.reduce((x, y) => ({ count: x.count + y.verifying.count, ms: x.ms + y.verifying.ms }), { count: 0, ms: 0 });
    console.log(
      `${String(n).padStart(2)} agents: ${channels}/${(n * (n - 1)) / 2} bound channels, formation ${(formationMs / 1000).toFixed(2)} s (${retries} connection retries); ` +
        `signed-message latency over ${MESSAGES}: p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms; ` +
        `sign ${Math.round(sign.count / (sign.ms / 1000))}/s, verify ${Math.round(verify.count / (verify.ms / 1000))}/s (inside the agents)`,
    );
  } finally {
    await Promise.all(agents.map((a) => a.disconnect()));
    await server.close();
  }
}

console.log(`mesh: formation and signed-message latency, node-datachannel agents on loopback (Node ${process.versions.node})`);
for (const n of SIZES) await run(n);
if (RELAY_AGENTS >= 3) {
  const r = await runRelay({ agents: RELAY_AGENTS, neighbours: RELAY_NEIGHBOURS, messagesPerAgent: RELAY_MESSAGES, spacingMs: 5 });
  console.log(`relay, real agents: ${formatRelayRun(r)}`);
}
if (process.env.MESH_BENCH_RELAY !== '0') {
  const t = performance.now();
  const r = simulateRelay({ agents: 1000, degree: 4, messages: 100, linkDelayMs: [1, 5], seed: 1 });
  console.log(
    `relay model: ${r.agents} agents, ${r.degree} neighbours, ${r.messages} messages: delivery ${(r.deliveryRatio * 100).toFixed(2)}%, hops mean ${r.hops.mean.toFixed(2)} / p50 ${r.hops.p50} / p99 ${r.hops.p99} / max ${r.hops.max}, ` +
      `model latency p50 ${r.latencyMs.p50.toFixed(1)} / p99 ${r.latencyMs.p99.toFixed(1)} ms (links 1-5 ms), ${r.copiesPerDelivery.toFixed(2)} copies per delivery (${((performance.now() - t) / 1000).toFixed(1)} s to simulate)`,
  );
}
