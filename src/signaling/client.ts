/**
 * SignalingClient: joins a room on a signaling server (docs/signaling.md), relays offers,
 * answers and ICE candidates (RFC 8829 section 5, RFC 8838) to other members, and keeps the
 * membership current. Reconnects with exponential backoff and full jitter and rejoins with
 * the same peer id. Runs in Node (the `ws` package, loaded lazily) and in a browser (pass the
 * page's `WebSocket`, or let it use `globalThis.WebSocket`). No Node-only static imports.
 */
import { TypedEmitter } from '../datachannel/index.js';
import { challengeBytes, toBase64 } from './challenge.js';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_RECONNECT_INITIAL_DELAY_MS,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  DEFAULT_URL,
  FATAL_CLOSE_CODES,
  Messages,
  type ErrorCode,
} from './constants.js';
import { SignalingError } from './errors.js';
import type { JoinMsg, Joined, Metadata, OutboundMsg, PeerInfo, ServerMsg } from './messages.js';

/** An Ed25519 identity: the raw 32-byte public key and a signer (a private key never leaves the caller). */
export interface SignalingIdentity {
  publicKey: Uint8Array;
  sign(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

export interface ReconnectOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
}

/** The part of the WebSocket API the client uses; both the browser's and `ws` fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SignalingClientOptions {
  url?: string;
  room: string;
  peerId?: string;
  metadata?: Metadata;
  token?: string;
  identity?: SignalingIdentity;
  reconnect?: ReconnectOptions | false;
  heartbeatMs?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  WebSocket?: new (url: string) => any;
  /** Random source in [0, 1) for the backoff jitter (tests pin it). Default Math.random. */
  random?: () => number;
}

export type SignalingStatus = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'closed';

export interface SignalingClientEvents {
  joined: Joined;
  'peer-joined': PeerInfo;
  'peer-left': { peerId: string };
  offer: { from: string; sdp: string };
  answer: { from: string; sdp: string };
  'ice-candidate': { from: string; candidate: string; mid: string };
  announce: { from: string; metadata: Metadata };
  broadcast: { from: string; payload: unknown };
  error: SignalingError;
  disconnected: { code: number; reason: string };
  reconnecting: { attempt: number; delayMs: number };
}

/** Server errors that end the session: the client stops instead of retrying. */
const FATAL_CODES: ReadonlySet<string> = new Set<ErrorCode>(['auth-required', 'auth-failed', 'origin-refused']);
/** Join refusals that are final on a first join but retried on a rejoin. */
const RETRY_ON_REJOIN: ReadonlySet<string> = new Set<ErrorCode>(['peer-id-taken', 'room-full', 'too-many-rooms']);
const OPEN = 1;

/**
 * Full-jitter backoff ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
 * a uniformly random delay in [0, min(max, initial * 2^attempt)).
 */
export function backoffDelay(attempt: number, initialDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 52));
  return Math.floor(random() * cap);
}

export class SignalingClient extends TypedEmitter<SignalingClientEvents> {
  #url: string;
  #room: string;
  #peerId: string | undefined;
  #metadata: Metadata | undefined;
  #token: string | undefined;
  #identity: SignalingIdentity | undefined;
  #resume: string | undefined;
  readonly #reconnect: Required<ReconnectOptions> | false;
  readonly #heartbeatMs: number;
  readonly #random: () => number;
  #Ctor: WebSocketConstructor | undefined;
  #status: SignalingStatus = 'idle';
  #socket: WebSocketLike | undefined;
  #attempt = 0;
  #everJoined = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #lastHeard = 0;
  #waiters: { resolve: (j: Joined) => void; reject: (e: SignalingError) => void }[] = [];
  #reconnects = 0;
  #joined: Joined | undefined;

  constructor(options: SignalingClientOptions) {
    super();
    if (typeof options?.room !== 'string' || !options.room) throw new SignalingError('invalid-option', 'options.room is required');
    this.#url = options.url ?? DEFAULT_URL;
    this.#room = options.room;
    this.#peerId = options.peerId;
    this.#metadata = options.metadata;
    this.#token = options.token;
    this.#identity = options.identity;
    this.#reconnect =
      options.reconnect === false
        ? false
        : {
            initialDelayMs: options.reconnect?.initialDelayMs ?? DEFAULT_RECONNECT_INITIAL_DELAY_MS,
            maxDelayMs: options.reconnect?.maxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS,
            maxAttempts: options.reconnect?.maxAttempts ?? Infinity,
          };
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#random = options.random ?? Math.random;
    this.#Ctor = options.WebSocket as WebSocketConstructor | undefined;
  }

  get status(): SignalingStatus {
    return this.#status;
  }
  /** Our peer id: the one given, or the one the server assigned at the first join. */
  get peerId(): string | undefined {
    return this.#peerId;
  }
  get room(): string {
    return this.#room;
  }
  get url(): string {
    return this.#url;
  }
  /** Reconnections that ended in a rejoin. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** Opens the socket and joins; resolves with the server's `joined`. */
  connect(): Promise<Joined> {
    if (this.#status === 'closed') return Promise.reject(new SignalingError('closed', Messages.clientClosed));
    if (this.#status === 'joined' && this.#joined) return Promise.resolve(this.#joined);
    const promise = new Promise<Joined>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#status === 'idle') {
      this.#status = 'connecting';
      void this.#open();
    }
    return promise;
  }

  /** Sends a relay, announce or broadcast message; false when not joined. */
  send(msg: OutboundMsg): boolean {
    if (this.#status !== 'joined' || !this.#socket || this.#socket.readyState !== OPEN) return false;
    if (msg.type === 'announce') this.#metadata = msg.metadata;
    // Never send a `from`: the server writes it.
    const { from: _drop, ...clean } = msg as OutboundMsg & { from?: unknown };
    this.#socket.send(JSON.stringify(clean));
    return true;
  }

  /**
   * Changes server, room or credentials at runtime: leaves (closes the socket), reconnects and
   * rejoins. The peer id is kept unless the room changes with no fixed id given at construction.
   */
  configure(change: { url?: string; room?: string; token?: string; identity?: SignalingIdentity }): Promise<Joined> {
    if (this.#status === 'closed') return Promise.reject(new SignalingError('closed', Messages.clientClosed));
    if (change.url !== undefined) this.#url = change.url;
    if (change.room !== undefined && change.room !== this.#room) {
      this.#room = change.room;
      this.#resume = undefined;
    }
    if ('token' in change) this.#token = change.token;
    if ('identity' in change) this.#identity = change.identity;
    if (change.url !== undefined) this.#resume = undefined;
    this.#clearTimers();
    this.#detach(1000, 'reconfigure');
    this.#attempt = 0;
    const promise = new Promise<Joined>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#status = 'connecting';
    void this.#open();
    return promise;
  }

  /** Leaves the room and closes the socket; no reconnect after this. */
  async close(): Promise<void> {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    this.#clearTimers();
    const socket = this.#socket;
    this.#detach(1000, 'client closed');
    this.#rejectWaiters(new SignalingError('closed', Messages.clientClosed));
    if (socket && socket.readyState < 2) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        socket.onclose = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  // ---- internals ----

  async #ctor(): Promise<WebSocketConstructor> {
    if (this.#Ctor) return this.#Ctor;
    const g = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (g) return (this.#Ctor = g);
    try {
      const mod = (await import('ws')) as unknown as { default: WebSocketConstructor };
      return (this.#Ctor = mod.default);
    } catch (cause) {
      throw new SignalingError('invalid-option', Messages.noWebSocket, { cause });
    }
  }

  async #open(): Promise<void> {
    let Ctor: WebSocketConstructor;
    try {
      Ctor = await this.#ctor();
    } catch (error) {
      this.#fail(error as SignalingError);
      return;
    }
    if (this.#status === 'closed') return;
    let socket: WebSocketLike;
    try {
      socket = new Ctor(this.#url);
    } catch (cause) {
      this.#onClose(undefined, 1006, String((cause as Error)?.message ?? cause));
      return;
    }
    this.#socket = socket;
    // Without an identity nothing needs the nonce: join as soon as the socket opens (saves the
    // challenge's round trip); with one, the join waits for the challenge.
    socket.onopen = () => {
      if (!this.#identity && socket === this.#socket) void this.#join(socket, '');
    };
    socket.onmessage = (ev) => this.#onMessage(socket, ev.data);
    socket.onclose = (ev) => this.#onClose(socket, ev.code, ev.reason);
    socket.onerror = () => {
      /* a close event follows */
    };
    this.#lastHeard = Date.now();
  }

  #onMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.#socket) return;
    this.#lastHeard = Date.now();
    let msg: ServerMsg;
    try {
      msg = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerMsg;
    } catch {
      this.emit('error', new SignalingError('protocol', 'server sent a frame that is not JSON'));
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    switch (msg.type) {
      case 'challenge':
        if (this.#identity) void this.#join(socket, String(msg.nonce));
        return;
      case 'joined': {
        this.#peerId = msg.peerId;
        if (typeof msg.resume === 'string') this.#resume = msg.resume;
        if (this.#everJoined && this.#attempt > 0) this.#reconnects++;
        this.#everJoined = true;
        this.#attempt = 0;
        this.#status = 'joined';
        this.#startHeartbeat(socket);
        const joined: Joined = { type: 'joined', peerId: msg.peerId, room: msg.room, peers: msg.peers ?? [] };
        this.#joined = joined;
        const waiters = this.#waiters.splice(0);
        for (const w of waiters) w.resolve(joined);
        this.emit('joined', joined);
        return;
      }
      case 'peer-joined':
        this.emit('peer-joined', { peerId: msg.peerId, metadata: msg.metadata ?? {} });
        return;
      case 'peer-left':
        this.emit('peer-left', { peerId: msg.peerId });
        return;
      case 'offer':
      case 'answer':
        this.emit(msg.type, { from: msg.from, sdp: msg.sdp });
        return;
      case 'ice-candidate':
        this.emit('ice-candidate', { from: msg.from, candidate: msg.candidate, mid: msg.mid });
        return;
      case 'announce':
        this.emit('announce', { from: msg.from, metadata: msg.metadata ?? {} });
        return;
      case 'broadcast':
        this.emit('broadcast', { from: msg.from, payload: msg.payload });
        return;
      case 'heartbeat-ack':
        return;
      case 'error': {
        const error = new SignalingError(msg.code, String(msg.message));
        const joining = this.#status !== 'joined';
        if (joining && FATAL_CODES.has(msg.code)) return this.#fail(error);
        if (joining && (RETRY_ON_REJOIN.has(msg.code) || msg.code === 'backend-unavailable')) {
          // On a first join these are final; on a rejoin the server may still hold our old
          // socket (or the room was briefly full): close and retry with backoff. A server cut
          // off from its Redis refuses joins for a while: retried always.
          if (!this.#everJoined && msg.code !== 'backend-unavailable') return this.#fail(error);
          this.emit('error', error);
          socket.close(1000, 'retry');
          this.#onClose(socket, 1000, msg.code);
          return;
        }
        this.emit('error', error);
        return;
      }
      default:
        return;
    }
  }

  async #join(socket: WebSocketLike, nonce: string): Promise<void> {
    const msg: JoinMsg = { type: 'join', room: this.#room };
    if (this.#peerId !== undefined) msg.peerId = this.#peerId;
    if (this.#metadata !== undefined) msg.metadata = this.#metadata;
    if (this.#token !== undefined) msg.token = this.#token;
    if (this.#resume !== undefined) msg.resume = this.#resume;
    if (this.#identity) {
      try {
        const signature = await this.#identity.sign(challengeBytes(this.#room, this.#peerId ?? '', nonce));
        msg.publicKey = toBase64(this.#identity.publicKey);
        msg.signature = toBase64(signature);
      } catch (cause) {
        this.#fail(new SignalingError('invalid-option', `identity.sign failed: ${(cause as Error)?.message ?? cause}`, { cause }));
        return;
      }
    }
    if (socket === this.#socket && socket.readyState === OPEN) socket.send(JSON.stringify(msg));
  }

  #startHeartbeat(socket: WebSocketLike): void {
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    if (!(this.#heartbeatMs > 0)) return;
    this.#heartbeatTimer = setInterval(() => {
      if (socket !== this.#socket) return;
      if (Date.now() - this.#lastHeard > 2 * this.#heartbeatMs + 1000) {
        this.emit('error', new SignalingError('heartbeat-timeout', Messages.heartbeatTimeout(Date.now() - this.#lastHeard)));
        socket.close(4000, 'heartbeat timeout');
        // Browsers may wait long for the closing handshake; do not wait for it.
        this.#onClose(socket, 1006, 'heartbeat timeout');
        return;
      }
      if (socket.readyState === OPEN) socket.send('{"type":"heartbeat"}');
    }, this.#heartbeatMs);
    (this.#heartbeatTimer as { unref?: () => void }).unref?.();
  }

  #onClose(socket: WebSocketLike | undefined, code: number, reason: string): void {
    if (socket && socket !== this.#socket) return;
    this.#detach();
    if (this.#status === 'closed') return;
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.emit('disconnected', { code, reason });
    if (FATAL_CLOSE_CODES.has(code)) {
      this.#fail(new SignalingError('connect-failed', `server closed the connection (${code} ${reason})`));
      return;
    }
    if (this.#reconnect === false) {
      this.#fail(new SignalingError('connect-failed', `connection closed (${code} ${reason})`));
      return;
    }
    if (this.#attempt >= this.#reconnect.maxAttempts) {
      this.#fail(new SignalingError('reconnect-exhausted', Messages.reconnectExhausted(this.#attempt)));
      return;
    }
    const delayMs = backoffDelay(this.#attempt, this.#reconnect.initialDelayMs, this.#reconnect.maxDelayMs, this.#random);
    this.#attempt++;
    this.#status = 'reconnecting';
    this.emit('reconnecting', { attempt: this.#attempt, delayMs });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#status === 'reconnecting') void this.#open();
    }, delayMs);
  }

  /** Drops the current socket without triggering a reconnect. */
  #detach(code?: number, reason?: string): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = () => {};
    if (code !== undefined && socket.readyState < 2) {
      try {
        socket.close(code, reason);
      } catch {
        /* already closing */
      }
    }
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#heartbeatTimer) clearInterval(this.#heartbeatTimer);
    this.#retryTimer = this.#heartbeatTimer = undefined;
  }

  #fail(error: SignalingError): void {
    this.#clearTimers();
    this.#detach(1000, error.code);
    this.#status = 'closed';
    this.#rejectWaiters(error);
    this.emit('error', error);
  }

  #rejectWaiters(error: SignalingError): void {
    for (const w of this.#waiters.splice(0)) w.reject(error);
  }
}
