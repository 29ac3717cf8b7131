/**
 * Relay mode: the forwarding decision (RelayRouter), the neighbour choice, the network model
 * of 1,000 agents running that code, and real agents relaying signed messages over data
 * channels with de-duplication by (sender, sequence).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EnvelopeComposer, NodeIdentity, signEnvelope, type IFMessage } from '../envelope/index.js';
import { SignalingServer } from '../signaling/index.js';
import { BROADCAST_RECEIVER, MeshAgent, relayNeighbours, RelayRouter, Roster, simulateRelay, WIRE_RELAY } from './index.js';
import { until } from './__fixtures__/until.js';

const quiet = () => undefined;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('relay', () => {
  it('RelayRouter delivers and forwards once per (sender, sequence), never back to where it came from, and stops at the hop limit', () => {
    const r = new RelayRouter({ maxHops: 3 });
    expect(r.seen('s', 1)).toBe(false);
    expect(r.accept('s', 1, 1, 'a', ['a', 'b', 'c'])).toEqual({ duplicate: false, forward: ['b', 'c'], hops: 2 });
    expect(r.seen('s', 1)).toBe(true);
    expect(r.accept('s', 1, 1, 'b', ['a', 'b', 'c']).duplicate).toBe(true);
    expect(r.accept('s', 2, 3, 'a', ['a', 'b'])).toEqual({ duplicate: false, forward: [], hops: 4 });
    expect(r.accept('t', 1, 0, undefined, ['a'])).toEqual({ duplicate: false, forward: ['a'], hops: 1 });
    expect(r.stats()).toEqual({ remembered: 3, duplicates: 2, forwarded: 3 });
    const small = new RelayRouter({ seenCache: 2 });
    for (let i = 1; i <= 3; i++) small.accept('s', i, 0, undefined, []);
    expect(small.stats().remembered).toBe(2);
  });

  it('relayNeighbours: ring neighbours plus hashed long links, the same answer on every agent, degree bounded', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `id${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      const n = relayNeighbours(id, ids, 4);
      expect(n.length).toBeLessThanOrEqual(4);
      expect(n.length).toBeGreaterThanOrEqual(2);
      expect(n).not.toContain(id);
      const at = ids.indexOf(id);
      expect(n).toContain(ids[(at + 1) % 50]);
      expect(n).toContain(ids[(at + 49) % 50]);
      expect(relayNeighbours(id, [...ids].reverse(), 4)).toEqual(n);
    }
    expect(relayNeighbours('a', ['a'], 4)).toEqual([]);
    expect(relayNeighbours('a', ['a', 'b'], 4)).toEqual(['b']);
  });

  it('a network model of 1,000 agents with 4 neighbours each, running the same forwarding code, reaches every agent, in few hops, and still nearly all with 5% loss per link', () => {
    const clean = simulateRelay({ agents: 1000, degree: 4, messages: 20, seed: 3 });
    expect(clean.deliveryRatio).toBe(1);
    expect(clean.hops.max).toBeLessThanOrEqual(16);
    expect(clean.hops.p50).toBeLessThanOrEqual(8); // log-like, not the ~250 of a bare ring
    expect(clean.copiesPerDelivery).toBeLessThan(4); // each agent forwards to at most 3 others
    const lossy = simulateRelay({ agents: 1000, degree: 4, messages: 20, loss: 0.05, seed: 3 });
    expect(lossy.deliveryRatio).toBeGreaterThan(0.99);
    expect(lossy.deliveryRatio).toBeLessThanOrEqual(1);
  }, 60_000);

  it('five real agents relaying through two neighbours each: every signed message reaches every other agent exactly once; a forged relayed message is refused and not forwarded', async () => {
    const ids = Array.from({ length: 5 }, () => NodeIdentity.generate());
    const roster = new Roster(ids.map((i) => i.publicKey));
    const server = new SignalingServer({ port: 0, logger: quiet, auth: { rooms: { relay: { keys: roster.signalingKeys() } } } });
    const { url } = await server.listen();
    cleanup.push(() => server.close());
    const agents = ids.map((identity) => new MeshAgent({ url, room: 'relay', identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 500, relay: { degree: 2 } }));
    for (const a of agents) a.swarm.on('error', quiet), cleanup.push(() => a.disconnect());
    for (const a of agents) await a.initialize();
    await Promise.all(agents.map((a) => a.waitForBoundPeers(4, 60_000)));
    const got = new Map<string, string[]>(agents.map((a) => [a.agentId, []]));
    for (const a of agents) a.onIFMessage((m) => got.get(a.agentId)!.push(`${m.sender} ${m.sequence_num}`));
    const sent: IFMessage[] = [];
    for (const a of agents) {
      expect(a.relayNeighbours()).toHaveLength(2);
      sent.push(await a.relayIFMessage({ performative: 'share', receiver: BROADCAST_RECEIVER, content: { from: a.agentId } }));
    }
    await until(() => [...got.values()].every((l) => l.length === 4), 20_000, () => JSON.stringify([...got.values()].map((l) => l.length)));
    await new Promise((r) => setTimeout(r, 300)); // late duplicates, if any, would land now
    for (const a of agents) {
      const expected = sent.filter((m) => m.sender !== a.agentId).map((m) => `${m.sender} ${m.sequence_num}`).sort();
      expect(got.get(a.agentId)!.sort()).toEqual(expected); // exactly once each
    }
    const total = agents.map((a) => a.getStats());
    expect(total.reduce((s, x) => s + x.relay.forwarded, 0)).toBeGreaterThan(5);
    expect(total.reduce((s, x) => s + x.rejected.total, 0)).toBe(0);

    // Forged: claims agent 0's name, signed by a key on no roster. Refused, counted, not forwarded.
    const [a0, a1] = agents as [MeshAgent, MeshAgent];
    const forged = signEnvelope(new EnvelopeComposer(ids[0]!, { firstSequence: 900 }).compose({ performative: 'share', receiver: BROADCAST_RECEIVER, conversation_id: 'if://conversation/x', scope: { mission_id: 'm', workflow: 'w', domain: 'd' }, content: { forged: true } }), NodeIdentity.generate());
    const forwardedBefore = agents.reduce((s, a) => s + a.getStats().relay.forwarded, 0);
    a0.swarm.sendToPeer(a1.peerId, { type: WIRE_RELAY, envelope: JSON.stringify({ ...forged, sender: ids[0]!.agentId }), hops: 1 });
    a0.swarm.sendToPeer(a1.peerId, { type: WIRE_RELAY, envelope: JSON.stringify(sent[0]), hops: 99 });
    await until(() => a1.getStats().rejected.total === 2, 10_000, () => JSON.stringify(a1.getStats().rejected));
    expect(a1.getStats().rejected.byReason['key-mismatch']).toBe(1);
    expect(a1.getStats().rejected.byReason['too-many-hops']).toBe(1);
    expect(agents.reduce((s, a) => s + a.getStats().relay.forwarded, 0)).toBe(forwardedBefore);
  }, 90_000);
});
