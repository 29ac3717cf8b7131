/**
 * MeshAgent end to end: a real SignalingServer on loopback whose room admits only the
 * roster's Ed25519 keys (challenge signed by each agent's identity), real node-datachannel
 * peers (ICE, DTLS, SCTP over UDP on 127.0.0.1), signed IFMessage envelopes over the real
 * data channels, and bad messages injected raw on those channels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EnvelopeComposer, NodeIdentity, signEnvelope, type IFMessage } from '../envelope/index.js';
import { SignalingServer } from '../signaling/index.js';
import { nodeTransport } from '../swarm/index.js';
import { startMitmSignaling, type MitmProxy } from './__fixtures__/mitm-signaling.js';
import { BROADCAST_RECEIVER, MeshAgent, Roster, WIRE_IFMESSAGE, type MeshAgentOptions } from './index.js';
import { until } from './__fixtures__/until.js';

const quiet = () => undefined;
let roomSeq = 0;
const live: MeshAgent[] = [];
const servers: SignalingServer[] = [];
const proxies: MitmProxy[] = [];

/** A signaling server whose room admits only the roster's keys (Ed25519 challenge). */
async function rosterServer(room: string, roster: Roster): Promise<string> {
  const server = new SignalingServer({ port: 0, logger: quiet, auth: { rooms: { [room]: { keys: roster.signalingKeys() } } } });
  servers.push(server);
  return (await server.listen()).url;
}

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(live.splice(0).map((a) => a.disconnect()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** n identities on one roster, n agents joined one after another, every pair bound. */
async function mesh(n: number, extra: Partial<MeshAgentOptions> = {}): Promise<{ agents: MeshAgent[]; ids: NodeIdentity[]; roster: Roster; room: string }> {
  const ids = Array.from({ length: n }, () => NodeIdentity.generate());
  const roster = new Roster(ids.map((i) => i.publicKey));
  const room = `mesh-${++roomSeq}`;
  const url = await rosterServer(room, roster);
  const agents = ids.map((identity) => {
    const a = new MeshAgent({ url, room, identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 500, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, ...extra });
    a.swarm.on('error', quiet);
    live.push(a);
    return a;
  });
  for (const a of agents) await a.initialize();
  await Promise.all(agents.map((a) => a.waitForBoundPeers(n - 1, 60_000)));
  return { agents, ids, roster, room };
}

describe('MeshAgent', () => {
  it('two agents join with their identities and exchange signed messages verified against the roster', async () => {
    const { agents: [a, b] } = await mesh(2);
    const got: Array<[string, IFMessage]> = [];
    b!.onIFMessage((m, from) => got.push([from, m]));
    a!.onIFMessage((m, from) => got.push([from, m]));
    const sent = await a!.sendIFMessage({ performative: 'request', receiver: b!.agentId, content: { task: { id: 7, steps: ['fetch', 'parse'] } } });
    await b!.sendIFMessage({ performative: 'agree', receiver: a!.agentId, content: { re: sent.nonce } });
    await until(() => got.length === 2, 20_000, () => `2 messages, got ${got.length}`);
    expect(got[0]![0]).toBe(a!.agentId);
    expect(got[0]![1]).toEqual(sent);
    expect(got[1]![1].content).toEqual({ re: sent.nonce });
    expect(sent.signature.public_key).toBe(`ed25519:${Buffer.from(a!.roster.get(a!.agentId)!).toString('base64')}`);
    for (const x of [a!, b!]) {
      const s = x.getStats();
      expect(s).toMatchObject({ sent: 1, accepted: 1, rejected: { total: 0 }, bindings: { verified: 1, failed: 0 }, faults: 0 });
    }
  }, 90_000);

  it('a room with an Ed25519 roster refuses an agent whose key is not on it', async () => {
    const ids = [NodeIdentity.generate(), NodeIdentity.generate()];
    const room = `mesh-${++roomSeq}`;
    const url = await rosterServer(room, new Roster([ids[0]!.publicKey]));
    const ok = new MeshAgent({ url, room, identity: ids[0]!, roster: [ids[0]!.publicKey, ids[1]!.publicKey], bindAddress: '127.0.0.1', reconnect: { initialDelayMs: 100, maxDelayMs: 200 } });
    const outsider = new MeshAgent({ url, room, identity: ids[1]!, roster: [ids[0]!.publicKey, ids[1]!.publicKey], bindAddress: '127.0.0.1', reconnect: { initialDelayMs: 100, maxDelayMs: 200 } });
    for (const x of [ok, outsider]) x.swarm.on('error', quiet), live.push(x);
    await ok.initialize();
    await expect(outsider.initialize()).rejects.toThrow(/auth|roster|refused|403/i);
  }, 30_000);

  it('five agents form a full mesh of 10 bound channels; every agent sends to every other and to all, and every message verifies', async () => {
    const { agents } = await mesh(5);
    expect(agents.reduce((s, a) => s + a.boundPeers().length, 0) / 2).toBe(10);
    const got = new Map<string, string[]>(agents.map((a) => [a.agentId, []]));
    for (const a of agents) a.onIFMessage((m, from) => got.get(a.agentId)!.push(`${from} ${String(m.content.kind)}`));
    for (const a of agents) {
      for (const b of agents) if (a !== b) await a.sendIFMessage({ performative: 'inform', receiver: b.agentId, content: { kind: 'direct' } });
      await a.sendIFMessage({ performative: 'share', receiver: BROADCAST_RECEIVER, content: { kind: 'all' } });
    }
    await until(() => [...got.values()].every((l) => l.length === 8), 30_000, () => JSON.stringify([...got.values()].map((l) => l.length)));
    for (const a of agents) {
      const expected = agents.filter((b) => b !== a).flatMap((b) => [`${b.agentId} direct`, `${b.agentId} all`]).sort();
      expect(got.get(a.agentId)!.sort()).toEqual(expected);
      expect(a.getStats()).toMatchObject({ sent: 8, accepted: 8, rejected: { total: 0 }, bindings: { verified: 4, failed: 0 }, faults: 0 });
    }
  }, 120_000);

  it('forged, tampered, replayed, wrongly keyed, expired, unsigned, schema-invalid and misrouted messages sent raw over the channel are all rejected and counted, and no valid message is lost', async () => {
    const { agents: [a, b], ids } = await mesh(2);
    const outsider = NodeIdentity.generate(); // not on the roster
    const carol = NodeIdentity.generate(); // on b's roster, but not the peer of this channel
    b!.roster.add(carol.publicKey);
    const delivered: IFMessage[] = [];
    b!.onIFMessage((m) => delivered.push(m));
    const aIdentity = ids[0]!;
    const raw = (envelope: unknown) => expect(a!.swarm.sendToPeer(b!.peerId, { type: WIRE_IFMESSAGE, envelope: typeof envelope === 'string' ? envelope : JSON.stringify(envelope) })).toBe(true);
    // A composer that shares nothing with a's own sequence numbers: its envelopes are valid.
    const side = new EnvelopeComposer(aIdentity, { firstSequence: 1_000_000 });
    const draft = { performative: 'inform' as const, receiver: b!.agentId, conversation_id: 'if://conversation/t', scope: { mission_id: 'm', workflow: 'w', domain: 'd' } };
    const valid: IFMessage[] = [];
    const bad: Array<[string, () => void]> = [
      ['bad-signature', () => { const e = side.seal({ ...draft, content: { n: 1 } }); raw({ ...e, content: { n: 2 } }); }], // tampered
      ['bad-signature', () => { const e = signEnvelope({ ...side.compose({ ...draft, content: { forged: true } }), sender: aIdentity.agentId }, outsider); raw({ ...e, sender: aIdentity.agentId, signature: { ...e.signature, public_key: aIdentity.publicKeyText } }); }], // forged
      ['key-mismatch', () => { const e = signEnvelope(side.compose({ ...draft, content: { k: 1 } }), outsider); raw({ ...e, sender: aIdentity.agentId }); }], // wrongly keyed
      ['replayed-sequence', () => raw(valid[0]!)],
      ['expired', () => raw(new EnvelopeComposer(aIdentity, { firstSequence: 2_000_000, clock: () => Date.now() - 3_600_000 }).seal({ ...draft, content: {}, ttl: 60 }))],
      ['unsigned', () => { const { signature: _s, ...u } = side.seal({ ...draft, content: {} }); raw(u); }],
      ['schema-invalid', () => { const e = side.seal({ ...draft, content: {} }); raw({ ...e, performative: 'shout' }); }],
      ['wrong-channel', () => raw(new EnvelopeComposer(carol).seal({ ...draft, content: {} }))],
      ['bad-json', () => raw('{"sender": ')],
      ['duplicate-key', () => raw('{"sender":"x","sender":"y"}')],
      ['bad-wire', () => expect(a!.swarm.sendToPeer(b!.peerId, { type: WIRE_IFMESSAGE, envelope: 42 })).toBe(true)],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [, inject] of bad) {
        const m = await a!.sendIFMessage({ performative: 'inform', receiver: b!.agentId, content: { round } });
        valid.push(m);
        inject();
      }
    }
    const expectedValid = valid.length;
    await until(() => b!.getStats().accepted + b!.getStats().rejected.total >= expectedValid + bad.length * 3, 30_000, () => JSON.stringify(b!.getStats()));
    const stats = b!.getStats();
    expect(delivered.map((m) => m.nonce)).toEqual(valid.map((m) => m.nonce));
    expect(stats.accepted).toBe(expectedValid);
    const expectedReasons: Record<string, number> = {};
    for (const [reason] of bad) expectedReasons[reason] = (expectedReasons[reason] ?? 0) + 3;
    const nonZero = Object.fromEntries(Object.entries(stats.rejected.byReason).filter(([, n]) => n > 0));
    expect(nonZero).toEqual(expectedReasons);
    expect(stats.rejected.total).toBe(bad.length * 3);
  }, 90_000);
});

describe('MeshAgent session bindings', () => {
  async function pairThrough(mitm: boolean): Promise<{ a: MeshAgent; b: MeshAgent; proxy: MitmProxy }> {
    const ids = [NodeIdentity.generate(), NodeIdentity.generate()];
    const roster = new Roster(ids.map((i) => i.publicKey));
    const room = `mesh-${++roomSeq}`;
    const proxy = await startMitmSignaling(await rosterServer(room, roster), { mitm });
    proxies.push(proxy);
    const [a, b] = ids.map((identity) => {
      const x = new MeshAgent({ url: proxy.url, room, identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 500, transport: nodeTransport({ releaseNative: false }) });
      x.swarm.on('error', quiet);
      live.push(x);
      return x;
    });
    await b!.initialize(); // b first: a joins and offers
    await a!.initialize();
    await Promise.all([a!.swarm.waitForPeers(1, 30_000), b!.swarm.waitForPeers(1, 30_000)]);
    return { a: a!, b: b! , proxy };
  }

  it('through an honest relay of the same proxy, both session bindings verify', async () => {
    const { a, b } = await pairThrough(false);
    await Promise.all([a.waitForBoundPeers(1, 20_000), b.waitForBoundPeers(1, 20_000)]);
    expect(a.getStats().bindings).toEqual({ verified: 1, failed: 0, byReason: {} });
    expect(b.getStats().bindings).toEqual({ verified: 1, failed: 0, byReason: {} });
  }, 60_000);

  it('a signaling server that swaps the DTLS fingerprints and relays the channel (man in the middle) is caught: both bindings fail with fingerprint-mismatch and nothing is delivered', async () => {
    const { a, b, proxy } = await pairThrough(true);
    await until(() => a.getStats().bindings.failed + b.getStats().bindings.failed === 2, 20_000, () => JSON.stringify([a.getStats().bindings, b.getStats().bindings]));
    expect(proxy.intercepted).toBe(1);
    expect(proxy.relayed).toBeGreaterThan(0); // the data channel really ran through the server
    for (const x of [a, b]) expect(x.getStats().bindings).toEqual({ verified: 0, failed: 1, byReason: { 'fingerprint-mismatch': 1 } });
    const got: IFMessage[] = [];
    b.onIFMessage((m) => got.push(m));
    // a sends nothing to a peer whose binding failed: the server in the middle reads nothing.
    await expect(a.sendIFMessage({ performative: 'inform', receiver: b.agentId, content: { secret: 1 } })).rejects.toThrow(/binding did not verify/);
    expect(a.getStats().withheld).toBe(1);
    // And what arrives anyway (sent raw on the swarm channel) is refused.
    a.swarm.sendToPeer(b.peerId, { type: WIRE_IFMESSAGE, envelope: JSON.stringify(a.verifier.stats()) });
    await until(() => b.getStats().rejected.byReason['unbound-peer'] === 1, 20_000, () => JSON.stringify(b.getStats().rejected));
    expect(got).toEqual([]);
    expect(b.getStats().accepted).toBe(0);
    expect(a.boundPeers()).toEqual([]);
  }, 60_000);
});
