/**
 * Fuzz target for the mesh's inbound path: what arrives on a data channel as a direct
 * (`ifmessage`) or relayed (`ifmessage-relay`) payload goes through MeshAgentCore's checks and
 * the EnvelopeVerifier. Inputs are mutations of envelopes really signed by a roster key. A
 * refusal is the expected outcome (reported as MeshRefusal with the reason); a delivered
 * envelope must be byte-for-byte (canonically) one that was signed, or the case fails; any
 * other exception fails.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { canonicalize, EnvelopeComposer, EnvelopeVerifier, NodeIdentity, type IFMessage } from '../envelope/index.js';
import type { SwarmAgentCore, SwarmPayload } from '../swarm/index.js';
import { BROADCAST_RECEIVER, WIRE_IFMESSAGE, WIRE_RELAY } from './constants.js';
import { MeshAgentCore } from './core.js';
import { peerIdOf } from './ids.js';
import { Roster } from './roster.js';
import { formatMeshState, parseMeshState } from './state.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

const alice = NodeIdentity.fromSeed(new Uint8Array(32).fill(1));
const bob = NodeIdentity.fromSeed(new Uint8Array(32).fill(2));
const roster = new Roster([alice.publicKey, bob.publicKey]);
const composer = new EnvelopeComposer(alice);
const scope = { mission_id: 'm', workflow: 'w', domain: 'd' };
const signed: IFMessage[] = [
  composer.seal({ performative: 'request', receiver: bob.agentId, conversation_id: 'if://conversation/f', scope, content: { task: { id: 7, steps: ['a', 'b'] } } }),
  composer.seal({ performative: 'share', receiver: BROADCAST_RECEIVER, conversation_id: 'if://conversation/f', scope, content: { n: 1.5, s: 'héllo ✓' }, trace_id: 't-1' }),
];
const genuine = new Set(signed.map((e) => canonicalize(e)));

/** A refused input: the expected outcome. */
export class MeshRefusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The one swarm member the core talks to: records handlers, sends nowhere. */
function standInSwarm(): { swarm: SwarmAgentCore; feed: (type: string, payload: SwarmPayload) => void } {
  const handlers = new Map<string, (p: SwarmPayload, from: string) => void>();
  const swarm = {
    on: () => undefined,
    registerMessageHandler: (type: string, h: (p: SwarmPayload, from: string) => void) => void handlers.set(type, h),
    connectedPeers: () => [peerIdOf(alice.agentId)],
    sendToPeer: () => true,
  } as unknown as SwarmAgentCore;
  return { swarm, feed: (type, payload) => handlers.get(type)!(payload, peerIdOf(alice.agentId)) };
}

function inbound(type: typeof WIRE_IFMESSAGE | typeof WIRE_RELAY) {
  return (input: Uint8Array): unknown => {
    const verifier = new EnvelopeVerifier({ keys: (id) => roster.get(id), self: bob.agentId });
    const { swarm, feed } = standInSwarm();
    const core = new MeshAgentCore({
      identity: bob,
      roster,
      bindSessions: false,
      transport: { name: 'none', create: () => { throw new Error('no connections in the fuzz target'); } },
      swarm: () => swarm,
      crypto: { verify: (v) => verifier.verify(v).envelope, bindingOf: () => { throw new Error('unused'); }, verifyBinding: () => undefined },
    });
    const delivered: IFMessage[] = [];
    const refused: string[] = [];
    core.onIFMessage((m) => delivered.push(m));
    core.onRejected((r) => refused.push(r.reason));
    const text = dec.decode(input);
    feed(type, type === WIRE_RELAY ? { type, envelope: text, hops: 1 } : { type, envelope: text });
    for (const m of delivered) if (!genuine.has(canonicalize(m))) throw new Error('delivered an envelope nobody signed');
    if (refused.length) throw new MeshRefusal(refused[0]!);
    if (!delivered.length) {
      // Silently dropped: only a relayed duplicate may be, and a fresh core has seen nothing.
      throw new Error('neither delivered nor refused');
    }
    return delivered[0];
  };
}

const seeds = signed.flatMap((e) => [enc.encode(JSON.stringify(e)), enc.encode(JSON.stringify(e, null, 2))]);
const isExpectedError = (e: unknown) => e instanceof MeshRefusal;

/**
 * The state journal reader (state.ts): any text reads without throwing; what it keeps is
 * well formed and written back reads the same.
 */
function stateJournal(input: Uint8Array): unknown {
  const state = parseMeshState(dec.decode(input), 0);
  for (const d of state.delivered)
    if (!(Number.isSafeInteger(d.sequence) && d.sequence >= 1 && /^[0-9a-f]{24}$/.test(d.nonce) && typeof d.sender === 'string' && d.expiresAt > 0)) throw new Error('kept a malformed delivery record');
  const again = parseMeshState(formatMeshState(state), 0);
  if (again.sequenceReserved !== state.sequenceReserved || again.delivered.length !== state.delivered.length || again.skipped !== 0) throw new Error('the journal does not read back as written');
  return state;
}
const stateSeeds = [
  enc.encode(formatMeshState({ sequenceReserved: 1_764_633_600_000_000, delivered: signed.map((e, i) => ({ sender: e.sender, sequence: e.sequence_num, nonce: e.nonce, expiresAt: 1_764_633_690_000 + i })) })),
  enc.encode('{"r":5}\n{"d":["if://agent/x",1,"00000000000000000000000a",99]}\n{"d":['),
];

export const targets: FuzzTarget[] = [
  { name: 'mesh.state', seeds: stateSeeds, run: stateJournal, isExpectedError: () => false },
  { name: 'mesh.inbound', seeds, run: inbound(WIRE_IFMESSAGE), isExpectedError },
  { name: 'mesh.inbound-relay', seeds, run: inbound(WIRE_RELAY), isExpectedError },
];
