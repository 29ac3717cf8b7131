/**
 * SignalingServer: rooms over WebSocket (RFC 6455, the `ws` package). The server binds each
 * connection's peer id when it joins and writes `from` on everything it relays; a member can
 * address only members of its own room. Every inbound frame is validated against
 * schemas/signaling.schema.json (validate.ts); every refusal has a stable error code and,
 * where the connection must go, a close code (constants.ts, docs/signaling.md). Optional Redis
 * lets several processes share rooms (redis.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RoomAuth, isLoopbackHost, sha256, type AuthOptions } from './auth.js';
import {
  CloseCode,
  DEFAULT_HOST,
  DEFAULT_JOIN_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_INVALID_MESSAGES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_MESSAGES_PER_SECOND,
  DEFAULT_MAX_PEERS_PER_ROOM,
  DEFAULT_MAX_ROOMS,
  DEFAULT_PATH,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_PORT,
  FLOOD_CLOSE_FACTOR,
  HARD_FRAME_LIMIT_FACTOR,
  MAX_BUFFERED_BYTES,
  Messages,
  NONCE_BYTES,
  RESUME_BYTES,
  type ErrorCode,
} from './constants.js';
import { MessageValidationError, SignalingError } from './errors.js';
import type { AnnounceMsg, BroadcastMsg, ClientMsg, IceMsg, JoinMsg, Metadata, OfferMsg, AnswerMsg, PeerInfo } from './messages.js';
import { RedisBus, type BusEvent, type RedisBusOptions, type RemotePeer } from './redis.js';
import { parseClientMessage } from './validate.js';

export interface SignalingLimits {
  /** Largest message in bytes (64 KiB). Up to twice this gets `too-large`; more is closed with 1009. */
  maxMessageBytes?: number;
  /** Messages per second per connection (200); beyond: `rate-limited`, at twice this: close 4429. */
  maxMessagesPerSecond?: number;
  /** Members per room, across processes with Redis (256). */
  maxPeersPerRoom?: number;
  /** Rooms held by this process (10,000). */
  maxRooms?: number;
  /** Open connections per remote address (64). */
  maxConnectionsPerAddress?: number;
  /** Invalid messages before a connection is closed with 4400 (100). */
  maxInvalidMessages?: number;
  /** Time a connection has to join (10 s), else close 4408. */
  joinTimeoutMs?: number;
}

export interface SignalingServerOptions {
  host?: string;
  port?: number;
  path?: string;
  auth?: AuthOptions;
  /** Browser origins allowed (exact `scheme://host[:port]`). Unset: any. */
  origins?: string[];
  /** With `origins`: admit connections that send no Origin header (non-browser clients). Default true. */
  allowMissingOrigin?: boolean;
  limits?: SignalingLimits;
  /** WebSocket ping interval (30 s); a connection without a pong by the next ping is dropped. */
  pingIntervalMs?: number;
  /** `redis://...`: share rooms with other processes on the same Redis. */
  redis?: string;
  redisOptions?: RedisBusOptions;
  /** Where the start-up warning and notices go (default: standard error). */
  logger?: (line: string) => void;
  /**
   * Told of every join, leave, and offer or answer relayed, as the server saw it (the sender
   * is the peer id bound to its socket). For an audit record such as `spellbook/witness`; a
   * throwing observer is logged and never disturbs the server.
   */
  onObservation?: (observation: SignalingObservation) => void;
}

/** One event the server saw, for an observer (see SignalingServerOptions.onObservation). */
export interface SignalingObservation {
  type: 'join' | 'leave' | 'offer' | 'answer';
  room: string;
  /** The peer that joined, left or sent the description (server-bound, never client-claimed). */
  peerId: string;
  /** The addressee of an offer or answer. */
  to?: string;
  /** The offer or answer text as relayed. */
  sdp?: string;
  /** Unix time, ms. */
  at: number;
}

export interface SignalingServerStats {
  connections: number;
  rooms: number;
  peers: number;
  joins: number;
  relayed: number;
  broadcasts: number;
  /** Error frames sent, by code. */
  errors: Partial<Record<ErrorCode, number>>;
  /** Connections closed by the server, by close code (1009 counts frames over the hard limit). */
  closes: Record<number, number>;
  /** Connections dropped for not answering pings. */
  pingTimeouts: number;
  /** Connections dropped for not reading what was sent to them. */
  slowConsumers: number;
}

interface Conn {
  ws: WebSocket;
  ip: string;
  nonce: string;
  peerId?: string;
  room?: Room;
  joining: boolean;
  replaced: boolean;
  metadata: Metadata;
  resumeHash?: string;
  alive: boolean;
  windowStart: number;
  windowCount: number;
  warned: boolean;
  invalid: number;
  joinTimer?: ReturnType<typeof setTimeout>;
}

interface Room {
  name: string;
  members: Map<string, Conn>;
  remote: Map<string, RemotePeer>;
}

type Limits = Required<SignalingLimits>;

function hashHex(text: string): string {
  return sha256(text).toString('hex');
}

export class SignalingServer {
  readonly #observer?: (observation: SignalingObservation) => void;
  readonly #host: string;
  readonly #port: number;
  readonly #path: string;
  readonly #auth: RoomAuth;
  readonly #origins: Set<string> | undefined;
  readonly #allowMissingOrigin: boolean;
  readonly #limits: Limits;
  readonly #pingIntervalMs: number;
  readonly #redisUrl: string | undefined;
  readonly #redisOptions: RedisBusOptions | undefined;
  readonly #log: (line: string) => void;
  readonly #rooms = new Map<string, Room>();
  readonly #peers = new Map<string, Conn>();
  readonly #conns = new Set<Conn>();
  readonly #perAddress = new Map<string, number>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #bus: RedisBus | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #url: string | undefined;
  readonly #stats: Omit<SignalingServerStats, 'connections' | 'rooms' | 'peers'> = {
    joins: 0,
    relayed: 0,
    broadcasts: 0,
    errors: {},
    closes: {},
    pingTimeouts: 0,
    slowConsumers: 0,
  };

  constructor(options: SignalingServerOptions = {}) {
    this.#host = options.host ?? DEFAULT_HOST;
    this.#port = options.port ?? DEFAULT_PORT;
    this.#path = options.path ?? DEFAULT_PATH;
    this.#auth = new RoomAuth(options.auth);
    this.#origins = options.origins ? new Set(options.origins) : undefined;
    this.#allowMissingOrigin = options.allowMissingOrigin ?? true;
    const l = options.limits ?? {};
    this.#limits = {
      maxMessageBytes: l.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      maxMessagesPerSecond: l.maxMessagesPerSecond ?? DEFAULT_MAX_MESSAGES_PER_SECOND,
      maxPeersPerRoom: l.maxPeersPerRoom ?? DEFAULT_MAX_PEERS_PER_ROOM,
      maxRooms: l.maxRooms ?? DEFAULT_MAX_ROOMS,
      maxConnectionsPerAddress: l.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
      maxInvalidMessages: l.maxInvalidMessages ?? DEFAULT_MAX_INVALID_MESSAGES,
      joinTimeoutMs: l.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS,
    };
    for (const [name, value] of Object.entries(this.#limits)) {
      if (!Number.isFinite(value) || value <= 0) throw new SignalingError('invalid-option', `limits.${name} must be a positive number`);
    }
    this.#pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.#redisUrl = options.redis;
    this.#redisOptions = options.redisOptions;
    this.#log = options.logger ?? ((line) => process.stderr.write(line + '\n'));
    this.#observer = options.onObservation;
  }

  get url(): string | undefined {
    return this.#url;
  }

  /** Starts listening. Refuses open rooms on a non-loopback host. */
  async listen(): Promise<{ url: string; port: number }> {
    if (this.#http) throw new SignalingError('invalid-option', 'already listening');
    const loopback = isLoopbackHost(this.#host);
    if (!loopback && this.#auth.hasOpenRooms) throw new SignalingError('invalid-option', Messages.openRoomsOffLoopback(this.#host));
    if (this.#redisUrl) {
      const bus = new RedisBus(this.#redisUrl, randomUUID(), {
        event: (room, ev) => this.#onBusEvent(room, ev),
        procGone: (proc) => this.#onProcGone(proc),
        reconnected: () => void this.#resync(),
      }, this.#redisOptions);
      try {
        await bus.start();
      } catch (cause) {
        await bus.close();
        throw new SignalingError('invalid-option', `cannot reach Redis at ${this.#redisUrl}: ${(cause as Error).message}`, { cause });
      }
      this.#bus = bus;
    }
    const http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket only\n');
    });
    const wss = new WebSocketServer({
      server: http,
      path: this.#path,
      maxPayload: this.#limits.maxMessageBytes * HARD_FRAME_LIMIT_FACTOR,
      perMessageDeflate: false,
      clientTracking: false,
    });
    wss.on('connection', (ws, req) => this.#onConnection(ws, req));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#port, this.#host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.#http = http;
    this.#wss = wss;
    const port = (http.address() as AddressInfo).port;
    const host = this.#host.includes(':') ? `[${this.#host}]` : this.#host;
    this.#url = `ws://${host}:${port}${this.#path}`;
    if (this.#auth.hasOpenRooms) this.#log(Messages.openRoomsWarning(this.#url));
    this.#pingTimer = setInterval(() => this.#ping(), this.#pingIntervalMs);
    this.#pingTimer.unref();
    return { url: this.#url, port };
  }

  /** Closes every connection (1001), stops listening and leaves Redis. */
  async close(): Promise<void> {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
    for (const conn of [...this.#conns]) {
      this.#leave(conn);
      this.#close(conn, CloseCode.goingAway, 'server shutting down');
    }
    const http = this.#http;
    this.#http = undefined;
    this.#wss?.close();
    this.#wss = undefined;
    if (http) {
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    for (const conn of this.#conns) conn.ws.terminate();
    if (this.#bus) await this.#bus.close();
    this.#bus = undefined;
  }

  stats(): SignalingServerStats {
    return {
      connections: this.#conns.size,
      rooms: this.#rooms.size,
      peers: this.#peers.size,
      ...this.#stats,
      errors: { ...this.#stats.errors },
      closes: { ...this.#stats.closes },
    };
  }

  // ---- connections ----

  #onConnection(ws: WebSocket, req: IncomingMessage): void {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const conn: Conn = {
      ws,
      ip,
      nonce: randomBytes(NONCE_BYTES).toString('base64'),
      joining: false,
      replaced: false,
      metadata: {},
      alive: true,
      windowStart: 0,
      windowCount: 0,
      warned: false,
      invalid: 0,
    };
    this.#conns.add(conn);
    this.#perAddress.set(ip, (this.#perAddress.get(ip) ?? 0) + 1);
    ws.on('close', () => this.#onClose(conn));
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes with 1009 itself for frames above maxPayload (RFC 6455 section 7.4.1).
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#count('closes', CloseCode.tooLarge);
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => this.#onFrame(conn, data, isBinary));

    const origin = req.headers.origin;
    if (this.#origins && (origin === undefined ? !this.#allowMissingOrigin : !this.#origins.has(origin))) {
      this.#refuse(conn, 'origin-refused', Messages.originRefused(origin ?? '(none)'), CloseCode.originRefused);
      return;
    }
    if (this.#perAddress.get(ip)! > this.#limits.maxConnectionsPerAddress) {
      this.#refuse(conn, 'too-many-connections', Messages.tooManyConnections(this.#limits.maxConnectionsPerAddress), CloseCode.tryAgainLater);
      return;
    }
    this.#send(conn, JSON.stringify({ type: 'challenge', nonce: conn.nonce }));
    conn.joinTimer = setTimeout(() => {
      if (!conn.peerId) this.#refuse(conn, 'join-timeout', Messages.joinTimeout(this.#limits.joinTimeoutMs), CloseCode.joinTimeout);
    }, this.#limits.joinTimeoutMs);
    conn.joinTimer.unref();
  }

  #onClose(conn: Conn): void {
    if (!this.#conns.delete(conn)) return;
    if (conn.joinTimer) clearTimeout(conn.joinTimer);
    const n = (this.#perAddress.get(conn.ip) ?? 1) - 1;
    if (n > 0) this.#perAddress.set(conn.ip, n);
    else this.#perAddress.delete(conn.ip);
    this.#leave(conn);
  }

  #ping(): void {
    for (const conn of this.#conns) {
      if (!conn.alive) {
        this.#stats.pingTimeouts++;
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      try {
        conn.ws.ping();
      } catch {
        /* closing */
      }
    }
  }

  /** Fixed one-second window per connection; every frame counts, valid or not. */
  #admitRate(conn: Conn): boolean {
    const now = Date.now();
    if (now - conn.windowStart >= 1000) {
      conn.windowStart = now;
      conn.windowCount = 0;
      conn.warned = false;
    }
    conn.windowCount++;
    const limit = this.#limits.maxMessagesPerSecond;
    if (conn.windowCount <= limit) return true;
    if (conn.windowCount > limit * FLOOD_CLOSE_FACTOR) {
      this.#refuse(conn, 'rate-limited', Messages.rateLimited(limit), CloseCode.rateLimited);
    } else if (!conn.warned) {
      conn.warned = true;
      this.#error(conn, 'rate-limited', Messages.rateLimited(limit));
    }
    return false;
  }

  #onFrame(conn: Conn, data: Buffer, isBinary: boolean): void {
    if (!this.#conns.has(conn) || conn.ws.readyState !== 1) return;
    if (!this.#admitRate(conn)) return;
    let msg: ClientMsg;
    try {
      msg = parseClientMessage(data, isBinary, this.#limits.maxMessageBytes);
    } catch (error) {
      if (!(error instanceof MessageValidationError)) throw error;
      this.#error(conn, error.code, error.message);
      if (++conn.invalid > this.#limits.maxInvalidMessages) this.#close(conn, CloseCode.invalidMessages, 'too many invalid messages');
      return;
    }
    switch (msg.type) {
      case 'heartbeat':
        this.#send(conn, '{"type":"heartbeat-ack"}');
        return;
      case 'join':
        void this.#join(conn, msg).catch((error: unknown) => {
          this.#log(`signaling: join failed: ${(error as Error)?.stack ?? error}`);
          this.#error(conn, 'internal', Messages.internal);
        });
        return;
    }
    if (!conn.peerId || !conn.room) {
      this.#error(conn, 'not-joined', Messages.notJoined);
      return;
    }
    switch (msg.type) {
      case 'offer':
      case 'answer':
      case 'ice-candidate':
        this.#relay(conn, msg);
        return;
      case 'announce':
        this.#announce(conn, msg);
        return;
      case 'broadcast':
        this.#broadcast(conn, msg);
        return;
    }
  }

  // ---- rooms ----

  async #join(conn: Conn, msg: JoinMsg): Promise<void> {
    if (conn.peerId || conn.joining) return this.#error(conn, 'already-joined', Messages.alreadyJoined);
    const admit = this.#auth.admit(msg, conn.nonce);
    if (!admit.ok) {
      return this.#refuse(conn, admit.code, admit.message, admit.code === 'auth-required' ? CloseCode.authRequired : CloseCode.authFailed);
    }
    if (!this.#rooms.has(msg.room) && this.#rooms.size >= this.#limits.maxRooms) {
      return this.#error(conn, 'too-many-rooms', Messages.tooManyRooms(this.#limits.maxRooms));
    }
    const peerId = msg.peerId ?? randomBytes(12).toString('base64url');
    const presented = msg.resume !== undefined ? hashHex(msg.resume) : undefined;
    const holder = this.#peers.get(peerId);
    let takeover: Conn | undefined;
    if (holder) {
      if (!presented || holder.resumeHash !== presented || holder.room?.name !== msg.room) {
        return this.#error(conn, 'peer-id-taken', Messages.peerIdTaken(peerId));
      }
      takeover = holder;
    }
    const resume = randomBytes(RESUME_BYTES).toString('base64url');
    const resumeHash = hashHex(resume);
    const metadata = msg.metadata ?? {};
    conn.joining = true;
    let remote: RemotePeer[] = [];
    if (this.#bus) {
      // Also on a local takeover, so Redis holds the new resume hash.
      const claim = await this.#bus.claim(peerId, msg.room, resumeHash, metadata, presented);
      if (claim === 'taken' && !takeover) {
        conn.joining = false;
        return this.#error(conn, 'peer-id-taken', Messages.peerIdTaken(peerId));
      }
      if (claim === 'unavailable') {
        conn.joining = false;
        return this.#error(conn, 'backend-unavailable', Messages.backendUnavailable);
      }
      try {
        remote = await this.#bus.subscribe(msg.room);
      } catch {
        this.#bus.release(peerId);
        conn.joining = false;
        return this.#error(conn, 'backend-unavailable', Messages.backendUnavailable);
      }
    }
    conn.joining = false;
    // The socket may have gone, or another join taken the id, while Redis answered.
    if (!this.#conns.has(conn) || (this.#peers.has(peerId) && this.#peers.get(peerId) !== takeover)) {
      if (this.#bus && !this.#peers.has(peerId)) this.#bus.release(peerId);
      if (this.#conns.has(conn)) this.#error(conn, 'peer-id-taken', Messages.peerIdTaken(peerId));
      return;
    }
    let room = this.#rooms.get(msg.room);
    if (!room) {
      if (this.#rooms.size >= this.#limits.maxRooms) {
        this.#bus?.release(peerId);
        return this.#error(conn, 'too-many-rooms', Messages.tooManyRooms(this.#limits.maxRooms));
      }
      room = { name: msg.room, members: new Map(), remote: new Map() };
      this.#rooms.set(msg.room, room);
    }
    for (const r of remote) if (!room.members.has(r.peerId)) room.remote.set(r.peerId, r);
    room.remote.delete(peerId);
    const size = room.members.size + room.remote.size - (takeover ? 1 : 0);
    if (size >= this.#limits.maxPeersPerRoom) {
      if (!takeover) this.#bus?.release(peerId);
      this.#dropIfEmpty(room);
      return this.#error(conn, 'room-full', Messages.roomFull(msg.room, this.#limits.maxPeersPerRoom));
    }
    if (takeover) {
      takeover.replaced = true;
      room.members.delete(peerId);
      this.#peers.delete(peerId);
      this.#close(takeover, CloseCode.replaced, 'session resumed by another connection');
    }
    if (conn.joinTimer) clearTimeout(conn.joinTimer);
    conn.joinTimer = undefined;
    conn.peerId = peerId;
    conn.room = room;
    conn.metadata = metadata;
    conn.resumeHash = resumeHash;
    const peers: PeerInfo[] = [];
    for (const [id, other] of room.members) peers.push({ peerId: id, metadata: other.metadata });
    for (const [id, other] of room.remote) peers.push({ peerId: id, metadata: other.metadata });
    room.members.set(peerId, conn);
    this.#peers.set(peerId, conn);
    this.#stats.joins++;
    this.#send(conn, JSON.stringify({ type: 'joined', peerId, room: room.name, peers, resume }));
    this.#toRoom(room, peerId, JSON.stringify({ type: 'peer-joined', peerId, metadata }));
    this.#bus?.publish(room.name, { k: 'joined', p: this.#bus.procId, peerId, metadata });
    this.#observe({ type: 'join', room: room.name, peerId, at: Date.now() });
  }

  #observe(observation: SignalingObservation): void {
    if (!this.#observer) return;
    try {
      this.#observer(observation);
    } catch (error) {
      this.#log(`signaling: observer failed: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  #leave(conn: Conn): void {
    const { peerId, room } = conn;
    if (!peerId || !room) return;
    conn.peerId = undefined;
    conn.room = undefined;
    if (conn.replaced) return;
    room.members.delete(peerId);
    this.#peers.delete(peerId);
    this.#toRoom(room, peerId, JSON.stringify({ type: 'peer-left', peerId }));
    if (this.#bus) {
      this.#bus.publish(room.name, { k: 'left', p: this.#bus.procId, peerId });
      this.#bus.release(peerId);
    }
    this.#observe({ type: 'leave', room: room.name, peerId, at: Date.now() });
    this.#dropIfEmpty(room);
  }

  #dropIfEmpty(room: Room): void {
    if (room.members.size) return;
    this.#rooms.delete(room.name);
    this.#bus?.unsubscribe(room.name);
  }

  #relay(conn: Conn, msg: OfferMsg | AnswerMsg | IceMsg): void {
    const room = conn.room!;
    const from = conn.peerId!;
    // The server writes `from`; the schema already refused a client-supplied one.
    const frame =
      msg.type === 'ice-candidate'
        ? JSON.stringify({ type: msg.type, from, to: msg.to, candidate: msg.candidate, mid: msg.mid })
        : JSON.stringify({ type: msg.type, from, to: msg.to, sdp: msg.sdp });
    const local = msg.to !== from ? room.members.get(msg.to) : undefined;
    if (local) {
      this.#stats.relayed++;
      this.#send(local, frame);
      this.#observeRelay(room, from, msg);
      return;
    }
    if (this.#bus && room.remote.has(msg.to)) {
      if (!this.#bus.publish(room.name, { k: 'frame', p: this.#bus.procId, from, to: msg.to, frame })) {
        return this.#error(conn, 'backend-unavailable', Messages.backendUnavailable);
      }
      this.#stats.relayed++;
      this.#observeRelay(room, from, msg);
      return;
    }
    this.#error(conn, 'unknown-peer', Messages.unknownPeer(msg.to));
  }

  /** Offers and answers are observed where they enter the server (the sender's process); candidates are not. */
  #observeRelay(room: Room, from: string, msg: OfferMsg | AnswerMsg | IceMsg): void {
    if (msg.type === 'ice-candidate') return;
    this.#observe({ type: msg.type, room: room.name, peerId: from, to: msg.to, sdp: msg.sdp, at: Date.now() });
  }

  #announce(conn: Conn, msg: AnnounceMsg): void {
    const room = conn.room!;
    const from = conn.peerId!;
    conn.metadata = msg.metadata;
    const frame = JSON.stringify({ type: 'announce', from, metadata: msg.metadata });
    this.#toRoom(room, from, frame);
    if (this.#bus) {
      this.#bus.setMetadata(from, msg.metadata);
      this.#bus.publish(room.name, { k: 'announce', p: this.#bus.procId, peerId: from, metadata: msg.metadata, frame });
    }
  }

  #broadcast(conn: Conn, msg: BroadcastMsg): void {
    const room = conn.room!;
    const from = conn.peerId!;
    const frame = JSON.stringify({ type: 'broadcast', from, payload: msg.payload });
    this.#stats.broadcasts++;
    this.#toRoom(room, from, frame);
    this.#bus?.publish(room.name, { k: 'frame', p: this.#bus.procId, from, frame });
  }

  /** Sends a frame to every local member of a room but `except`. */
  #toRoom(room: Room, except: string | undefined, frame: string): void {
    for (const [id, member] of room.members) if (id !== except) this.#send(member, frame);
  }

  // ---- Redis events ----

  #onBusEvent(roomName: string, ev: BusEvent): void {
    const room = this.#rooms.get(roomName);
    if (!room) return;
    switch (ev.k) {
      case 'joined': {
        if (room.members.has(ev.peerId)) return;
        const known = room.remote.get(ev.peerId);
        room.remote.set(ev.peerId, { peerId: ev.peerId, proc: ev.p, metadata: ev.metadata });
        // A process re-announcing its peers after an outage changes nothing for those we know.
        if (known?.proc === ev.p) return;
        this.#toRoom(room, undefined, JSON.stringify({ type: 'peer-joined', peerId: ev.peerId, metadata: ev.metadata }));
        return;
      }
      case 'left': {
        const r = room.remote.get(ev.peerId);
        if (!r || r.proc !== ev.p) return;
        room.remote.delete(ev.peerId);
        this.#toRoom(room, undefined, JSON.stringify({ type: 'peer-left', peerId: ev.peerId }));
        return;
      }
      case 'announce': {
        const r = room.remote.get(ev.peerId);
        if (r) r.metadata = ev.metadata;
        this.#toRoom(room, ev.peerId, ev.frame);
        return;
      }
      case 'frame':
        if (ev.to !== undefined) {
          const target = room.members.get(ev.to);
          if (target) this.#send(target, ev.frame);
        } else this.#toRoom(room, ev.from, ev.frame);
        return;
      case 'kick': {
        const conn = room.members.get(ev.peerId);
        if (!conn || ev.owner !== this.#bus?.procId) return;
        // Another process resumed this peer: drop our stale socket without a peer-left.
        conn.replaced = true;
        room.members.delete(ev.peerId);
        this.#peers.delete(ev.peerId);
        this.#bus.forget(ev.peerId);
        this.#close(conn, CloseCode.replaced, 'session resumed by another connection');
        return;
      }
    }
  }

  #onProcGone(proc: string): void {
    for (const room of this.#rooms.values()) {
      const gone = [...room.remote.values()].filter((r) => r.proc === proc).map((r) => r.peerId);
      for (const id of gone) {
        room.remote.delete(id);
        this.#toRoom(room, undefined, JSON.stringify({ type: 'peer-left', peerId: id }));
      }
      this.#bus?.purge(room.name, gone);
    }
  }

  /**
   * After Redis returns: write our peers back and announce them (others add what they lost),
   * then, once the others have surely returned too, re-read every room and report the difference.
   */
  async #resync(): Promise<void> {
    const bus = this.#bus;
    if (!bus) return;
    for (let i = 0; i < 200 && !bus.ready; i++) await new Promise((r) => setTimeout(r, 50));
    if (!bus.ready || bus !== this.#bus) return;
    await bus.reassert();
    bus.announceOwned();
    // Give the other processes time to reconnect and write theirs back before reading.
    await new Promise((r) => setTimeout(r, bus.settleMs));
    if (bus !== this.#bus) return;
    for (const room of [...this.#rooms.values()]) {
      let now: RemotePeer[];
      try {
        now = await bus.members(room.name);
      } catch {
        continue;
      }
      const seen = new Set<string>();
      for (const r of now) {
        if (room.members.has(r.peerId)) continue;
        seen.add(r.peerId);
        if (!room.remote.has(r.peerId)) {
          room.remote.set(r.peerId, r);
          this.#toRoom(room, undefined, JSON.stringify({ type: 'peer-joined', peerId: r.peerId, metadata: r.metadata }));
        }
      }
      for (const id of [...room.remote.keys()]) {
        if (seen.has(id)) continue;
        room.remote.delete(id);
        this.#toRoom(room, undefined, JSON.stringify({ type: 'peer-left', peerId: id }));
      }
    }
  }

  // ---- sending ----

  #send(conn: Conn, frame: string): void {
    const ws = conn.ws;
    if (ws.readyState !== 1) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.#stats.slowConsumers++;
      ws.terminate();
      return;
    }
    ws.send(frame);
  }

  #count(kind: 'closes', key: number): void;
  #count(kind: 'errors', key: ErrorCode): void;
  #count(kind: 'errors' | 'closes', key: string | number): void {
    const table = this.#stats[kind] as Record<string | number, number>;
    table[key] = (table[key] ?? 0) + 1;
  }

  #error(conn: Conn, code: ErrorCode, message: string): void {
    this.#count('errors', code);
    this.#send(conn, JSON.stringify({ type: 'error', code, message }));
  }

  /** Error frame, then close: for refusals after which the connection must go. */
  #refuse(conn: Conn, code: ErrorCode, message: string, closeCode: number): void {
    this.#error(conn, code, message);
    this.#close(conn, closeCode, code);
  }

  #close(conn: Conn, code: number, reason: string): void {
    if (conn.ws.readyState > 1) return;
    this.#count('closes', code);
    conn.ws.close(code, reason);
  }
}
