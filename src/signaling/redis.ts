/**
 * Several server processes sharing rooms through Redis (ioredis). What lives in Redis:
 *  - `peer:<id>`: who owns a peer id (process, room, hash of the resume secret). Claimed with
 *    `SET NX PX <ttl>` and refreshed every `refreshMs`, so ids are unique across processes and
 *    a killed process's ids expire after the TTL.
 *  - `room:<name>`: hash of members (peer id -> process and metadata), read when a process
 *    first holds a member of the room.
 *  - pub/sub channel `room:<name>`: joins, leaves, announces, relayed frames and kicks;
 *    channel `procs`: each process's heartbeat. A process silent for the TTL is gone: the
 *    others drop its members and tell their own peers `peer-left`.
 * Pub/sub is at-most-once: what is published while a process is cut off from Redis is lost.
 * After Redis returns, each process re-asserts its own peers and re-reads every room it holds,
 * and the server turns the difference into `peer-joined` / `peer-left` (docs/signaling.md).
 */
import { Redis } from 'ioredis';
import { DEFAULT_REDIS_REFRESH_MS, DEFAULT_REDIS_TTL_MS, REDIS_PREFIX, REDIS_RETRY_MAX_MS } from './constants.js';
import type { Metadata } from './messages.js';

export type BusEvent =
  | { k: 'joined'; p: string; peerId: string; metadata: Metadata }
  | { k: 'left'; p: string; peerId: string }
  | { k: 'announce'; p: string; peerId: string; metadata: Metadata; frame: string }
  /** A wire frame for one local member (`to`) or for every local member but `from`. */
  | { k: 'frame'; p: string; from: string; to?: string; frame: string }
  | { k: 'kick'; p: string; peerId: string; owner: string };

export interface RemotePeer {
  peerId: string;
  proc: string;
  metadata: Metadata;
}

export interface BusHandlers {
  event(room: string, event: BusEvent): void;
  /** A process stopped sending heartbeats: drop its members. */
  procGone(proc: string): void;
  /** Redis came back after a drop: re-assert and re-read (the server calls reassert + members). */
  reconnected(): void;
}

export interface RedisBusOptions {
  refreshMs?: number;
  ttlMs?: number;
  prefix?: string;
}

export type ClaimResult = 'ok' | 'taken' | 'resumed' | 'unavailable';

/** Deletes a key only when it still holds our value. */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export class RedisBus {
  readonly procId: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #handlers: BusHandlers;
  readonly #refreshMs: number;
  readonly #ttlMs: number;
  readonly #prefix: string;
  /** Our peers: id -> the exact value we wrote (for refresh and conditional release). */
  readonly #owned = new Map<string, { room: string; value: string; metadata: Metadata }>();
  readonly #lastSeen = new Map<string, number>();
  readonly #rooms = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #wasReady = false;
  #lost = false;

  constructor(url: string, procId: string, handlers: BusHandlers, options: RedisBusOptions = {}) {
    this.procId = procId;
    this.#handlers = handlers;
    this.#refreshMs = options.refreshMs ?? DEFAULT_REDIS_REFRESH_MS;
    this.#ttlMs = options.ttlMs ?? DEFAULT_REDIS_TTL_MS;
    this.#prefix = options.prefix ?? REDIS_PREFIX;
    const common = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 100, REDIS_RETRY_MAX_MS) };
    this.#pub = new Redis(url, { ...common, enableOfflineQueue: false });
    this.#sub = new Redis(url, { ...common });
    for (const r of [this.#pub, this.#sub]) r.on('error', () => {
      /* ioredis reconnects; state changes arrive as 'close'/'ready' */
    });
    this.#sub.on('close', () => {
      if (this.#wasReady) this.#lost = true;
    });
    this.#sub.on('ready', () => {
      if (this.#lost) {
        this.#lost = false;
        // Nobody's heartbeats reached us while we were cut off: start every process's clock again.
        const now = Date.now();
        for (const proc of this.#lastSeen.keys()) this.#lastSeen.set(proc, now);
        // Give the command connection a moment to be back too.
        setTimeout(() => this.#handlers.reconnected(), 100).unref();
      }
      this.#wasReady = true;
    });
    this.#sub.on('message', (channel: string, text: string) => this.#onMessage(channel, text));
  }

  async start(): Promise<void> {
    await Promise.all([this.#pub.connect(), this.#sub.connect()]);
    await this.#sub.subscribe(this.#channel('procs'));
    this.#timer = setInterval(() => void this.#refresh(), this.#refreshMs);
    this.#timer.unref();
    void this.#refresh();
  }

  get ready(): boolean {
    return this.#pub.status === 'ready';
  }

  #key(kind: 'peer' | 'room', name: string): string {
    return `${this.#prefix}${kind}:${name}`;
  }
  #channel(name: string): string {
    return `${this.#prefix}ch:${name}`;
  }

  /**
   * Claims a peer id for this process. With `presentedResume` (hash) matching the owner's,
   * takes the id over and tells its old process to drop the stale socket.
   */
  async claim(peerId: string, room: string, resumeHash: string, metadata: Metadata, presentedResume?: string): Promise<ClaimResult> {
    const value = JSON.stringify({ p: this.procId, r: room, h: resumeHash });
    const key = this.#key('peer', peerId);
    try {
      let result: ClaimResult = 'ok';
      if ((await this.#pub.set(key, value, 'PX', this.#ttlMs, 'NX')) !== 'OK') {
        const current = await this.#pub.get(key);
        const owner = current ? (JSON.parse(current) as { p: string; r: string; h: string }) : undefined;
        if (!owner || !presentedResume || owner.h !== presentedResume || owner.r !== room) return 'taken';
        await this.#pub.set(key, value, 'PX', this.#ttlMs);
        this.publish(room, { k: 'kick', p: this.procId, peerId, owner: owner.p });
        result = 'resumed';
      }
      this.#owned.set(peerId, { room, value, metadata });
      await this.#pub.hset(this.#key('room', room), peerId, JSON.stringify({ p: this.procId, m: metadata }));
      return result;
    } catch {
      return 'unavailable';
    }
  }

  /** Gives a peer id back (only if we still own it) and removes it from its room. */
  release(peerId: string): void {
    const owned = this.#owned.get(peerId);
    if (!owned) return;
    this.#owned.delete(peerId);
    this.#pub.eval(RELEASE_SCRIPT, 1, this.#key('peer', peerId), owned.value).catch(() => {});
    // A resumed id is forget()-ed, never released, so the room entry here is still ours.
    this.#pub.hdel(this.#key('room', owned.room), peerId).catch(() => {});
  }

  /** Forgets a peer id without deleting it in Redis (another process resumed it). */
  forget(peerId: string): void {
    this.#owned.delete(peerId);
  }

  setMetadata(peerId: string, metadata: Metadata): void {
    const owned = this.#owned.get(peerId);
    if (!owned) return;
    owned.metadata = metadata;
    this.#pub.hset(this.#key('room', owned.room), peerId, JSON.stringify({ p: this.procId, m: metadata })).catch(() => {});
  }

  /** Starts receiving a room's events; returns its members held by other live processes. */
  async subscribe(room: string): Promise<RemotePeer[]> {
    if (!this.#rooms.has(room)) {
      this.#rooms.add(room);
      await this.#sub.subscribe(this.#channel(`room:${room}`));
    }
    return this.members(room);
  }

  unsubscribe(room: string): void {
    if (!this.#rooms.delete(room)) return;
    this.#sub.unsubscribe(this.#channel(`room:${room}`)).catch(() => {});
  }

  /** Members of a room on other processes, as Redis holds them now. */
  async members(room: string): Promise<RemotePeer[]> {
    const all = await this.#pub.hgetall(this.#key('room', room));
    const out: RemotePeer[] = [];
    const now = Date.now();
    for (const [peerId, text] of Object.entries(all)) {
      try {
        const { p, m } = JSON.parse(text) as { p: string; m: Metadata };
        if (p === this.procId) continue;
        if (!this.#lastSeen.has(p)) this.#lastSeen.set(p, now);
        out.push({ peerId, proc: p, metadata: m ?? {} });
      } catch {
        /* not ours: skip */
      }
    }
    return out;
  }

  /** Publishes to a room's channel; false when Redis is not reachable now. */
  publish(room: string, event: BusEvent): boolean {
    if (!this.ready) return false;
    this.#pub.publish(this.#channel(`room:${room}`), JSON.stringify(event)).catch(() => {});
    return true;
  }

  /** Writes our peers back (after Redis lost them, e.g. a restart with an empty data set). */
  async reassert(): Promise<void> {
    const batch = this.#pub.multi();
    for (const [peerId, owned] of this.#owned) {
      batch.set(this.#key('peer', peerId), owned.value, 'PX', this.#ttlMs);
      batch.hset(this.#key('room', owned.room), peerId, JSON.stringify({ p: this.procId, m: owned.metadata }));
    }
    await batch.exec().catch(() => {});
  }

  /** Publishes a `joined` for every peer we own (after an outage, so others re-learn them). */
  announceOwned(): void {
    for (const [peerId, owned] of this.#owned) this.publish(owned.room, { k: 'joined', p: this.procId, peerId, metadata: owned.metadata });
  }

  /** How long after our own return the others have surely returned and written their peers back. */
  get settleMs(): number {
    return this.#refreshMs + REDIS_RETRY_MAX_MS;
  }

  async #refresh(): Promise<void> {
    if (this.ready) {
      this.#pub.publish(this.#channel('procs'), JSON.stringify({ p: this.procId })).catch(() => {});
      if (this.#owned.size) {
        const batch = this.#pub.pipeline();
        const ids = [...this.#owned.keys()];
        for (const id of ids) batch.pexpire(this.#key('peer', id), this.#ttlMs);
        const results = await batch.exec().catch(() => null);
        // A key that vanished (Redis restarted empty) is written again.
        if (results?.some(([, n], i) => n === 0 && this.#owned.has(ids[i]))) await this.reassert();
      }
    }
    // Cut off from Redis we cannot tell a dead process from our own outage: judge nobody.
    if (!this.ready || this.#lost) return;
    const now = Date.now();
    for (const [proc, seen] of this.#lastSeen) {
      if (now - seen > this.#ttlMs) {
        this.#lastSeen.delete(proc);
        this.#handlers.procGone(proc);
      }
    }
  }

  /** Deletes a dead process's entries from a room hash (any process may; idempotent). */
  purge(room: string, peerIds: string[]): void {
    if (peerIds.length && this.ready) this.#pub.hdel(this.#key('room', room), ...peerIds).catch(() => {});
  }

  #onMessage(channel: string, text: string): void {
    let event: BusEvent;
    try {
      event = JSON.parse(text) as BusEvent;
    } catch {
      return;
    }
    if (!event || typeof event.p !== 'string' || event.p === this.procId) return;
    this.#lastSeen.set(event.p, Date.now());
    const prefix = this.#channel('room:');
    if (channel.startsWith(prefix)) this.#handlers.event(channel.slice(prefix.length), event);
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    for (const id of [...this.#owned.keys()]) this.release(id);
    await Promise.allSettled([this.#pub.quit(), this.#sub.quit()]);
    this.#pub.disconnect();
    this.#sub.disconnect();
  }
}
