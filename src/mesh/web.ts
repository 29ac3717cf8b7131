/**
 * The mesh in a browser page (no Node module in its import graph once bundled; see
 * harness/pages/mesh-page.ts): `WebMeshAgent` is MeshAgentCore on the page's own
 * RTCPeerConnection, signing with a WebCrypto Ed25519 identity (non-extractable key) and
 * checking what it receives with `WebEnvelopeChecker`.
 *
 * WebEnvelopeChecker makes the checks that decide who a message is from, in the Node
 * verifier's order and with its codes: `signed_fields`, RFC 8785 canonical bytes, the pinned
 * key of the sender (`unknown-sender`, `key-mismatch`; ids are derived from the pinned keys,
 * so a sender id not derived from its key is `unknown-sender`), the Ed25519 signature with
 * WebCrypto (`bad-signature`), the receiver, TTL with 30 s skew (`expired`, `from-future`),
 * and replay by (sender, sequence) and by nonce. Not the JSON Schema (ajv runs in Node only):
 * a page checks the fields it relies on and refuses anything else as `schema-invalid`.
 */
import {
  agentIdOfWeb,
  formatPublicKey,
  fromHex,
  sha256Web,
  signedFieldsOf,
  signingBytes,
  toHex,
  verifyEd25519Web,
  type AsyncSigner,
  type IFMessage,
} from '../envelope/index.js';
import { browserTransport, SwarmAgentCore, type SwarmAgentOptions } from '../swarm/index.js';
import type { Description } from './binding-transport.js';
import { BROADCAST_RECEIVER } from './constants.js';
import { MeshAgentCore, type MeshCoreOptions } from './core.js';
import type { KeyRing } from './ids.js';

const SKEW_MS = 30_000;
const MAX_REMEMBERED = 100_000;

/** Every `a=fingerprint` of a description (RFC 8122 section 5), `<function> <HEX>` sorted, as the Node binding writes them. */
export function fingerprintLines(sdp: string): string[] {
  const out = new Set<string>();
  for (const m of sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)) out.add(`${m[1]!.toLowerCase()} ${m[2]!.toUpperCase()}`);
  return [...out].sort();
}

function fail(code: string, detail?: string): never {
  throw Object.assign(new Error(detail ? `${code}: ${detail}` : code), { code });
}

/** Pinned keys by agent id, ids derived with WebCrypto SHA-256. */
export class WebKeyRing implements KeyRing {
  readonly #keys = new Map<string, Uint8Array>();
  static async from(keys: Iterable<Uint8Array>): Promise<WebKeyRing> {
    const ring = new WebKeyRing();
    for (const k of keys) ring.#keys.set(await agentIdOfWeb(k), k);
    return ring;
  }
  get(agentId: string): Uint8Array | undefined {
    return this.#keys.get(agentId);
  }
}

export class WebEnvelopeChecker {
  readonly #keys: KeyRing;
  readonly #self: string;
  readonly #seen = new Set<string>();

  constructor(keys: KeyRing, self: string) {
    this.#keys = keys;
    this.#self = self;
  }

  async verify(value: object): Promise<IFMessage> {
    const e = value as Partial<IFMessage> & Record<string, unknown>;
    if (!('signature' in e)) fail('unsigned');
    const s = e.signature as Partial<IFMessage['signature']> | undefined;
    const strings = [e.sender, e.receiver, e.nonce, e.timestamp, e.performative, e.conversation_id, s?.public_key, s?.signature_bytes];
    if (!s || typeof s !== 'object' || strings.some((x) => typeof x !== 'string') || !Number.isSafeInteger(e.sequence_num) || typeof e.ttl !== 'number' || !Array.isArray(s.signed_fields) || typeof e.content !== 'object' || e.content === null)
      fail('schema-invalid');
    const sig = /^ed25519:[0-9a-f]{128}$/.test(s.signature_bytes!) ? fromHex(s.signature_bytes!.slice(8)) : undefined;
    if (!sig) fail('schema-invalid', '/signature/signature_bytes');
    const expected = signedFieldsOf(e);
    if (s.signed_fields!.length !== expected.length || s.signed_fields!.some((f, i) => f !== expected[i])) fail('signed-fields');
    const bytes = signingBytes(e); // EnvelopeError not-canonicalizable
    const key = this.#keys.get(e.sender!);
    if (!key) fail('unknown-sender', e.sender!.slice(0, 64));
    if (s.public_key !== formatPublicKey(key)) fail('key-mismatch');
    if (!(await verifyEd25519Web(key, bytes, sig))) fail('bad-signature');
    if (e.receiver !== this.#self && e.receiver !== BROADCAST_RECEIVER) fail('wrong-receiver');
    const sent = Date.parse(e.timestamp!);
    const now = Date.now();
    if (Number.isNaN(sent)) fail('schema-invalid', '/timestamp');
    if (now > sent + e.ttl! * 1000 + SKEW_MS) fail('expired');
    if (sent > now + SKEW_MS) fail('from-future');
    const seq = `${e.sender} #${e.sequence_num}`;
    const nonce = `${e.sender} n${e.nonce}`;
    if (this.#seen.has(seq)) fail('replayed-sequence');
    if (this.#seen.has(nonce)) fail('replayed-nonce');
    // Oldest first out (a Set keeps insertion order), never all at once.
    while (this.#seen.size >= MAX_REMEMBERED) this.#seen.delete(this.#seen.values().next().value!);
    this.#seen.add(seq).add(nonce);
    return e as IFMessage;
  }

  async bindingOf(d: Description): Promise<{ type: 'offer' | 'answer'; fingerprints: string[]; sdp_sha256: string }> {
    const fingerprints = fingerprintLines(d.sdp);
    if (!fingerprints.length) fail('no-fingerprint');
    return { type: d.type, fingerprints, sdp_sha256: toHex(await sha256Web(new TextEncoder().encode(d.sdp))) };
  }

  async verifyBinding(remote: Description, value: object): Promise<void> {
    const envelope = await this.verify(value);
    const signed = envelope.content.sdp_binding as { type?: unknown; fingerprints?: unknown; sdp_sha256?: unknown } | undefined;
    if (!signed || !Array.isArray(signed.fingerprints) || typeof signed.sdp_sha256 !== 'string') fail('not-a-binding');
    if (signed.type !== remote.type) fail('type-mismatch');
    const now = await this.bindingOf(remote);
    if (now.fingerprints.join('\n') !== signed.fingerprints.join('\n')) fail('fingerprint-mismatch');
    if (now.sdp_sha256 !== signed.sdp_sha256) fail('sdp-mismatch');
  }
}

export interface WebMeshAgentOptions extends Omit<SwarmAgentOptions, 'transport' | 'peerId' | 'identity' | 'bindAddress'>, Pick<MeshCoreOptions, 'bindSessions' | 'conversationId' | 'scope' | 'relay' | 'state'> {
  identity: AsyncSigner;
  /** Raw 32-byte public keys of the room's members. */
  roster: Uint8Array[];
  transport?: SwarmAgentOptions['transport'];
}

/** The mesh agent in a page. `await WebMeshAgent.create(options)`, then `initialize()`. */
export class WebMeshAgent extends MeshAgentCore {
  readonly checker: WebEnvelopeChecker;

  private constructor(options: WebMeshAgentOptions, ring: WebKeyRing) {
    const { identity, roster: _keys, bindSessions, conversationId, scope, relay, state, transport, ...swarmOptions } = options;
    const checker = new WebEnvelopeChecker(ring, identity.agentId);
    super({
      identity,
      roster: ring,
      transport: transport ?? browserTransport(),
      swarm: (t, peerId) => new SwarmAgentCore({ ...swarmOptions, peerId, identity, transport: t, WebSocket: swarmOptions.WebSocket ?? globalThis.WebSocket }),
      crypto: { verify: (v) => checker.verify(v), bindingOf: (d) => checker.bindingOf(d), verifyBinding: (r, v) => checker.verifyBinding(r, v) },
      ...(bindSessions !== undefined ? { bindSessions } : {}),
      ...(conversationId !== undefined ? { conversationId } : {}),
      ...(scope !== undefined ? { scope } : {}),
      ...(relay !== undefined ? { relay } : {}),
      ...(state !== undefined ? { state } : {}),
    });
    this.checker = checker;
  }

  static async create(options: WebMeshAgentOptions): Promise<WebMeshAgent> {
    return new WebMeshAgent(options, await WebKeyRing.from(options.roster));
  }
}

export { WebIdentity, toBase64, fromBase64 } from '../envelope/index.js';
