/**
 * Partial mesh (`neighbours`): the choice every member computes (topology.ts), and real
 * node-datachannel agents on a real loopback SignalingServer that connect only to their
 * neighbours, re-link when a member leaves, and never open N(N-1)/2 connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SignalingServer } from '../signaling/index.js';
import { chosenNeighbours, SwarmAgent, SwarmAgentCore, Topology } from './index.js';

const quiet = () => undefined;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Whether the undirected graph `edges` over `nodes` is connected. */
function connected(nodes: string[], links: (id: string) => string[]): boolean {
  const seen = new Set([nodes[0]!]);
  const todo = [nodes[0]!];
  while (todo.length) for (const n of links(todo.pop()!)) if (!seen.has(n)) seen.add(n), todo.push(n);
  return seen.size === nodes.length;
}

async function until(cond: () => boolean, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('partial mesh', () => {
  it('Topology: ring neighbours plus rendezvous links, the same answer on every member, symmetric, connected, at most N x k links, stable when a member joins', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `p${String(i * 7919 % 1000).padStart(3, '0')}`);
    const t = new Topology(4);
    const linked = new Map(ids.map((id) => [id, t.linked(id, ids)]));
    let edges = 0;
    for (const id of ids) {
      const chosen = chosenNeighbours(id, ids, 4);
      expect(chosen).toHaveLength(4);
      const sorted = [...ids].sort();
      const at = sorted.indexOf(id);
      expect(chosen).toContain(sorted[(at + 1) % 50]);
      expect(chosen).toContain(sorted[(at + 49) % 50]);
      expect(new Topology(4).linked(id, [...ids].reverse())).toEqual(linked.get(id)); // order does not matter
      for (const other of linked.get(id)!) expect(linked.get(other)).toContain(id); // symmetric
      edges += linked.get(id)!.length;
    }
    edges /= 2;
    expect(edges).toBeLessThanOrEqual(50 * 4);
    expect(edges).toBeGreaterThanOrEqual(50 * 2);
    expect(connected(ids, (id) => linked.get(id)!)).toBe(true);
    // A newcomer changes only choices that involve it (rendezvous) and its two ring places.
    const more = [...ids, 'p5000'];
    let changed = 0;
    for (const id of ids) {
      const before = chosenNeighbours(id, ids, 4).filter((x) => x !== 'p5000');
      const after = chosenNeighbours(id, more, 4).filter((x) => x !== 'p5000');
      if (after.some((x) => !before.includes(x))) changed++;
    }
    expect(changed).toBe(0); // joins only ever replace a link by one to the newcomer
    expect(chosenNeighbours('a', ['a'], 4)).toEqual([]);
    expect(chosenNeighbours('a', ['a', 'b'], 4)).toEqual(['b']);
    expect(() => new Topology(0)).toThrow(RangeError);
    const transport = { name: 'none', create: () => { throw new Error('unused'); } };
    expect(() => new SwarmAgentCore({ room: 'x', neighbours: 0, transport })).toThrow(/neighbours/);
  });

  it('twelve agents with neighbours: 3 connect only to their neighbours (no full mesh), the overlay is connected, and when one leaves the others re-link', async () => {
    const server = new SignalingServer({ port: 0, logger: quiet });
    const { url } = await server.listen();
    cleanup.push(() => server.close());
    const n = 12;
    const agents = Array.from({ length: n }, (_, i) => new SwarmAgent({ url, room: 'partial', peerId: `n${String(i).padStart(2, '0')}`, bindAddress: '127.0.0.1', heartbeatMs: 500, neighbours: 3, retry: { initialDelayMs: 100, maxDelayMs: 1000 } }));
    for (const a of agents) a.on('error', quiet), cleanup.push(() => a.disconnect());
    for (const a of agents) await a.initialize();
    const settled = (xs: SwarmAgent[]) => xs.every((a) => a.linkedPeers().length > 0 && a.connectedPeers().sort().join() === a.linkedPeers().join());
    const state = (xs: SwarmAgent[]) => JSON.stringify(xs.map((a) => [a.peerId, a.connectedPeers().length, a.linkedPeers().length]));
    await until(() => settled(agents), 60_000, () => state(agents));
    const count = (xs: SwarmAgent[]) => xs.reduce((s, a) => s + a.connectedPeers().length, 0) / 2;
    expect(count(agents)).toBeLessThanOrEqual(n * 3);
    expect(count(agents)).toBeLessThan((n * (n - 1)) / 2);
    const t = new Topology(3);
    const ids = agents.map((a) => a.peerId);
    for (const a of agents) expect(a.linkedPeers()).toEqual(t.linked(a.peerId, ids));
    expect(connected(ids, (id) => agents.find((a) => a.peerId === id)!.connectedPeers())).toBe(true);
    // One member leaves: the survivors compute the overlay without it and connect accordingly.
    const gone = agents[5]!;
    await gone.disconnect();
    const rest = agents.filter((a) => a !== gone);
    await until(() => settled(rest) && rest.every((a) => !a.connectedPeers().includes(gone.peerId)), 60_000, () => state(rest));
    const restIds = rest.map((a) => a.peerId);
    for (const a of rest) expect(a.linkedPeers()).toEqual(t.linked(a.peerId, restIds));
    expect(connected(restIds, (id) => rest.find((a) => a.peerId === id)!.connectedPeers())).toBe(true);
  }, 120_000);
});
