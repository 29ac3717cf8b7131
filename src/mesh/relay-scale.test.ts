/**
 * Relay mode at 50 real agents in this process (node-datachannel, a real loopback
 * SignalingServer with an Ed25519 roster room) over the swarm's partial mesh (`neighbours: 4`):
 * counted, not timed: every signed message reaches all other 49 agents exactly once, the
 * overlay is connected, and it holds far fewer connections than a full mesh.
 */
import { describe, expect, it } from 'vitest';
import { formatRelayRun, runRelay } from './__fixtures__/relay-run.js';

describe('relay mode at scale', () => {
  it('fifty real agents relaying over a partial mesh of 4 neighbours each: every signed message reaches all 50, exactly once, over at most 200 connections instead of 1,225', async () => {
    const r = await runRelay({ agents: 50, neighbours: 4, messagesPerAgent: 2, spacingMs: 5 });
    console.log(`relay at 50: ${formatRelayRun(r)}`);
    expect(r.connected).toBe(true);
    expect(r.connections).toBeLessThanOrEqual(50 * 4);
    expect(r.connections).toBeLessThan(r.fullMesh / 4);
    expect(r.native).toBe(2 * r.connections);
    expect(r.deliveryRatio).toBe(1);
    expect(r.duplicates).toBe(0);
    expect(r.rejected).toBe(0);
    expect(r.forwarded).toBeGreaterThan(r.expected); // relayed, not sent directly
  }, 400_000);
});
