/**
 * MeshAgentCore: a swarm agent (src/swarm) whose every message is a signed IFMessage v2.1
 * envelope (src/envelope) and whose every received message is verified against the key this
 * agent already holds for the sender (its Roster), never the key the message carries.
 *
 * - `sendIFMessage(draft)` seals the draft with the agent's identity (RFC 8032 Ed25519 over
 *   RFC 8785 canonical JSON) and sends it over the data channel to its receiver, or to every
 *   bound peer when the receiver is `if://agent/*`.
 * - `onIFMessage(handler)` is called only with envelopes that passed the EnvelopeVerifier
 *   (pinned key, signature, TTL, replay window and nonce cache, schema, size) and that came
 *   on the data channel of the agent that signed them. Every refusal is counted by reason.
 * - Session binding: as soon as a channel opens, each side sends a signed binding of the
 *   description it sent (its DTLS fingerprint, RFC 8122 section 5) and checks the peer's
 *   against the description it applied (see binding-transport.ts). Until the peer's binding
 *   verified, its messages are held (MAX_PENDING_PER_PEER); after a failed binding, nothing
 *   from that peer is delivered (`unbound-peer`).
 * - The agent joins the signaling room with its identity, so a server with an Ed25519 roster
 *   (the same keys) checks the challenge (docs/signaling.md, Admission).
 */
import { EnvelopeComposer, parseJson, type EnvelopeDraft, type IFMessage, type IFScope, type Signer } from '../envelope/index.js';
import type { SdpBinding } from '../envelope/index.js';
import type { PeerTransport, SwarmAgentCore, SwarmPayload } from '../swarm/index.js';
import { bindingTransport, type BindingTransport, type Description } from './binding-transport.js';
import {
  ACK_CONTENT_KEY,
  ACK_RETRY_MS,
  DELIVERED_SKEW_MS,
  MAX_DELIVERED_REMEMBERED,
  MAX_UNACKNOWLEDGED,
  SEQUENCE_BLOCK,
  SEQUENCE_EPOCH_FACTOR,
  WIRE_ACK,
  BINDING_FAILURE_CODES,
  BINDING_WAIT_MS,
  BROADCAST_RECEIVER,
  DEFAULT_CONVERSATION_ID,
  DEFAULT_SCOPE,
  MAX_MESH_ENVELOPE_BYTES,
  MAX_PENDING_PER_PEER,
  REJECTION_CODES,
  WIRE_BINDING,
  WIRE_IFMESSAGE,
  WIRE_RELAY,
  DEFAULT_RELAY_DEGREE,
  type BindingFailureCode,
  type RejectionCode,
} from './constants.js';
import { MeshError } from './errors.js';
import { agentIdOfPeer, peerIdOf, type KeyRing } from './ids.js';
import { relayNeighbours, RelayRouter } from './relay.js';
import { deliveredKey, type MeshStateStore } from './state.js';

/** What `sendIFMessage` takes: a draft whose conversation and scope default to the agent's. */
export type MeshDraft = Omit<EnvelopeDraft, 'conversation_id' | 'scope'> & { conversation_id?: string; scope?: IFScope };

/**
 * How envelopes and bindings are checked: the EnvelopeVerifier in Node (agent.ts), WebCrypto
 * in a page (web.ts). Refusals throw an error with a stable `code` (EnvelopeError,
 * SdpBindingError).
 */
export interface MeshCrypto {
  /** Verify a parsed envelope against the pinned key of its sender; the verified envelope. */
  verify(value: object): IFMessage | Promise<IFMessage>;
  /** The binding of our own description (fingerprints and SHA-256). */
  bindingOf(description: Description): SdpBinding | Promise<SdpBinding>;
  /** Verify a peer's binding envelope against the description we applied for it. */
  verifyBinding(remote: Description, value: object): unknown;
}

export interface MeshCoreOptions {
  /** The agent's Ed25519 identity (NodeIdentity, WebIdentity; any Signer). Its agent id names it in the room. */
  identity: Signer;
  /** Keys of the room's members, or a Roster. Messages from agents not on it are `unknown-sender`. */
  roster: KeyRing;
  /** The transport the swarm would use; wrapped to record descriptions. */
  transport: PeerTransport;
  /** Makes the swarm agent on the wrapped transport, with the peer id given. */
  swarm: (transport: PeerTransport, peerId: string) => SwarmAgentCore;
  crypto: MeshCrypto;
  /** Check each peer's signed session description against the one applied (default true). */
  bindSessions?: boolean;
  /** Defaults for drafts. */
  conversationId?: string;
  scope?: IFScope;
  /**
   * Relay mode (relay.ts): neighbours per agent (default 4) and hop limit (default 16).
   * `partial`: the swarm is a partial mesh (its `neighbours` option), so a relayed message goes
   * to every bound peer (the overlay already keeps them few) instead of a choice among them.
   */
  relay?: { degree?: number; maxHops?: number; partial?: boolean };
  /**
   * Where sequence numbers and delivered acknowledged messages are kept across restarts
   * (state.ts; `fileMeshState` in Node). Without one, sequence numbers start at the clock
   * epoch (SEQUENCE_EPOCH_FACTOR) and delivered messages are remembered in memory only.
   */
  state?: MeshStateStore;
}

/** What `sendAcknowledged` resolves with once the message is handed over (or queued for its receiver). */
export interface SentMessage {
  envelope: IFMessage;
  /**
   * Resolves when the receiver's signed acknowledgement arrived (verified against its roster
   * key); rejects with MeshError `not-acknowledged` at the deadline (the envelope's TTL at
   * most) or when this agent disconnects.
   */
  acknowledged: Promise<Acknowledgement>;
}

export interface Acknowledgement {
  envelope: IFMessage;
  /** The receiver's signed acknowledgement envelope. */
  ack: IFMessage;
  /** Times the message was handed to the data channel (1: never retransmitted). */
  attempts: number;
  /** From the send call to the verified acknowledgement, ms. */
  ms: number;
}

interface Outgoing {
  envelope: IFMessage;
  text: string;
  peerId: string;
  deadline: number;
  attempts: number;
  lastSentAt: number;
  startedAt: number;
  resolve(a: Acknowledgement): void;
  reject(e: MeshError): void;
}

export type IFMessageHandler = (envelope: IFMessage, from: string) => void;
export interface Rejection {
  /** The swarm peer id of the channel it came on. */
  from: string;
  reason: RejectionCode;
  detail: string;
}

export interface MeshStats {
  agentId: string;
  sent: number;
  accepted: number;
  rejected: { total: number; byReason: Record<RejectionCode, number> };
  bindings: { verified: number; failed: number; byReason: Partial<Record<BindingFailureCode, number>> };
  /** Signing and verifying work, for rates: calls and total milliseconds. */
  signing: { count: number; ms: number };
  verifying: { count: number; ms: number };
  /** Relay mode: copies forwarded and duplicates dropped. */
  relay: { forwarded: number; duplicates: number };
  /** Errors that were not refusals (see onError). */
  faults: number;
  /** Copies not sent because the peer's session binding failed or did not arrive in time. */
  withheld: number;
  /**
   * Acknowledged messages. Sender side: requested, acknowledged, pending, expired (deadline
   * passed), transmissions (copies handed to a channel), retransmitted (copies after the
   * first), unmatched (acknowledgements of nothing pending). Receiver side: sent
   * (acknowledgements signed and sent), duplicates (copies of a delivered message, not
   * delivered again, acknowledged again), remembered (delivered messages kept for that).
   */
  acks: { requested: number; acknowledged: number; pending: number; expired: number; transmissions: number; retransmitted: number; unmatched: number; sent: number; duplicates: number; remembered: number };
}

type BindingState = { state: 'pending'; generation: number; queue: Array<{ payload: SwarmPayload }> } | { state: 'bound' | 'failed'; generation: number; reason?: BindingFailureCode };

const byteLength = (s: string): number => (s.length * 3 <= MAX_MESH_ENVELOPE_BYTES ? s.length : new TextEncoder().encode(s).length);

export class MeshAgentCore {
  readonly swarm: SwarmAgentCore;
  readonly roster: KeyRing;
  readonly #identity: Signer;
  readonly #composer: EnvelopeComposer<Uint8Array | Promise<Uint8Array>>;
  readonly #crypto: MeshCrypto;
  /** Per peer: the verification in flight, so asynchronous checks deliver in arrival order. */
  readonly #chains = new Map<string, Promise<void>>();
  readonly #transport: BindingTransport;
  readonly #bind: boolean;
  readonly #conversation: string;
  readonly #scope: IFScope;
  readonly #handlers = new Set<IFMessageHandler>();
  readonly #rejectionHandlers = new Set<(r: Rejection) => void>();
  readonly #errorHandlers = new Set<(error: unknown) => void>();
  #faults = 0;
  #withheld = 0;
  readonly #bindings = new Map<string, BindingState>();
  /** Our own binding to each peer, sent before anything else on that channel. */
  readonly #ourBinding = new Map<string, Promise<void>>();
  readonly #byReason = Object.fromEntries(REJECTION_CODES.map((c) => [c, 0])) as Record<RejectionCode, number>;
  readonly #bindingFailures: Partial<Record<BindingFailureCode, number>> = {};
  readonly #router: RelayRouter;
  readonly #relayDegree: number;
  #sent = 0;
  #accepted = 0;
  readonly #state: MeshStateStore | undefined;
  #reserved = 0;
  readonly #relayPartial: boolean;
  /** Unacknowledged messages by sequence number. */
  readonly #outbox = new Map<number, Outgoing>();
  /** Delivered acknowledged messages (deliveredKey) -> when a copy would be refused as expired anyway. */
  readonly #delivered = new Map<string, number>();
  #ackTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly #acks = { requested: 0, acknowledged: 0, expired: 0, transmissions: 0, retransmitted: 0, unmatched: 0, sent: 0, duplicates: 0 };
  #bound = 0;
  #failed = 0;
  readonly #signing = { count: 0, ms: 0 };
  readonly #verifying = { count: 0, ms: 0 };

  constructor(options: MeshCoreOptions) {
    if (!options?.identity?.agentId) throw new MeshError('bad-option', 'identity is required');
    const { identity, roster, bindSessions, conversationId, scope, transport } = options;
    this.#identity = identity;
    this.roster = roster;
    this.#crypto = options.crypto;
    this.#bind = bindSessions ?? true;
    this.#relayDegree = options.relay?.degree ?? DEFAULT_RELAY_DEGREE;
    this.#router = new RelayRouter(options.relay?.maxHops !== undefined ? { maxHops: options.relay.maxHops } : {});
    this.#conversation = conversationId ?? DEFAULT_CONVERSATION_ID;
    this.#scope = scope ?? { ...DEFAULT_SCOPE };
    this.#relayPartial = options.relay?.partial ?? false;
    this.#state = options.state;
    const saved = this.#state?.load() ?? { sequenceReserved: 0, delivered: [] };
    this.#reserved = saved.sequenceReserved;
    const now = Date.now();
    for (const d of saved.delivered) if (d.expiresAt > now) this.#delivered.set(deliveredKey(d.sender, d.sequence, d.nonce), d.expiresAt);
    // Above everything sent before: the saved reservation, and the clock epoch without one.
    this.#composer = new EnvelopeComposer(identity, { firstSequence: Math.max(now * SEQUENCE_EPOCH_FACTOR, saved.sequenceReserved + 1) });
    this.#transport = bindingTransport(transport, (peerId, generation) => {
      const old = this.#bindings.get(peerId);
      this.#bindings.set(peerId, { state: 'pending', generation, queue: old?.state === 'pending' ? old.queue : [] });
      this.#ourBinding.delete(peerId);
    });
    this.swarm = options.swarm(this.#transport, peerIdOf(identity.agentId));
    this.swarm.on('peer-connected', ({ peerId }) => {
      if (this.#bind) this.#ourBinding.set(peerId, this.#sendBinding(peerId).catch((e: unknown) => this.#fault(e)));
      else this.#flushOutbox(peerId);
    });
    this.swarm.registerMessageHandler(WIRE_ACK, (payload, from) => this.#onEnvelope(payload, from));
    this.swarm.registerMessageHandler(WIRE_IFMESSAGE, (payload, from) => this.#onEnvelope(payload, from));
    this.swarm.registerMessageHandler(WIRE_RELAY, (payload, from) => this.#onEnvelope(payload, from));
    this.swarm.registerMessageHandler(WIRE_BINDING, (payload, from) => void this.#onBinding(payload, from).catch((e: unknown) => this.#fault(e)));
  }

  get agentId(): string {
    return this.#identity.agentId;
  }

  /** The swarm peer id (the agent id without `if://agent/`). */
  get peerId(): string {
    return peerIdOf(this.#identity.agentId);
  }

  /** Joins the room with the identity (Ed25519 challenge) and connects to every member. */
  async initialize(): Promise<void> {
    await this.swarm.initialize();
  }

  /** Agent ids whose channel is open and (with bindSessions) whose session binding verified. */
  boundPeers(): string[] {
    return this.swarm
      .connectedPeers()
      .filter((p) => !this.#bind || this.#bindings.get(p)?.state === 'bound')
      .map(agentIdOfPeer);
  }

  /** Resolves when `n` peers are bound (channel open, binding verified). */
  waitForBoundPeers(n: number, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.boundPeers().length >= n) return resolve();
        if (Date.now() > end) return reject(new MeshError('not-connected', `${this.boundPeers().length} of ${n} peers bound after ${timeoutMs} ms`));
        setTimeout(check, 20);
      };
      check();
    });
  }

  /**
   * Signs `message` with the agent's identity and sends it to its receiver (one agent), or to
   * every bound peer when the receiver is `if://agent/*`. Resolves with the signed envelope
   * once it is handed to the data channel(s). MeshError `not-connected` when the receiver has
   * no open channel.
   */
  async sendIFMessage(message: MeshDraft): Promise<IFMessage> {
    const draft: EnvelopeDraft = { conversation_id: this.#conversation, scope: this.#scope, ...message } as EnvelopeDraft;
    const targets = draft.receiver === BROADCAST_RECEIVER ? this.swarm.connectedPeers() : [peerIdOf(draft.receiver)];
    if (draft.receiver !== BROADCAST_RECEIVER && !this.swarm.connectedPeers().includes(targets[0]!)) throw new MeshError('not-connected', draft.receiver);
    const envelope = await this.#seal(draft);
    const text = JSON.stringify(envelope);
    let delivered = 0;
    for (const peerId of targets) {
      if (!(await this.#ready(peerId))) {
        this.#withheld++;
        if (draft.receiver !== BROADCAST_RECEIVER) throw new MeshError('not-connected', `${draft.receiver}: its session binding did not verify, nothing is sent to it`);
        continue;
      }
      if (this.swarm.sendToPeer(peerId, { type: WIRE_IFMESSAGE, envelope: text })) delivered++;
    }
    if (draft.receiver !== BROADCAST_RECEIVER && delivered === 0) throw new MeshError('not-connected', draft.receiver);
    this.#sent += delivered;
    return envelope;
  }

  /**
   * Relay mode: signs a message to all (`receiver` must be `if://agent/*`) and sends it only
   * to this agent's relay neighbours (relay.ts), which forward it on; every agent delivers it
   * once, de-duplicated by (sender, sequence). Resolves with the signed envelope.
   */
  async relayIFMessage(message: MeshDraft): Promise<IFMessage> {
    if (message.receiver !== BROADCAST_RECEIVER) throw new MeshError('bad-message', `relayed messages go to ${BROADCAST_RECEIVER}`);
    const draft: EnvelopeDraft = { conversation_id: this.#conversation, scope: this.#scope, ...message } as EnvelopeDraft;
    const envelope = await this.#seal(draft);
    const d = this.#router.accept(envelope.sender, envelope.sequence_num, 0, undefined, this.relayNeighbours());
    this.#sent += await this.#forward(d.forward, JSON.stringify(envelope), d.hops);
    return envelope;
  }

  /**
   * The bound peers this agent relays to (agent ids): over a partial mesh every bound peer,
   * over a full mesh the ring neighbours and hashed long links among them.
   */
  relayNeighbours(): string[] {
    return this.#relayPartial ? this.boundPeers() : relayNeighbours(this.agentId, this.boundPeers(), this.#relayDegree);
  }

  /**
   * Signs `message` (one receiver, on the roster) and sends it asking for an acknowledgement:
   * the receiver delivers it once, records it (the state store), and answers with an envelope
   * it signed, `{ mesh_ack: { sequence_num, nonce } }`. Until that arrives the message is sent
   * again every ACK_RETRY_MS while the receiver's channel is bound, and at once when its channel
   * binds again after a reconnect; a receiver that already delivered it acknowledges again
   * without delivering. Resolves once the message is sealed and handed over or queued (the
   * receiver may be down); `acknowledged` settles later. `timeoutMs` defaults to, and is capped
   * by, the envelope's TTL: a later copy would be refused as expired.
   */
  async sendAcknowledged(message: MeshDraft, options: { timeoutMs?: number } = {}): Promise<SentMessage> {
    if (this.#closed) throw new MeshError('not-connected', 'the agent is disconnected');
    if (message.receiver === BROADCAST_RECEIVER) throw new MeshError('bad-message', 'an acknowledged message has one receiver');
    if (typeof message.receiver !== 'string' || !this.roster.get(message.receiver)) throw new MeshError('not-in-roster', String(message.receiver).slice(0, 64));
    if (this.#outbox.size >= MAX_UNACKNOWLEDGED) throw new MeshError('bad-message', `${MAX_UNACKNOWLEDGED} messages already wait for an acknowledgement`);
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new MeshError('bad-option', 'timeoutMs must be a positive number');
    const draft: EnvelopeDraft = { conversation_id: this.#conversation, scope: this.#scope, ...message } as EnvelopeDraft;
    const envelope = await this.#seal(draft);
    const ttlMs = envelope.ttl * 1000;
    let settle!: Pick<Outgoing, 'resolve' | 'reject'>;
    const acknowledged = new Promise<Acknowledgement>((resolve, reject) => (settle = { resolve, reject }));
    acknowledged.catch(() => undefined); // a caller that never looks does not get an unhandled rejection
    const entry: Outgoing = {
      envelope,
      text: JSON.stringify(envelope),
      peerId: peerIdOf(envelope.receiver),
      deadline: Date.parse(envelope.timestamp) + Math.min(timeoutMs ?? ttlMs, ttlMs),
      attempts: 0,
      lastSentAt: 0,
      startedAt: performance.now(),
      ...settle,
    };
    this.#outbox.set(envelope.sequence_num, entry);
    this.#acks.requested++;
    if (!this.#ackTimer) {
      this.#ackTimer = setInterval(() => this.#ackTick(), ACK_RETRY_MS / 4);
      (this.#ackTimer as { unref?: () => void }).unref?.();
    }
    this.#transmit(entry);
    return { envelope, acknowledged };
  }

  /** Hands an unacknowledged message to its receiver's channel if that is bound; false otherwise. */
  #transmit(e: Outgoing): boolean {
    if (this.#closed || (this.#bind && this.#bindings.get(e.peerId)?.state !== 'bound')) return false;
    let ok: boolean;
    try {
      ok = this.swarm.sendToPeer(e.peerId, { type: WIRE_IFMESSAGE, envelope: e.text, ack: true });
    } catch {
      ok = false; // the swarm is closing
    }
    if (!ok) return false;
    if (e.attempts === 0) this.#sent++;
    else this.#acks.retransmitted++;
    e.attempts++;
    e.lastSentAt = Date.now();
    this.#acks.transmissions++;
    return true;
  }

  /** The receiver's channel (re)bound: everything waiting for it goes now. */
  #flushOutbox(peerId: string): void {
    for (const e of this.#outbox.values()) if (e.peerId === peerId) this.#transmit(e);
  }

  #ackTick(): void {
    const now = Date.now();
    for (const [seq, e] of this.#outbox) {
      if (now > e.deadline) {
        this.#outbox.delete(seq);
        this.#acks.expired++;
        e.reject(new MeshError('not-acknowledged', `${e.envelope.receiver} did not acknowledge sequence ${seq} in time (${e.attempts} transmissions)`));
      } else if (now - e.lastSentAt >= ACK_RETRY_MS) this.#transmit(e);
    }
    this.#forgetExpired(now);
    if (this.#outbox.size === 0) {
      clearInterval(this.#ackTimer);
      this.#ackTimer = undefined;
    }
  }

  /** Delivered records are kept in arrival order, close to expiry order: drop from the front. */
  #forgetExpired(now: number): void {
    for (const [k, expiresAt] of this.#delivered) {
      if (expiresAt > now) break;
      this.#delivered.delete(k);
    }
  }

  /** Records a delivered acknowledged message (memory and the state store) before its acknowledgement goes out. */
  #remember(e: IFMessage): void {
    const expiresAt = Date.parse(e.timestamp) + e.ttl * 1000 + DELIVERED_SKEW_MS;
    this.#forgetExpired(Date.now());
    if (this.#delivered.size >= MAX_DELIVERED_REMEMBERED) this.#delivered.delete(this.#delivered.keys().next().value!);
    this.#delivered.set(deliveredKey(e.sender, e.sequence_num, e.nonce), expiresAt);
    this.#state?.delivered({ sender: e.sender, sequence: e.sequence_num, nonce: e.nonce, expiresAt });
  }

  /** Signs and sends the acknowledgement of `original` back on the channel it came on. */
  async #sendAck(original: Pick<IFMessage, 'sender' | 'sequence_num' | 'nonce' | 'conversation_id'>, peerId: string): Promise<void> {
    try {
      const ack = await this.#seal({ performative: 'inform', receiver: original.sender, conversation_id: original.conversation_id, scope: this.#scope, content: { [ACK_CONTENT_KEY]: { sequence_num: original.sequence_num, nonce: original.nonce } } });
      if (this.swarm.sendToPeer(peerId, { type: WIRE_ACK, envelope: JSON.stringify(ack) })) this.#acks.sent++;
    } catch (error) {
      this.#fault(error);
    }
  }

  /** A verified acknowledgement: settles the message it names, if it is ours and pending for that peer. */
  #onAck(ack: IFMessage, from: string): void {
    const a = ack.content[ACK_CONTENT_KEY] as { sequence_num?: unknown; nonce?: unknown } | undefined;
    if (!a || typeof a !== 'object' || !Number.isSafeInteger(a.sequence_num) || typeof a.nonce !== 'string') return this.#reject(from, 'bad-ack');
    const e = this.#outbox.get(a.sequence_num as number);
    if (!e || e.envelope.nonce !== a.nonce || e.peerId !== from) return void this.#acks.unmatched++;
    this.#outbox.delete(a.sequence_num as number);
    this.#acks.acknowledged++;
    e.resolve({ envelope: e.envelope, ack, attempts: e.attempts, ms: performance.now() - e.startedAt });
  }

  /**
   * Whether `peerId` may be sent to: our own binding went first, and (with bindSessions) the
   * peer's binding verified, waiting up to BINDING_WAIT_MS while it is pending. A peer whose
   * binding failed may be a server in the middle: nothing is sent to it.
   */
  async #ready(peerId: string): Promise<boolean> {
    const ours = this.#ourBinding.get(peerId);
    if (ours) await ours;
    if (!this.#bind) return true;
    const end = Date.now() + BINDING_WAIT_MS;
    for (;;) {
      const b = this.#bindings.get(peerId);
      if (b?.state === 'bound') return true;
      if (!b || b.state === 'failed' || Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Reserves sequence numbers in the state store (a block at a time) before the composer uses one. */
  #reserve(): void {
    if (!this.#state || this.#composer.nextSequence <= this.#reserved) return;
    this.#reserved = this.#composer.nextSequence + SEQUENCE_BLOCK - 1;
    this.#state.reserveSequences(this.#reserved);
  }

  async #seal(draft: EnvelopeDraft): Promise<IFMessage> {
    const t0 = performance.now();
    let envelope: IFMessage;
    try {
      this.#reserve();
      envelope = await this.#composer.seal(draft);
    } catch (error) {
      throw new MeshError('bad-message', error instanceof Error ? error.message : String(error), { cause: error });
    }
    this.#signing.count++;
    this.#signing.ms += performance.now() - t0;
    if (byteLength(JSON.stringify(envelope)) > MAX_MESH_ENVELOPE_BYTES) throw new MeshError('bad-message', `envelope larger than ${MAX_MESH_ENVELOPE_BYTES} bytes`);
    return envelope;
  }

  async #forward(agentIds: string[], text: string, hops: number): Promise<number> {
    let sent = 0;
    for (const id of agentIds) {
      const peerId = peerIdOf(id);
      if (!(await this.#ready(peerId))) {
        this.#withheld++;
        continue;
      }
      if (this.swarm.sendToPeer(peerId, { type: WIRE_RELAY, envelope: text, hops })) sent++;
    }
    return sent;
  }

  /** Calls `handler(envelope, fromAgentId)` with every verified envelope; returns an unsubscribe function. */
  onIFMessage(handler: IFMessageHandler): () => void {
    this.#handlers.add(handler);
    return () => void this.#handlers.delete(handler);
  }

  /**
   * Calls `handler` with errors that are not refusals: a message handler that threw on the
   * asynchronous (WebCrypto) path, a session binding this agent could not make. Counted in
   * `getStats().faults` either way.
   */
  onError(handler: (error: unknown) => void): () => void {
    this.#errorHandlers.add(handler);
    return () => void this.#errorHandlers.delete(handler);
  }

  #fault(error: unknown): void {
    this.#faults++;
    for (const h of this.#errorHandlers) h(error);
  }

  /** Calls `handler` with every refused message (reason and detail). */
  onRejected(handler: (rejection: Rejection) => void): () => void {
    this.#rejectionHandlers.add(handler);
    return () => void this.#rejectionHandlers.delete(handler);
  }

  getStats(): MeshStats {
    const total = Object.values(this.#byReason).reduce((a, b) => a + b, 0);
    return {
      agentId: this.agentId,
      sent: this.#sent,
      accepted: this.#accepted,
      rejected: { total, byReason: { ...this.#byReason } },
      bindings: { verified: this.#bound, failed: this.#failed, byReason: { ...this.#bindingFailures } },
      signing: { ...this.#signing },
      verifying: { ...this.#verifying },
      relay: { forwarded: this.#router.stats().forwarded, duplicates: this.#router.stats().duplicates },
      faults: this.#faults,
      withheld: this.#withheld,
      acks: { ...this.#acks, pending: this.#outbox.size, remembered: this.#delivered.size },
    };
  }

  /** Closes the swarm; messages still waiting for an acknowledgement reject `not-acknowledged`. */
  async disconnect(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#ackTimer);
    this.#ackTimer = undefined;
    for (const e of this.#outbox.values()) e.reject(new MeshError('not-acknowledged', `the agent disconnected before ${e.envelope.receiver} acknowledged sequence ${e.envelope.sequence_num}`));
    this.#outbox.clear();
    await this.swarm.disconnect();
  }

  // ---- inbound ----

  #reject(from: string, reason: RejectionCode, detail = ''): void {
    this.#byReason[reason]++;
    for (const h of this.#rejectionHandlers) h({ from, reason, detail });
  }

  #onEnvelope(payload: SwarmPayload, from: string): void {
    if (this.#bind) {
      const b = this.#bindings.get(from);
      if (!b || b.state === 'failed') return this.#reject(from, 'unbound-peer', b?.reason ?? 'no connection');
      if (b.state === 'pending') {
        if (b.queue.length >= MAX_PENDING_PER_PEER) return this.#reject(from, 'pending-overflow');
        b.queue.push({ payload });
        return;
      }
    }
    this.#deliver(payload, from);
  }

  #deliver(payload: SwarmPayload, from: string): void {
    const text = payload.envelope;
    const relayed = payload.type === WIRE_RELAY;
    const isAck = payload.type === WIRE_ACK;
    const wantsAck = payload.type === WIRE_IFMESSAGE && payload.ack === true;
    const hops = payload.hops;
    if (typeof text !== 'string') return this.#reject(from, 'bad-wire', 'envelope is not a string');
    if (relayed && !(Number.isSafeInteger(hops) && (hops as number) >= 1)) return this.#reject(from, 'bad-wire', 'hops is not a whole number >= 1');
    if (relayed && (hops as number) > this.#router.maxHops) return this.#reject(from, 'too-many-hops', String(hops));
    if (byteLength(text) > MAX_MESH_ENVELOPE_BYTES) return this.#reject(from, 'too-large');
    const t0 = performance.now();
    const done = () => {
      this.#verifying.count++;
      this.#verifying.ms += performance.now() - t0;
    };
    let value: unknown;
    // A copy of an acknowledged message this agent already delivered: the verifier refuses it
    // as a replay (after its signature verified), or, after a restart, passes it; either way
    // it is not delivered again, and acknowledged again (the first acknowledgement may be lost).
    const duplicate = (e: { sender?: unknown; sequence_num?: unknown; nonce?: unknown }): boolean => {
      if (!wantsAck || !this.#delivered.has(deliveredKey(String(e.sender), Number(e.sequence_num), String(e.nonce)))) return false;
      this.#acks.duplicates++;
      void this.#sendAck(e as IFMessage, from);
      return true;
    };
    const refuse = (error: unknown) => {
      done();
      const code = (error as { code?: unknown } | null)?.code;
      if ((code === 'replayed-sequence' || code === 'replayed-nonce' || code === 'stale-sequence') && duplicate(value as object)) return;
      this.#refused(from, error);
    };
    let verified: IFMessage | Promise<IFMessage>;
    try {
      value = parseJson(text);
      // A message signed by another agent never counts on this channel, and never reaches the
      // verifier: otherwise a peer could burn another agent's sequence numbers and nonces.
      const sender = value !== null && typeof value === 'object' ? (value as { sender?: unknown }).sender : undefined;
      if (relayed) {
        // Relayed: any roster member may be the sender (the signature says who). A copy
        // already delivered is dropped before the (costly) verification.
        const seq = (value as { sequence_num?: unknown }).sequence_num;
        if (typeof sender === 'string' && typeof seq === 'number' && this.#router.seen(sender, seq)) return;
      } else if (typeof sender === 'string' && sender !== agentIdOfPeer(from)) return this.#reject(from, 'wrong-channel', sender.slice(0, 64));
      verified = this.#crypto.verify(value as object);
    } catch (error) {
      return refuse(error);
    }
    const accept = (envelope: IFMessage) => {
      done();
      if (isAck) return this.#onAck(envelope, from);
      if (duplicate(envelope)) return;
      if (relayed) {
        const d = this.#router.accept(envelope.sender, envelope.sequence_num, hops as number, agentIdOfPeer(from), this.relayNeighbours());
        if (d.duplicate) return;
        void this.#forward(d.forward.filter((id) => id !== envelope.sender), text, d.hops);
      }
      this.#accepted++;
      if (!wantsAck) {
        for (const h of this.#handlers) h(envelope, envelope.sender);
        return;
      }
      // Handed to the application, then recorded, then acknowledged: a message is never
      // acknowledged before the application had it.
      try {
        for (const h of this.#handlers) h(envelope, envelope.sender);
      } finally {
        this.#remember(envelope);
        void this.#sendAck(envelope, from);
      }
    };
    if (!(verified instanceof Promise)) return accept(verified);
    // WebCrypto verifies asynchronously: chain per peer so messages are delivered in order.
    const chain = (this.#chains.get(from) ?? Promise.resolve())
      .then(() => verified.then(accept, refuse))
      .catch((e: unknown) => this.#fault(e));
    this.#chains.set(from, chain);
  }

  /** A refusal with a stable code is counted; anything else is a bug and is thrown. */
  #refused(from: string, error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (REJECTION_CODES as readonly string[]).includes(code)) return this.#reject(from, code as RejectionCode, (error as Error).message);
    throw error;
  }

  async #sendBinding(peerId: string): Promise<void> {
    const local = this.#transport.descriptions(peerId)?.local;
    if (!local) throw new MeshError('bad-message', `no local description to bind for ${peerId}`);
    this.#reserve();
    const binding = await this.#composer.seal({
      performative: 'inform',
      receiver: agentIdOfPeer(peerId),
      conversation_id: this.#conversation,
      scope: this.#scope,
      content: { sdp_binding: { ...(await this.#crypto.bindingOf(local)) } },
    });
    this.swarm.sendToPeer(peerId, { type: WIRE_BINDING, binding: JSON.stringify(binding) });
  }

  async #onBinding(payload: SwarmPayload, from: string): Promise<void> {
    const b = this.#bindings.get(from);
    if (!b || b.state !== 'pending') return;
    const remote = this.#transport.descriptions(from)?.remote;
    try {
      if (typeof payload.binding !== 'string' || byteLength(payload.binding) > MAX_MESH_ENVELOPE_BYTES) throw Object.assign(new Error('bad binding'), { code: 'bad-wire' });
      if (!remote) return this.#bindingFailed(from, 'no-description');
      const value = parseJson(payload.binding) as { sender?: unknown };
      if (value?.sender !== agentIdOfPeer(from)) throw Object.assign(new Error('binding from another agent'), { code: 'sender-mismatch' });
      await this.#crypto.verifyBinding(remote, value);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      return this.#bindingFailed(from, (BINDING_FAILURE_CODES as readonly unknown[]).includes(code) ? (code as BindingFailureCode) : 'bad-wire');
    }
    if (this.#bindings.get(from) !== b) return; // a new connection replaced this one meanwhile
    this.#bound++;
    this.#bindings.set(from, { state: 'bound', generation: b.generation });
    for (const { payload: p } of b.queue) this.#deliver(p, from);
    this.#flushOutbox(from);
  }

  #bindingFailed(peerId: string, reason: BindingFailureCode): void {
    const b = this.#bindings.get(peerId);
    this.#failed++;
    this.#bindingFailures[reason] = (this.#bindingFailures[reason] ?? 0) + 1;
    if (b?.state === 'pending') for (const _ of b.queue) this.#reject(peerId, 'unbound-peer', reason);
    this.#bindings.set(peerId, { state: 'failed', generation: b?.generation ?? 0, reason });
  }
}

