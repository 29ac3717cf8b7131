/**
 * SwarmAgent: joins a room on a signaling server (src/signaling), connects to every other
 * member over a WebRTC data channel (full mesh; RFC 8831), and runs the swarm's protocols on
 * that channel: messages, heartbeats and round trips, artifact transfer in SHA-256-checked
 * chunks (FIPS 180-4), task delegation, knowledge sharing and consensus votes. The peer
 * connection sits behind {@link PeerTransport}, so the same code runs on node-datachannel and
 * in a browser page.
 */
import { TypedEmitter } from '../datachannel/index.js';
import { SignalingClient, type Joined, type Metadata, type SignalingClientOptions, type SignalingStatus } from '../signaling/index.js';
import { ArtifactReceiver, sha256Hex, type Artifact } from './artifacts.js';
import {
  CHUNK_BYTES,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_CONSENSUS_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_MAX_ARTIFACT_BYTES,
  DEFAULT_MAX_CONCURRENT_TASKS,
  DEFAULT_MAX_MESSAGES_PER_SECOND,
  DEFAULT_PRUNE_AFTER_MS,
  DEFAULT_QUORUM,
  DEFAULT_RETRY,
  DEFAULT_SIGNALING_URL,
  DEFAULT_TASK_TIMEOUT_MS,
  MAX_CONTROL_BYTES,
  MAX_NAME_CHARS,
  MAX_TYPE_CHARS,
  Messages,
} from './constants.js';
import { SwarmError, SwarmMessageError, TaskError } from './errors.js';
import { PeerLink, type SignalOut } from './link.js';
import { decodeChunkFrame, decodeControl, encodeChunkFrame, encodeControl, toHex, utf8Length, type ControlMessage, type KnowledgeItem, type Vote } from './protocol.js';
import { RttRing, Traffic, type RttSummary, type TrafficCounters } from './stats.js';
import { Topology } from './topology.js';
import type { PeerTransport } from './transport.js';

export type PeerStatus = 'connecting' | 'connected' | 'disconnected' | 'retrying';

/** One row of the peer table. */
export interface PeerEntry {
  peerId: string;
  status: PeerStatus;
  /** What the peer announced (signaling metadata and `updateCapabilities`). */
  capabilities: Record<string, unknown>;
  /** Date.now() of the last message on its data channel (0: never). */
  lastSeen: number;
  /** Date.now() when its channel last opened (0: never). */
  connectedAt: number;
  /** Whether the signaling server lists the peer in our room. */
  inRoom: boolean;
}

/** A user message: an object with a `type` handlers are registered for. */
export interface SwarmPayload {
  type: string;
  [key: string]: unknown;
}

export interface TaskContext {
  from: string;
  taskId: string;
  /** Aborted when the requester cancels or times out, or its channel closes. */
  signal: AbortSignal;
  /** Reports progress in 0..1 to the requester. */
  progress(value: number, note?: string): void;
}
export type TaskExecutor = (input: unknown, ctx: TaskContext) => unknown;

export interface DelegateOptions {
  timeoutMs?: number;
  onProgress?: (progress: number, note?: string) => void;
}

export interface ConsensusOptions {
  /** Share (0, 1] of the electorate that must vote `yes` (default 0.5). */
  quorum?: number;
  timeoutMs?: number;
}

export interface ConsensusResult {
  id: string;
  proposal: unknown;
  accepted: boolean;
  /** `yes` votes needed: ceil(quorum x electorate). */
  required: number;
  /** Connected room members when the request was made. */
  electorate: string[];
  votes: Record<string, Vote>;
  yes: string[];
  no: string[];
  abstain: string[];
  noAnswer: string[];
}

export type VoteHandler = (proposal: unknown, from: string) => Vote | Promise<Vote>;
export type KnowledgeHandler = (item: KnowledgeItem, from: string) => void;
export type KnowledgeValidator = (item: KnowledgeItem, from: string) => boolean;
export type MessageHandler = (payload: SwarmPayload, from: string) => void;
export type ArtifactHandler = (artifact: Artifact) => void;

export interface SwarmAgentOptions {
  transport: PeerTransport;
  /** Signaling server URL (default ws://localhost:8000/signaling). */
  url?: string;
  room: string;
  /** Our peer id (default: `agent-` and 12 random hex digits). */
  peerId?: string;
  capabilities?: Record<string, unknown>;
  token?: string;
  identity?: SignalingClientOptions['identity'];
  /** STUN/TURN server URLs for new connections. */
  iceServers?: string[];
  /** Bind ICE to one address (node only; tests use 127.0.0.1). */
  bindAddress?: string;
  heartbeatMs?: number;
  pruneAfterMs?: number;
  connectTimeoutMs?: number;
  retry?: { initialDelayMs: number; maxDelayMs: number };
  /** Signaling reconnect backoff (the client's option). */
  reconnect?: SignalingClientOptions['reconnect'];
  /** Who offers when a member joins: the joiner (default) or both ends at once. */
  initiator?: 'joiner' | 'both';
  /**
   * Partial mesh: connect only to a few neighbours instead of every member. Each member
   * chooses its two ring neighbours and `neighbours - 2` more by rendezvous hash over the
   * room's member ids (topology.ts); a pair is connected when either end chose the other, so
   * the overlay is connected and has at most N x neighbours connections. Unset: full mesh.
   */
  neighbours?: number;
  maxArtifactBytes?: number;
  maxMessagesPerSecond?: number;
  maxConcurrentTasks?: number;
  /** The browser's WebSocket in a page (passed to the signaling client). */
  WebSocket?: SignalingClientOptions['WebSocket'];
}

export interface SwarmAgentEvents {
  'peer-joined': { peerId: string; capabilities: Record<string, unknown> };
  'peer-connected': { peerId: string };
  'peer-left': { peerId: string; reason: 'silent' | 'left' };
  'peer-updated': { peerId: string; capabilities: Record<string, unknown> };
  message: { from: string; payload: SwarmPayload };
  artifact: Artifact;
  knowledge: { from: string; item: KnowledgeItem };
  'invalid-message': { from: string; error: SwarmMessageError };
  'signaling-status': { status: SignalingStatus };
  error: SwarmError | Error;
}

export interface SwarmStats {
  peerId: string | undefined;
  peers: Record<PeerStatus, number>;
  messagesIn: Record<string, TrafficCounters>;
  messagesOut: Record<string, TrafficCounters>;
  rejected: Record<string, number>;
  rtt: Record<string, RttSummary>;
  tasks: { delegated: number; completed: number; failed: number; timedOut: number; refused: number; pending: number; executed: number };
  reconnections: { signaling: number; peers: number };
  connections: { sessions: number; offers: number; collisions: number; retries: number; candidateErrors: number; offersIgnored: number };
  pruned: number;
  handlers: number;
}

interface PeerState {
  entry: PeerEntry;
  link: PeerLink;
  rtt: RttRing;
  pings: Map<number, { sentAt: number; resolve?: (ms: number) => void }>;
  lastPingAt: number;
  window: { start: number; count: number };
  receiver: ArtifactReceiver;
}

interface PendingTask {
  peerId: string;
  resolve(value: unknown): void;
  reject(error: TaskError): void;
  timer: ReturnType<typeof setTimeout>;
  onProgress?: DelegateOptions['onProgress'];
}

interface PendingConsensus {
  electorate: Set<string>;
  votes: Map<string, Vote>;
  finish(): void;
}

interface PendingArtifact {
  resolve(v: { sha256: string }): void;
  reject(e: SwarmError): void;
  peerId: string;
}

function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return toHex(b);
}

function checkName(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max) throw new SwarmError('bad-option', Messages.badOption(`${what} must be a string of 1..${max} characters`));
  return value;
}

export class SwarmAgent extends TypedEmitter<SwarmAgentEvents> {
  readonly #options: SwarmAgentOptions;
  readonly #transport: PeerTransport;
  #client: SignalingClient | undefined;
  #peerId: string;
  #capabilities: Record<string, unknown>;
  #iceServers: string[];
  readonly #peers = new Map<string, PeerState>();
  readonly #handlers = new Map<string, Set<MessageHandler>>();
  readonly #executors = new Map<string, TaskExecutor>();
  readonly #knowledgeHandlers = new Set<KnowledgeHandler>();
  readonly #knowledgeValidators = new Set<KnowledgeValidator>();
  readonly #artifactHandlers = new Set<ArtifactHandler>();
  #voteHandler: VoteHandler | undefined;
  readonly #pendingTasks = new Map<string, PendingTask>();
  readonly #running = new Map<string, { from: string; abort: AbortController }>();
  readonly #consensus = new Map<string, PendingConsensus>();
  readonly #artifacts = new Map<string, PendingArtifact>();
  readonly #traffic = new Traffic();
  readonly #tasks = { delegated: 0, completed: 0, failed: 0, timedOut: 0, refused: 0, executed: 0 };
  #peerRetries = 0;
  #peerReconnections = 0;
  #pruned = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #pingSeq = 0;
  #state: 'new' | 'running' | 'closed' = 'new';
  readonly #topology: Topology | undefined;
  /** Partial mesh: the members this agent links to (recomputed when the room changes). */
  #linked = new Set<string>();
  #offersIgnored = 0;

  constructor(options: SwarmAgentOptions) {
    super();
    if (!options || !options.transport) throw new SwarmError('bad-option', Messages.badOption('transport is required'));
    this.#options = options;
    this.#transport = options.transport;
    this.#peerId = options.peerId ?? `agent-${randomHex(6)}`;
    this.#capabilities = { ...(options.capabilities ?? {}) };
    this.#iceServers = [...(options.iceServers ?? [])];
    if (options.neighbours !== undefined && !(Number.isInteger(options.neighbours) && options.neighbours >= 1)) throw new SwarmError('bad-option', Messages.badOption('neighbours must be a whole number >= 1'));
    this.#topology = options.neighbours !== undefined ? new Topology(options.neighbours) : undefined;
    for (const [k, v] of [['heartbeatMs', options.heartbeatMs], ['pruneAfterMs', options.pruneAfterMs], ['connectTimeoutMs', options.connectTimeoutMs]] as const)
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new SwarmError('bad-option', Messages.badOption(`${k} must be a positive number`));
  }

  get peerId(): string {
    return this.#peerId;
  }

  /** Joins the room and starts connecting to every member. Resolves once joined. */
  async initialize(): Promise<Joined> {
    if (this.#state === 'closed') throw new SwarmError('disconnected', Messages.disconnected);
    if (this.#client) throw new SwarmError('bad-option', Messages.badOption('initialize() was already called'));
    this.#state = 'running';
    const client = new SignalingClient({
      url: this.#options.url ?? DEFAULT_SIGNALING_URL,
      room: this.#options.room,
      peerId: this.#peerId,
      metadata: this.#capabilities as Metadata,
      ...(this.#options.token !== undefined ? { token: this.#options.token } : {}),
      ...(this.#options.identity ? { identity: this.#options.identity } : {}),
      ...(this.#options.reconnect !== undefined ? { reconnect: this.#options.reconnect } : {}),
      ...(this.#options.WebSocket ? { WebSocket: this.#options.WebSocket } : {}),
    });
    this.#client = client;
    this.#wireSignaling(client);
    const heartbeat = this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#timer = setInterval(() => this.#tick(), Math.min(heartbeat, (this.#options.pruneAfterMs ?? DEFAULT_PRUNE_AFTER_MS) / 4));
    (this.#timer as { unref?: () => void }).unref?.();
    try {
      return await client.connect();
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  // ---- signaling ----

  #wireSignaling(client: SignalingClient): void {
    client.on('joined', (joined) => this.#onJoined(joined));
    client.on('peer-joined', ({ peerId, metadata }) => {
      const p = this.#peer(peerId, metadata);
      p.entry.inRoom = true;
      this.emit('peer-joined', { peerId, capabilities: p.entry.capabilities });
      this.#rebalance(peerId);
      if (!this.#isLinked(peerId)) return;
      if (p.link.status === 'idle' || p.link.status === 'retrying') {
        if (this.#options.initiator === 'both') p.link.start();
        else p.link.expect();
      }
    });
    client.on('peer-left', ({ peerId }) => {
      const p = this.#peers.get(peerId);
      if (!p) return;
      p.entry.inRoom = false;
      // An open channel outlives the peer's signaling connection; the heartbeat decides.
      if (p.link.status !== 'open') this.#remove(peerId, 'left');
      this.#rebalance();
    });
    client.on('offer', ({ from, sdp }) => {
      // Partial mesh: an offer from a member we do not link to (its view of the room is behind
      // or ahead of ours) is ignored; it stops trying once both views agree.
      if (this.#topology && this.#peers.has(from) && !this.#isLinked(from)) return void this.#offersIgnored++;
      void this.#peer(from).link.handleOffer(sdp);
    });
    client.on('answer', ({ from, sdp }) => void this.#peers.get(from)?.link.handleAnswer(sdp));
    client.on('ice-candidate', ({ from, candidate, mid }) => {
      if (candidate) this.#peers.get(from)?.link.handleCandidate(candidate, mid);
    });
    client.on('announce', ({ from, metadata }) => {
      const p = this.#peers.get(from);
      if (!p) return;
      p.entry.capabilities = { ...metadata };
      this.emit('peer-updated', { peerId: from, capabilities: p.entry.capabilities });
    });
    client.on('error', (e) => this.emit('error', e));
    for (const ev of ['disconnected', 'reconnecting'] as const) client.on(ev, () => this.emit('signaling-status', { status: client.status }));
  }

  #onJoined(joined: Joined): void {
    if (this.#client?.peerId) this.#peerId = this.#client.peerId;
    this.emit('signaling-status', { status: 'joined' });
    const present = new Set(joined.peers.map((p) => p.peerId));
    const joinedPeers: PeerState[] = [];
    for (const { peerId, metadata } of joined.peers) {
      if (peerId === this.#peerId) continue;
      const known = this.#peers.has(peerId);
      const p = this.#peer(peerId, metadata);
      p.entry.inRoom = true;
      joinedPeers.push(p);
      if (!known) this.emit('peer-joined', { peerId, capabilities: p.entry.capabilities });
    }
    for (const [peerId, p] of this.#peers) {
      if (present.has(peerId)) continue;
      p.entry.inRoom = false;
      if (p.link.status !== 'open') this.#remove(peerId, 'left');
    }
    this.#relink();
    for (const p of joinedPeers) {
      // We are the joiner: we offer to everyone (or every neighbour) not already connected (a rejoin renegotiates what broke).
      if (!this.#isLinked(p.entry.peerId)) continue;
      if (p.link.status === 'idle') p.link.start();
      else if (p.link.status === 'retrying') p.link.retryNow('signaling back');
    }
    this.#rebalance(undefined, new Set(joinedPeers.map((p) => p.entry.peerId)));
  }

  // ---- partial mesh (topology.ts) ----

  /** Whether this agent connects to `peerId`: always in a full mesh; a neighbour in a partial one. */
  #isLinked(peerId: string): boolean {
    return !this.#topology || this.#linked.has(peerId);
  }

  /** Recomputes the neighbour set from the members in the room. */
  #relink(): void {
    if (!this.#topology) return;
    const members = [...this.#peers.values()].filter((p) => p.entry.inRoom).map((p) => p.entry.peerId);
    this.#linked = new Set(this.#topology.linked(this.#peerId, members));
  }

  /**
   * Partial mesh, after the room changed: drops links to members that are no longer
   * neighbours, and starts links to members that became neighbours (the larger id offers,
   * the smaller waits for it; `skip`: members someone else is already offering to).
   */
  #rebalance(joiner?: string, skip?: Set<string>): void {
    if (!this.#topology) return;
    this.#relink();
    for (const [peerId, p] of this.#peers) {
      if (!p.entry.inRoom) continue;
      const s = p.link.status;
      if (this.#linked.has(peerId)) {
        if (s === 'idle' && peerId !== joiner && !skip?.has(peerId)) {
          if (this.#peerId > peerId) p.link.start();
          else p.link.expect();
        }
      } else if (s !== 'idle' && s !== 'closed') p.link.drop('not a neighbour');
    }
  }

  /**
   * The members this agent connects to: every member of the room in a full mesh, its
   * neighbours in a partial one (`neighbours`).
   */
  linkedPeers(): string[] {
    const inRoom = [...this.#peers.values()].filter((p) => p.entry.inRoom).map((p) => p.entry.peerId);
    return this.#topology ? inRoom.filter((id) => this.#linked.has(id)).sort() : inRoom.sort();
  }

  #signal(peerId: string, m: SignalOut): void {
    const client = this.#client;
    if (!client) return;
    if (m.type === 'ice-candidate') client.send({ type: 'ice-candidate', to: peerId, candidate: m.candidate, mid: m.mid });
    else client.send({ type: m.type, to: peerId, sdp: m.sdp });
  }

  // ---- peer table ----

  #peer(peerId: string, metadata?: Metadata): PeerState {
    let p = this.#peers.get(peerId);
    if (p) {
      if (metadata) p.entry.capabilities = { ...metadata };
      return p;
    }
    const entry: PeerEntry = { peerId, status: 'connecting', capabilities: { ...(metadata ?? {}) }, lastSeen: 0, connectedAt: 0, inRoom: true };
    const state: PeerState = {
      entry,
      rtt: new RttRing(),
      pings: new Map(),
      lastPingAt: 0,
      window: { start: 0, count: 0 },
      receiver: new ArtifactReceiver(this.#options.maxArtifactBytes ?? DEFAULT_MAX_ARTIFACT_BYTES),
      link: undefined as unknown as PeerLink,
    };
    let everOpened = false;
    state.link = new PeerLink(
      {
        polite: this.#peerId < peerId,
        create: (events) => this.#transport.create(`${this.#peerId}->${peerId}`, { iceServers: this.#iceServers, ...(this.#options.bindAddress ? { bindAddress: this.#options.bindAddress } : {}) }, events),
        signal: (m) => this.#signal(peerId, m),
        opened: () => {
          entry.status = 'connected';
          entry.connectedAt = entry.lastSeen = Date.now();
          if (everOpened) this.#peerReconnections++;
          everOpened = true;
          this.#sendControl(peerId, { t: 'caps', capabilities: this.#capabilities });
          this.emit('peer-connected', { peerId });
        },
        broke: (reason) => {
          entry.status = 'disconnected';
          this.#channelLost(peerId, reason);
          // Out of the room and its channel gone: nothing left to wait for.
          if (!entry.inRoom && this.#client?.status === 'joined')
            queueMicrotask(() => {
              if (this.#peers.get(peerId) === state) this.#remove(peerId, 'left');
            });
        },
        message: (data) => this.#onData(state, data),
        wanted: () => this.#state === 'running' && this.#peers.get(peerId) === state && (entry.inRoom || this.#client?.status !== 'joined') && this.#isLinked(peerId),
        retrying: () => {
          entry.status = 'retrying';
          this.#peerRetries++;
        },
        error: (e) => this.emit('error', e),
      },
      {
        connectTimeoutMs: this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        retry: this.#options.retry ?? DEFAULT_RETRY,
        disconnectGraceMs: Math.min(this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, 5_000),
      },
    );
    this.#peers.set(peerId, state);
    return state;
  }

  #remove(peerId: string, reason: 'silent' | 'left'): void {
    const p = this.#peers.get(peerId);
    if (!p) return;
    this.#peers.delete(peerId);
    p.link.close();
    this.#channelLost(peerId, reason === 'silent' ? 'pruned' : 'left');
    if (reason === 'silent') this.#pruned++;
    this.emit('peer-left', { peerId, reason });
  }

  /** Rejects what waits on a peer's channel: its tasks, artifact sends, and stops tasks run for it. */
  #channelLost(peerId: string, reason: string): void {
    for (const [id, t] of this.#pendingTasks) {
      if (t.peerId !== peerId) continue;
      this.#settleTask(id);
      this.#tasks.failed++;
      t.reject(new TaskError('channel-closed', `${Messages.channelClosed(peerId)} (${reason})`, id, peerId));
    }
    for (const [xid, a] of this.#artifacts) {
      if (a.peerId !== peerId) continue;
      this.#artifacts.delete(xid);
      a.reject(new SwarmError('channel-closed', Messages.channelClosed(peerId)));
    }
    for (const [id, r] of this.#running) if (r.from === peerId) r.abort.abort(new SwarmError('channel-closed', Messages.channelClosed(peerId)));
    this.#peers.get(peerId)?.receiver.clear();
  }

  /** Heartbeats and pruning (run every min(heartbeat, prune/4) ms). */
  #tick(): void {
    const now = Date.now();
    const heartbeat = this.#options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const pruneAfter = this.#options.pruneAfterMs ?? DEFAULT_PRUNE_AFTER_MS;
    for (const [peerId, p] of this.#peers) {
      const e = p.entry;
      if (e.connectedAt > 0 && now - e.lastSeen > pruneAfter) {
        this.#remove(peerId, 'silent');
        continue;
      }
      if (p.link.status === 'open' && now - p.lastPingAt >= heartbeat) {
        p.lastPingAt = now;
        this.#ping(peerId, p);
      }
      // Drop pings that never came back (at most the prune window).
      const mono = monotonic();
      for (const [n, x] of p.pings) if (mono - x.sentAt > pruneAfter) p.pings.delete(n);
    }
  }

  #ping(peerId: string, p: PeerState, resolve?: (ms: number) => void): boolean {
    const n = ++this.#pingSeq;
    const sentAt = monotonic();
    p.pings.set(n, { sentAt, ...(resolve ? { resolve } : {}) });
    if (this.#sendControl(peerId, { t: 'ping', n, ts: Date.now() })) return true;
    p.pings.delete(n);
    return false;
  }

  // ---- inbound ----

  #onData(p: PeerState, data: string | Uint8Array): void {
    const from = p.entry.peerId;
    p.entry.lastSeen = Date.now();
    if (typeof data !== 'string') {
      this.#traffic.count('in', 'chunk', data.byteLength);
      try {
        p.receiver.chunk(decodeChunkFrame(data));
      } catch (e) {
        this.#invalid(from, e);
      }
      return;
    }
    const size = utf8Length(data);
    const t = Date.now();
    if (t - p.window.start >= 1000) p.window = { start: t, count: 0 };
    if (++p.window.count > (this.#options.maxMessagesPerSecond ?? DEFAULT_MAX_MESSAGES_PER_SECOND)) {
      this.#traffic.reject('rate-limited');
      return;
    }
    let m: ControlMessage;
    try {
      m = decodeControl(data);
    } catch (e) {
      this.#traffic.count('in', 'invalid', size);
      this.#invalid(from, e);
      return;
    }
    this.#traffic.count('in', m.t === 'msg' ? `msg:${m.payload.type}` : m.t, size);
    try {
      this.#dispatch(p, m);
    } catch (e) {
      this.#invalid(from, e);
    }
  }

  #invalid(from: string, e: unknown): void {
    if (e instanceof SwarmMessageError) {
      this.#traffic.reject(e.reason);
      this.emit('invalid-message', { from, error: e });
    } else this.emit('error', e as Error);
  }

  #dispatch(p: PeerState, m: ControlMessage): void {
    const from = p.entry.peerId;
    switch (m.t) {
      case 'ping':
        this.#sendControl(from, { t: 'pong', n: m.n, ts: m.ts });
        return;
      case 'pong': {
        const sent = p.pings.get(m.n);
        if (!sent) return;
        p.pings.delete(m.n);
        const ms = monotonic() - sent.sentAt;
        p.rtt.add(ms);
        sent.resolve?.(ms);
        return;
      }
      case 'caps':
        p.entry.capabilities = { ...m.capabilities };
        this.emit('peer-updated', { peerId: from, capabilities: p.entry.capabilities });
        return;
      case 'msg': {
        this.#callEach(this.#handlers.get(m.payload.type), (h) => h(m.payload, from));
        this.emit('message', { from, payload: m.payload });
        return;
      }
      case 'task-request':
        return this.#runTask(from, m.id, m.taskType, m.input);
      case 'task-cancel':
        this.#running.get(`${from}/${m.id}`)?.abort.abort(new SwarmError('task-timeout', 'cancelled by the requester'));
        return;
      case 'task-accept':
        return;
      case 'task-progress': {
        const t = this.#pendingTasks.get(m.id);
        if (t && t.peerId === from) t.onProgress?.(m.progress, m.note);
        return;
      }
      case 'task-refuse':
      case 'task-result':
      case 'task-error': {
        const t = this.#pendingTasks.get(m.id);
        if (!t || t.peerId !== from) return;
        this.#settleTask(m.id);
        if (m.t === 'task-result') {
          this.#tasks.completed++;
          t.resolve(m.result);
        } else if (m.t === 'task-refuse') {
          this.#tasks.refused++;
          t.reject(new TaskError('task-refused', Messages.taskRefused(m.id, m.reason), m.id, from, m.reason));
        } else {
          this.#tasks.failed++;
          t.reject(new TaskError('task-failed', Messages.taskFailed(m.id, m.message), m.id, from));
        }
        return;
      }
      case 'knowledge': {
        for (const v of this.#knowledgeValidators) if (!v(m.item, from)) return void this.#traffic.reject('knowledge-refused');
        this.#callEach(this.#knowledgeHandlers, (h) => h(m.item, from));
        this.emit('knowledge', { from, item: m.item });
        return;
      }
      case 'consensus-request':
        return this.#vote(from, m.id, m.proposal);
      case 'consensus-vote': {
        const c = this.#consensus.get(m.id);
        if (!c || !c.electorate.has(from) || c.votes.has(from)) return;
        c.votes.set(from, m.vote);
        if (c.votes.size === c.electorate.size) c.finish();
        return;
      }
      case 'art-start':
        p.receiver.start(m);
        return;
      case 'art-end':
        void p.receiver.end(m.xid).then(
          (artifact) => {
            this.#sendControl(from, { t: 'art-ack', xid: m.xid, ok: true, sha256: artifact.sha256 });
            const full: Artifact = { ...artifact, from };
            this.#callEach(this.#artifactHandlers, (h) => h(full));
            this.emit('artifact', full);
          },
          (e: unknown) => {
            const err = e as SwarmError & { sha256?: string };
            this.#sendControl(from, { t: 'art-ack', xid: m.xid, ok: false, sha256: err.sha256 ?? '0'.repeat(64) });
            this.#invalid(from, e);
          },
        );
        return;
      case 'art-ack': {
        const a = this.#artifacts.get(m.xid);
        if (!a || a.peerId !== from) return;
        this.#artifacts.delete(m.xid);
        if (m.ok) a.resolve({ sha256: m.sha256 });
        else a.reject(new SwarmError('digest-mismatch', Messages.digestMismatch(m.xid)));
        return;
      }
    }
  }

  /** Runs each handler (a snapshot: handlers may remove themselves); a throw is reported, not propagated. */
  #callEach<H>(handlers: Iterable<H> | undefined, call: (h: H) => void): void {
    for (const h of handlers ? [...handlers] : []) {
      try {
        call(h);
      } catch (e) {
        this.emit('error', e as Error);
      }
    }
  }

  // ---- outbound ----

  #sendControl(peerId: string, m: ControlMessage): boolean {
    const channel = this.#peers.get(peerId)?.link.channel;
    if (!channel) return false;
    const text = encodeControl(m);
    const size = utf8Length(text);
    if (size > MAX_CONTROL_BYTES) throw new SwarmError('payload-too-large', Messages.payloadTooLarge(size, MAX_CONTROL_BYTES));
    if (!channel.sendNow(text)) return false;
    this.#traffic.count('out', m.t === 'msg' ? `msg:${m.payload.type}` : m.t, size);
    return true;
  }

  #require(): void {
    if (this.#state === 'closed') throw new SwarmError('disconnected', Messages.disconnected);
    if (this.#state !== 'running') throw new SwarmError('not-initialized', Messages.notInitialized);
  }

  static #checkPayload(payload: SwarmPayload): void {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new SwarmError('bad-option', Messages.badOption('payload must be an object with a string type'));
    checkName(payload.type, 'payload.type', MAX_TYPE_CHARS);
  }

  /** Sends `payload` to one peer; false when its channel is not open. Throws `payload-too-large` above one message. */
  sendToPeer(peerId: string, payload: SwarmPayload): boolean {
    this.#require();
    SwarmAgent.#checkPayload(payload);
    return this.#sendControl(peerId, { t: 'msg', payload });
  }

  /** Sends `payload` to every connected peer; returns how many it was sent to. */
  broadcast(payload: SwarmPayload): number {
    this.#require();
    SwarmAgent.#checkPayload(payload);
    let sent = 0;
    for (const peerId of this.#peers.keys()) if (this.#sendControl(peerId, { t: 'msg', payload })) sent++;
    return sent;
  }

  /** Calls `handler` for every inbound message of `type`; returns a function that removes it. */
  registerMessageHandler(type: string, handler: MessageHandler): () => void {
    checkName(type, 'type', MAX_TYPE_CHARS);
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => {
      const s = this.#handlers.get(type);
      s?.delete(handler);
      if (s && s.size === 0) this.#handlers.delete(type);
    };
  }

  /** Announces new capabilities to the room (signaling `announce`) and to connected peers. */
  updateCapabilities(capabilities: Record<string, unknown>): void {
    this.#require();
    this.#capabilities = { ...capabilities };
    this.#client?.send({ type: 'announce', metadata: this.#capabilities as Metadata });
    for (const peerId of this.#peers.keys()) this.#sendControl(peerId, { t: 'caps', capabilities: this.#capabilities });
  }

  /** One round trip over the peer's data channel, ms (also counted in the RTT percentiles). */
  ping(peerId: string, timeoutMs = 5_000): Promise<number> {
    this.#require();
    const p = this.#peers.get(peerId);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new SwarmError('not-connected', Messages.notConnected(peerId))), timeoutMs);
      const ok = p && this.#ping(peerId, p, (ms) => {
        clearTimeout(timer);
        resolve(ms);
      });
      if (!ok) {
        clearTimeout(timer);
        reject(new SwarmError('not-connected', Messages.notConnected(peerId)));
      }
    });
  }

  // ---- artifacts ----

  /**
   * Sends bytes of any size: an `art-start` with the SHA-256, chunks of at most 16 KiB sent as
   * the channel's buffer drains, `art-end`; resolves when the peer acknowledges a matching
   * SHA-256 (rejects `digest-mismatch` otherwise, or `channel-closed`).
   */
  async sendArtifact(peerId: string, data: Uint8Array, name: string): Promise<{ sha256: string; bytes: number; chunks: number }> {
    this.#require();
    checkName(name, 'name', MAX_NAME_CHARS);
    const channel = this.#peers.get(peerId)?.link.channel;
    if (!channel) throw new SwarmError('not-connected', Messages.notConnected(peerId));
    const sha256 = await sha256Hex(data);
    const xidBytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(xidBytes);
    const xid = toHex(xidBytes);
    const chunks = Math.ceil(data.length / CHUNK_BYTES);
    const acked = new Promise<{ sha256: string }>((resolve, reject) => this.#artifacts.set(xid, { resolve, reject, peerId }));
    acked.catch(() => undefined);
    if (!this.#sendControl(peerId, { t: 'art-start', xid, name, size: data.length, sha256, chunks })) {
      this.#artifacts.delete(xid);
      throw new SwarmError('not-connected', Messages.notConnected(peerId));
    }
    try {
      for (let i = 0; i < chunks; i++) {
        const frame = encodeChunkFrame(xidBytes, i, data.subarray(i * CHUNK_BYTES, Math.min(data.length, (i + 1) * CHUNK_BYTES)));
        await channel.send(frame);
        this.#traffic.count('out', 'chunk', frame.byteLength);
      }
    } catch (cause) {
      this.#artifacts.delete(xid);
      throw new SwarmError('channel-closed', Messages.channelClosed(peerId), { cause });
    }
    this.#sendControl(peerId, { t: 'art-end', xid });
    const ack = await acked;
    return { sha256: ack.sha256, bytes: data.length, chunks };
  }

  registerArtifactHandler(handler: ArtifactHandler): () => void {
    this.#artifactHandlers.add(handler);
    return () => void this.#artifactHandlers.delete(handler);
  }

  // ---- task delegation ----

  /** Registers the function that runs tasks of `taskType` for other agents; returns its remover. */
  registerTaskExecutor(taskType: string, executor: TaskExecutor): () => void {
    checkName(taskType, 'taskType', MAX_TYPE_CHARS);
    this.#executors.set(taskType, executor);
    return () => {
      if (this.#executors.get(taskType) === executor) this.#executors.delete(taskType);
    };
  }

  /**
   * Asks `peerId` to run `task.type` on `task.input`. Resolves with the executor's result;
   * rejects with TaskError `task-timeout` (and sends `task-cancel`), `task-refused`,
   * `task-failed`, `channel-closed` or `not-connected`. Its correlation entry is removed
   * whichever way it ends.
   */
  delegateTask(peerId: string, task: { type: string; input?: unknown }, options: DelegateOptions = {}): Promise<unknown> {
    this.#require();
    checkName(task?.type, 'task.type', MAX_TYPE_CHARS);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new SwarmError('bad-option', Messages.badOption('timeoutMs must be a positive integer'));
    const id = randomHex(16);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.#pendingTasks.has(id)) return;
        this.#settleTask(id);
        this.#tasks.timedOut++;
        this.#sendControl(peerId, { t: 'task-cancel', id });
        reject(new TaskError('task-timeout', Messages.taskTimeout(id, timeoutMs), id, peerId));
      }, timeoutMs);
      this.#pendingTasks.set(id, { peerId, resolve, reject, timer, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      let sent: boolean;
      try {
        sent = this.#sendControl(peerId, { t: 'task-request', id, taskType: task.type, input: task.input ?? null, timeoutMs });
      } catch (e) {
        this.#settleTask(id);
        return reject(e);
      }
      if (!sent) {
        this.#settleTask(id);
        return reject(new TaskError('not-connected', Messages.notConnected(peerId), id, peerId));
      }
      this.#tasks.delegated++;
    });
  }

  #settleTask(id: string): void {
    const t = this.#pendingTasks.get(id);
    if (!t) return;
    clearTimeout(t.timer);
    this.#pendingTasks.delete(id);
  }

  #runTask(from: string, id: string, taskType: string, input: unknown): void {
    const executor = this.#executors.get(taskType);
    const key = `${from}/${id}`;
    if (!executor) return void this.#sendControl(from, { t: 'task-refuse', id, reason: 'no-executor' });
    if (this.#running.size >= (this.#options.maxConcurrentTasks ?? DEFAULT_MAX_CONCURRENT_TASKS) || this.#running.has(key))
      return void this.#sendControl(from, { t: 'task-refuse', id, reason: 'busy' });
    const abort = new AbortController();
    this.#running.set(key, { from, abort });
    this.#sendControl(from, { t: 'task-accept', id });
    const ctx: TaskContext = {
      from,
      taskId: id,
      signal: abort.signal,
      progress: (value, note) => {
        if (!abort.signal.aborted && Number.isFinite(value)) this.#sendControl(from, { t: 'task-progress', id, progress: Math.min(1, Math.max(0, value)), ...(note !== undefined ? { note: String(note).slice(0, MAX_NAME_CHARS) } : {}) });
      },
    };
    void (async () => {
      try {
        const result = await executor(input, ctx);
        if (!abort.signal.aborted) this.#sendControl(from, { t: 'task-result', id, result: result ?? null });
        this.#tasks.executed++;
      } catch (e) {
        if (!abort.signal.aborted) {
          try {
            this.#sendControl(from, { t: 'task-error', id, message: e instanceof Error ? e.message.slice(0, 4096) : String(e).slice(0, 4096) });
          } catch {
            /* channel gone */
          }
        }
      } finally {
        this.#running.delete(key);
      }
    })().catch((e: unknown) => this.emit('error', e as Error));
  }

  // ---- knowledge ----

  /**
   * Shares `item` with every connected peer after validating it (topic 1..256 characters,
   * content present, the message within 64 KiB). Receivers validate it again, run their
   * validators, then hand it to their handlers. Returns how many peers it was sent to.
   */
  shareKnowledge(item: { topic: string; content: unknown; id?: string }): number {
    this.#require();
    checkName(item?.topic, 'item.topic', MAX_NAME_CHARS);
    if (item.content === undefined) throw new SwarmError('bad-option', Messages.badOption('item.content is required'));
    const full: KnowledgeItem = { id: item.id ?? randomHex(16), topic: item.topic, content: item.content, ts: Date.now() };
    checkName(full.id, 'item.id', 128);
    decodeControl(encodeControl({ t: 'knowledge', item: full })); // the same check a receiver applies
    let sent = 0;
    for (const peerId of this.#peers.keys()) if (this.#sendControl(peerId, { t: 'knowledge', item: full })) sent++;
    return sent;
  }

  registerKnowledgeHandler(handler: KnowledgeHandler): () => void {
    this.#knowledgeHandlers.add(handler);
    return () => void this.#knowledgeHandlers.delete(handler);
  }

  /** A validator returning false drops an inbound item before any handler sees it. */
  registerKnowledgeValidator(validator: KnowledgeValidator): () => void {
    this.#knowledgeValidators.add(validator);
    return () => void this.#knowledgeValidators.delete(validator);
  }

  // ---- consensus ----

  /** How this agent answers consensus requests; without one it does not answer. */
  registerVoteHandler(handler: VoteHandler): () => void {
    this.#voteHandler = handler;
    return () => {
      if (this.#voteHandler === handler) this.#voteHandler = undefined;
    };
  }

  #vote(from: string, id: string, proposal: unknown): void {
    const handler = this.#voteHandler;
    if (!handler) return;
    void (async () => {
      const vote = await handler(proposal, from);
      if (vote === 'yes' || vote === 'no' || vote === 'abstain') this.#sendControl(from, { t: 'consensus-vote', id, vote });
    })().catch((e: unknown) => this.emit('error', e as Error));
  }

  /**
   * Asks every connected member (the electorate, fixed now) to vote on `proposal`. Resolves
   * when all have voted or at `timeoutMs`, listing each vote and who did not answer;
   * `accepted` when `yes` votes reach ceil(quorum x electorate).
   */
  requestConsensus(proposal: unknown, options: ConsensusOptions = {}): Promise<ConsensusResult> {
    this.#require();
    const quorum = options.quorum ?? DEFAULT_QUORUM;
    if (!(quorum > 0 && quorum <= 1)) throw new SwarmError('bad-option', Messages.badOption('quorum must be in (0, 1]'));
    const timeoutMs = options.timeoutMs ?? DEFAULT_CONSENSUS_TIMEOUT_MS;
    if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) throw new SwarmError('bad-option', Messages.badOption('timeoutMs must be a positive integer'));
    const id = randomHex(16);
    const electorate = [...this.#peers.entries()].filter(([, p]) => p.link.status === 'open').map(([k]) => k);
    const required = Math.ceil(quorum * electorate.length);
    return new Promise((resolve) => {
      const votes = new Map<string, Vote>();
      const finish = () => {
        if (!this.#consensus.delete(id)) return;
        clearTimeout(timer);
        const by = (v: Vote) => electorate.filter((p) => votes.get(p) === v);
        const yes = by('yes');
        resolve({
          id,
          proposal,
          accepted: electorate.length > 0 && yes.length >= required,
          required,
          electorate,
          votes: Object.fromEntries(votes),
          yes,
          no: by('no'),
          abstain: by('abstain'),
          noAnswer: electorate.filter((p) => !votes.has(p)),
        });
      };
      const timer = setTimeout(finish, timeoutMs);
      this.#consensus.set(id, { electorate: new Set(electorate), votes, finish });
      for (const peerId of electorate) this.#sendControl(peerId, { t: 'consensus-request', id, proposal, timeoutMs });
      if (electorate.length === 0) finish();
    });
  }

  // ---- runtime configuration and status ----

  /**
   * Changes the signaling server, room or ICE servers without a restart. New ICE servers apply
   * to connections made from now on; a new URL or room rejoins (a new room drops the old
   * room's peers).
   */
  async configureSignaling(change: { url?: string; room?: string; iceServers?: string[]; token?: string }): Promise<Joined | undefined> {
    this.#require();
    if (change.iceServers) this.#iceServers = [...change.iceServers];
    if (change.url === undefined && change.room === undefined && change.token === undefined) return undefined;
    const client = this.#client!;
    if (change.room !== undefined && change.room !== client.room) for (const peerId of [...this.#peers.keys()]) this.#remove(peerId, 'left');
    return client.configure({ ...(change.url !== undefined ? { url: change.url } : {}), ...(change.room !== undefined ? { room: change.room } : {}), ...(change.token !== undefined ? { token: change.token } : {}) });
  }

  getSignalingStatus(): { status: SignalingStatus; url: string | undefined; room: string | undefined; peerId: string; reconnections: number; iceServers: string[] } {
    return { status: this.#client?.status ?? 'idle', url: this.#client?.url, room: this.#client?.room, peerId: this.#peerId, reconnections: this.#client?.reconnects ?? 0, iceServers: [...this.#iceServers] };
  }

  /** The peer table (a copy). */
  getPeers(): PeerEntry[] {
    return [...this.#peers.values()].map((p) => ({ ...p.entry, status: statusOf(p), capabilities: { ...p.entry.capabilities } }));
  }

  /** Peers whose data channel is open. */
  connectedPeers(): string[] {
    return [...this.#peers.entries()].filter(([, p]) => p.link.status === 'open').map(([k]) => k);
  }

  /** Resolves once `count` peers are connected (rejects after `timeoutMs`). */
  waitForPeers(count: number, timeoutMs = 30_000): Promise<void> {
    if (this.connectedPeers().length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new SwarmError('not-connected', `${this.connectedPeers().length} of ${count} peers connected after ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on('peer-connected', () => {
        if (this.connectedPeers().length < count) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  getStats(): SwarmStats {
    const peers: Record<PeerStatus, number> = { connecting: 0, connected: 0, disconnected: 0, retrying: 0 };
    let sessions = 0;
    let offers = 0;
    let collisions = 0;
    let candidateErrors = 0;
    const rtt: Record<string, RttSummary> = {};
    for (const [peerId, p] of this.#peers) {
      peers[statusOf(p)]++;
      sessions += p.link.sessions;
      offers += p.link.offers;
      candidateErrors += p.link.candidateErrors;
      collisions += p.link.collisions;
      rtt[peerId] = p.rtt.summary();
    }
    let handlers = 0;
    for (const s of this.#handlers.values()) handlers += s.size;
    return {
      peerId: this.#peerId,
      peers,
      messagesIn: Traffic.toObject(this.#traffic.in),
      messagesOut: Traffic.toObject(this.#traffic.out),
      rejected: Traffic.toObject(this.#traffic.rejected),
      rtt,
      tasks: { ...this.#tasks, pending: this.#pendingTasks.size },
      reconnections: { signaling: this.#client?.reconnects ?? 0, peers: this.#peerReconnections },
      connections: { sessions, offers, collisions, retries: this.#peerRetries, candidateErrors, offersIgnored: this.#offersIgnored },
      pruned: this.#pruned,
      handlers,
    };
  }

  /** Closes every connection and the signaling client; pending work rejects with `disconnected`. */
  async disconnect(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    clearInterval(this.#timer);
    for (const [id, t] of this.#pendingTasks) {
      this.#settleTask(id);
      t.reject(new TaskError('disconnected', Messages.disconnected, id, t.peerId));
    }
    for (const c of [...this.#consensus.values()]) c.finish();
    for (const [, a] of this.#artifacts) a.reject(new SwarmError('disconnected', Messages.disconnected));
    this.#artifacts.clear();
    for (const r of this.#running.values()) r.abort.abort(new SwarmError('disconnected', Messages.disconnected));
    for (const p of this.#peers.values()) p.link.close();
    this.#peers.clear();
    await this.#client?.close();
    await this.#transport.release?.();
  }
}

function statusOf(p: PeerState): PeerStatus {
  switch (p.link.status) {
    case 'open':
      return 'connected';
    case 'retrying':
      return 'retrying';
    case 'closed':
      return 'disconnected';
    default:
      return p.entry.connectedAt > 0 && p.link.status === 'idle' ? 'disconnected' : 'connecting';
  }
}

/** Monotonic ms for round trips (Node and browsers both have performance.now()). */
function monotonic(): number {
  return performance.now();
}

