/**
 * Relay mode with real agents over a partial mesh, for the 50-agent test and `npm run bench --
 * mesh`: a SignalingServer whose room admits the roster's keys, N MeshAgents on
 * node-datachannel in this process (ICE, DTLS, SCTP over UDP on 127.0.0.1) with the swarm's
 * `neighbours: k`, joined one after another. Once every agent is connected to exactly its
 * neighbours and every session binding verified, each agent relays `messagesPerAgent` signed
 * messages to all; every delivery's latency is measured from the send call to the receiver's
 * onIFMessage (one process, one clock).
 */
import { NodeIdentity } from '../../envelope/index.js';
import { SignalingServer } from '../../signaling/index.js';
import { liveNodeConnections, summarize } from '../../swarm/index.js';
import { BROADCAST_RECEIVER, MeshAgent, Roster } from '../index.js';
import { until } from './until.js';

export interface RelayRunOptions {
  agents: number;
  neighbours: number;
  messagesPerAgent: number;
  /** Pause between two sends (ms). */
  spacingMs?: number;
  formationTimeoutMs?: number;
  deliveryTimeoutMs?: number;
}

export interface RelayRunResult {
  agents: number;
  neighbours: number;
  formationMs: number;
  /** Open data channels (pairs), counted from every agent's side. */
  connections: number;
  fullMesh: number;
  /** node-datachannel connections this process holds (two per pair). */
  native: number;
  connected: boolean;
  messages: number;
  expected: number;
  delivered: number;
  /** Deliveries of a message an agent already had (must be 0). */
  duplicates: number;
  deliveryRatio: number;
  /** null when nothing was delivered. */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number };
  forwarded: number;
  rejected: number;
}

export async function runRelay(o: RelayRunOptions): Promise<RelayRunResult> {
  const ids = Array.from({ length: o.agents }, () => NodeIdentity.generate());
  const roster = new Roster(ids.map((i) => i.publicKey));
  const server = new SignalingServer({ port: 0, logger: () => undefined, auth: { rooms: { relay: { keys: roster.signalingKeys() } } } });
  const { url } = await server.listen();
  const agents = ids.map(
    (identity) => new MeshAgent({ url, room: 'relay', identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 2_000, neighbours: o.neighbours, retry: { initialDelayMs: 100, maxDelayMs: 2_000 } }),
  );
  for (const a of agents) a.swarm.on('error', () => undefined);
  try {
    const t0 = performance.now();
    for (const a of agents) await a.initialize();
    const settled = () => agents.every((a) => a.swarm.linkedPeers().length > 0 && a.boundPeers().length === a.swarm.linkedPeers().length && a.swarm.connectedPeers().length === a.swarm.linkedPeers().length);
    await until(settled, o.formationTimeoutMs ?? 180_000, () => `every agent bound to exactly its neighbours: ${JSON.stringify(agents.map((a) => `${a.boundPeers().length}/${a.swarm.linkedPeers().length}`))}`);
    const formationMs = performance.now() - t0;
    const connections = agents.reduce((s, a) => s + a.swarm.connectedPeers().length, 0) / 2;
    const byPeer = new Map(agents.map((a) => [a.peerId, a.swarm.connectedPeers()]));
    const seen = new Set([agents[0]!.peerId]);
    const todo = [agents[0]!.peerId];
    while (todo.length) for (const p of byPeer.get(todo.pop()!) ?? []) if (!seen.has(p)) seen.add(p), todo.push(p);

    const sentAt = new Map<string, number>();
    const got = new Map<string, number>();
    const latencies: number[] = [];
    let duplicates = 0;
    for (const a of agents)
      a.onIFMessage((m) => {
        const k = `${a.agentId} ${m.sender} ${m.sequence_num}`;
        if (got.has(k)) return void duplicates++;
        got.set(k, 1);
        latencies.push(performance.now() - sentAt.get(`${m.sender} ${m.sequence_num}`)!);
      });
    const messages = o.agents * o.messagesPerAgent;
    for (let r = 0; r < o.messagesPerAgent; r++)
      for (const a of agents) {
        const s0 = performance.now();
        const e = await a.relayIFMessage({ performative: 'share', receiver: BROADCAST_RECEIVER, content: { r } });
        sentAt.set(`${e.sender} ${e.sequence_num}`, s0);
        if (o.spacingMs) await new Promise((res) => setTimeout(res, o.spacingMs));
      }
    const expected = messages * (o.agents - 1);
    await until(() => got.size >= expected, o.deliveryTimeoutMs ?? 60_000, () => `${expected} deliveries, got ${got.size}`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300)); // late duplicates, if any, land now
    const s = summarize(latencies);
    const stats = agents.map((a) => a.getStats());
    return {
      agents: o.agents,
      neighbours: o.neighbours,
      formationMs,
      connections,
      fullMesh: (o.agents * (o.agents - 1)) / 2,
      native: liveNodeConnections(),
      connected: seen.size === o.agents,
      messages,
      expected,
      delivered: got.size,
      duplicates,
      deliveryRatio: got.size / expected,
      latencyMs: { p50: s.p50, p95: s.p95, p99: s.p99, max: latencies.reduce((m, x) => Math.max(m, x), 0) },
      forwarded: stats.reduce((t, x) => t + x.relay.forwarded, 0),
      rejected: stats.reduce((t, x) => t + x.rejected.total, 0),
    };
  } finally {
    await Promise.all(agents.map((a) => a.disconnect()));
    await server.close();
  }
}

export function formatRelayRun(r: RelayRunResult): string {
  return (
    `${r.agents} agents, neighbours ${r.neighbours}: ${r.connections} connections (full mesh ${r.fullMesh}; ${r.native} node-datachannel peer connections in the process), overlay ${r.connected ? 'connected' : 'NOT connected'}, formation ${(r.formationMs / 1000).toFixed(2)} s; ` +
    `${r.messages} relayed messages: ${r.delivered}/${r.expected} deliveries (ratio ${r.deliveryRatio.toFixed(4)}), ${r.duplicates} duplicates, ` +
    `latency p50 ${r.latencyMs.p50} / p95 ${r.latencyMs.p95} / p99 ${r.latencyMs.p99} / max ${r.latencyMs.max.toFixed(1)} ms, ${r.forwarded} copies forwarded, ${r.rejected} refused`
  );
}
