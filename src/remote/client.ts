/**
 * The caller's side: connect to an executor (`spell serve`) through its signaling server,
 * negotiate a WebRTC connection (src/peer), read its hello (protocol and capabilities), and
 * run sub-pipelines there as sessions: frames in, each output node's frames back, then its
 * statistics. Every wait has a timeout; every failure is a RemoteError saying which executor
 * and, for a node's failure there, which node.
 */
import { Peer } from '../peer/index.js';
import type { ExecutorCapabilities, ExecutorInfo, Frame } from '../pipeline/index.js';
import { SignalingClient } from '../signaling/index.js';
import { DEFAULTS, LIMITS, Messages, PROTOCOL } from './constants.js';
import { RemoteError } from './errors.js';
import { RemoteLink, trickle } from './link.js';
import { OpusTrackInput, OpusTrackOutput } from './audio-track.js';
import type { AudioPacket } from '../peer/index.js';
import type { AudioFrame } from '../pipeline/index.js';
import type { OpusSampleRate } from '../encoding/index.js';
import type { ControlMessage, FrameMessage, SessionStats, TrackAudio, WireMessage } from './wire.js';

export interface ConnectOptions {
  /** The executor's name in manifests (its `host`); default: the URL. */
  name?: string;
  token?: string;
  timeoutMs?: number;
  /** Address node-datachannel binds for ICE (default 127.0.0.1 for a loopback URL). */
  bindAddress?: string;
  /** Negotiate an Opus track both ways, for sessions whose audio goes on it (`start(..., { audio })`). */
  audio?: boolean;
}

/** WebRTC attempts per connection (a new peer each time). */
const CONNECT_ATTEMPTS = 3;

/** The executor's signaling URL from what a manifest or a user writes (ws://, http://, host:port). */
export function executorUrl(hostOrUrl: string): string {
  let u = hostOrUrl.trim();
  if (/^https?:\/\//i.test(u)) u = u.replace(/^http/i, 'ws');
  else if (!/^wss?:\/\//i.test(u)) u = `ws://${u}`;
  const url = new URL(u);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/signaling';
  return url.toString();
}

function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(onTimeout()), ms)))]).finally(() => clearTimeout(timer));
}

/** An output frame of a session and the node (and port) of the sub-pipeline that emitted it. */
export interface SessionOutput {
  node: string;
  port?: string;
  frame: Frame;
}

/** One sub-pipeline running on the executor. */
export class RemoteSession {
  readonly #outputs: SessionOutput[] = [];
  #wake: (() => void) | undefined;
  #finished = false;
  #error: RemoteError | undefined;
  #resolveDone!: (s: SessionStats) => void;
  #rejectDone!: (e: RemoteError) => void;
  /** Resolves with the executor's statistics once every output has arrived; rejects with RemoteError. */
  readonly done: Promise<SessionStats>;
  /** Output frames dropped because the local reader fell behind (oldest first). */
  dropped = 0;
  framesSent = 0;
  framesReceived = 0;

  constructor(readonly id: number, readonly connection: ExecutorConnection, readonly nodes: string[], readonly digest: string, private readonly capacity: number) {
    this.done = new Promise<SessionStats>((resolve, reject) => {
      this.#resolveDone = resolve;
      this.#rejectDone = reject;
    });
    this.done.catch(() => undefined);
  }

  /** With audio on the track: our encoder out, the decoder of what comes back, and where our audio ends. */
  #trackOut: OpusTrackOutput | undefined;
  #trackIn: OpusTrackInput | undefined;
  #trackPending: AudioPacket[] = [];
  #audioUntilUs: number | undefined;
  #packetsBack = 0;
  #doneStats: SessionStats | undefined;
  /** The audio this session sends and gets back goes on the connection's Opus track. */
  audio: TrackAudio | undefined;

  /** Send one audio frame on the Opus track (sessions started with `audio.input`). */
  sendAudio(frame: AudioFrame): void {
    if (this.#error) throw this.#error;
    if (this.#finished) throw new RemoteError('bad-message', `session ${this.id} has finished`);
    const sender = this.connection.link.peer.audio;
    if (!this.audio?.input || !sender) throw new RemoteError('bad-message', `session ${this.id} has no audio track (connect with audio and start with audio.input)`);
    this.#trackOut ??= new OpusTrackOutput(sender, (sampleRate, channels) => void this.connection.link.send({ type: 'audio-format', session: this.id, sampleRate, channels }).catch(() => undefined));
    this.#trackOut.push(frame);
    const end = frame.mediaTimeUs + (frame.samples.length / frame.channels / frame.sampleRate) * 1e6;
    this.#audioUntilUs = Math.max(this.#audioUntilUs ?? 0, end);
    this.framesSent++;
  }

  /** @internal An Opus packet of this session's returned audio. */
  deliverAudio(packet: AudioPacket): void {
    if (!this.#trackIn) {
      if (this.#trackPending.length < 100) this.#trackPending.push(packet);
      return;
    }
    this.#packetsBack++;
    for (const frame of this.#trackIn.push(packet)) this.deliver({ type: 'frame', session: this.id, node: 'audio-track', frame });
    this.#maybeFinish();
  }

  /** @internal The executor said how its audio on the track is encoded. */
  audioFormat(sampleRate: number, channels: number): void {
    if (this.#trackIn) return;
    this.#trackIn = new OpusTrackInput({ sampleRate: sampleRate as OpusSampleRate, channels: channels as 1 | 2, absoluteTime: true });
    const pending = this.#trackPending;
    this.#trackPending = [];
    for (const p of pending) this.deliverAudio(p);
  }

  /** Send one input frame (resolves when the channel has taken it). */
  async send(frame: Frame): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#finished) throw new RemoteError('bad-message', `session ${this.id} has finished`);
    await this.connection.link.send({ type: 'frame', session: this.id, frame });
    this.framesSent++;
  }

  /** No more input: the executor flushes and finishes. */
  end(): void {
    if (this.#finished || this.#error) return;
    this.#trackOut?.flush();
    const audioUntilUs = this.#audioUntilUs;
    void this.connection.link.send({ type: 'end', session: this.id, ...(audioUntilUs !== undefined ? { audioUntilUs } : {}) }).catch(() => undefined);
  }

  /** Give up: the executor stops the sub-pipeline. */
  stop(): void {
    if (this.#finished || this.#error) return;
    void this.connection.link.send({ type: 'stop', session: this.id }).catch(() => undefined);
    this.fail(new RemoteError('remote-node-failed', `session ${this.id} stopped by the caller`));
  }

  /** Output frames as they arrive, until the session ends (throws its error, if any). */
  async *outputs(): AsyncGenerator<SessionOutput> {
    for (;;) {
      const o = this.#outputs.shift();
      if (o) { yield o; continue; }
      if (this.#error) throw this.#error;
      if (this.#finished) return;
      await new Promise<void>((r) => (this.#wake = r));
    }
  }

  /** @internal */
  deliver(msg: FrameMessage): void {
    this.framesReceived++;
    if (this.#outputs.length >= this.capacity) {
      this.#outputs.shift();
      this.dropped++;
    }
    this.#outputs.push({ node: msg.node ?? '?', ...(msg.port !== undefined ? { port: msg.port } : {}), frame: msg.frame });
    this.#poke();
  }

  /**
   * @internal `done` from the executor. Audio on the track can trail the data channel: the
   * session finishes once the packets it says it sent are here, or after a grace period.
   */
  finish(stats: SessionStats): void {
    if (this.#finished || this.#error || this.#doneStats) return;
    this.#doneStats = stats;
    if (this.audio?.output && (stats.audio?.packetsOut ?? 0) > this.#packetsBack) {
      setTimeout(() => this.#finishNow(), 1000).unref?.();
      return;
    }
    this.#finishNow();
  }

  #maybeFinish(): void {
    if (this.#doneStats && this.#packetsBack >= (this.#doneStats.audio?.packetsOut ?? 0)) this.#finishNow();
  }

  #finishNow(): void {
    const stats = this.#doneStats!;
    if (this.#finished || this.#error) return;
    this.#finished = true;
    this.#resolveDone(stats);
    this.#poke();
  }

  /** @internal */
  fail(error: RemoteError): void {
    if (this.#finished || this.#error) return;
    this.#error = error;
    this.#rejectDone(error);
    this.#poke();
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}

/** A live connection to one executor. */
export class ExecutorConnection {
  readonly #sessions = new Map<number, RemoteSession>();
  readonly #starting = new Map<number, { resolve: (m: ControlMessage & { type: 'started' }) => void; reject: (e: RemoteError) => void }>();
  readonly #storing = new Map<number, { resolve: (m: ControlMessage & { type: 'package-stored' }) => void; reject: (e: RemoteError) => void }>();
  /** Packages sent over the channel, and their bytes. */
  packagesSent = 0;
  packageBytesSent = 0;
  #next = 1;
  #lostReason: string | undefined;
  #closing = false;

  /** The session whose audio comes back on the track (one at a time). */
  #audioSession: RemoteSession | undefined;

  constructor(readonly info: ExecutorInfo & { capabilities: ExecutorCapabilities }, readonly link: RemoteLink, private readonly signaling: SignalingClient) {
    link.on('message', (m) => this.#onMessage(m));
    link.peer.on('audioPacket', (p) => this.#audioSession?.deliverAudio(p));
    link.on('lost', ({ reason }) => this.#onLost(reason));
    // The executor's signaling server lives in its process: its socket closing means the
    // executor is gone, seconds before ICE consent freshness (RFC 7675) would say so.
    signaling.on('disconnected', ({ code }) => {
      if (!this.#closing) link.close(`the executor's signaling connection closed (code ${code})`);
    });
  }

  get url(): string {
    return this.info.url;
  }

  /** Why the connection is gone, or undefined while it is up. */
  get lostReason(): string | undefined {
    return this.#lostReason;
  }

  /**
   * Start a sub-pipeline: a RemoteMedia v1 manifest (JSON text), or `{ package }`, a signed
   * package the executor resolves, verifies with its own trust and runs (packages.ts).
   * Rejects with the executor's refusal.
   */
  /** Whether this connection has an Opus track free for a session's audio. */
  get audioTrackFree(): boolean {
    return this.link.peer.audio !== undefined && this.#audioSession === undefined;
  }

  async start(manifest: string | { package: string }, options: { timeoutMs?: number; outputCapacity?: number; audio?: TrackAudio } = {}): Promise<RemoteSession> {
    if (this.#lostReason) throw new RemoteError('connection-lost', Messages.unreachable(this.url, this.#lostReason));
    const audio = options.audio && (options.audio.input || options.audio.output) ? { ...options.audio, absoluteTime: true } : undefined;
    if (audio && !this.audioTrackFree) throw new RemoteError('bad-message', `${this.url}: no free audio track on this connection (connect with audio: true; one session at a time)`);
    const id = this.#next++;
    const started = new Promise<ControlMessage & { type: 'started' }>((resolve, reject) => this.#starting.set(id, { resolve, reject }));
    // The session exists before `started` arrives: frames may follow it at once.
    const session = new RemoteSession(id, this, [], '', options.outputCapacity ?? DEFAULTS.outputQueue);
    session.audio = audio;
    this.#sessions.set(id, session);
    if (audio) this.#audioSession = session;
    session.done.finally(() => { if (this.#audioSession === session) this.#audioSession = undefined; }).catch(() => undefined);
    await this.link.send(typeof manifest === 'string' ? { type: 'start', session: id, manifest, ...(audio ? { audio } : {}) } : { type: 'start', session: id, package: manifest.package });
    const timeoutMs = options.timeoutMs ?? (typeof manifest === 'string' ? DEFAULTS.startTimeoutMs : DEFAULTS.packageStartTimeoutMs);
    try {
      const s = await withTimeout(started, timeoutMs, () => new RemoteError('timeout', Messages.timeout(this.url, 'answer to start', timeoutMs)));
      session.nodes.push(...s.nodes);
      (session as { digest: string }).digest = s.digest;
      return session;
    } catch (e) {
      this.#sessions.delete(id);
      session.fail(e instanceof RemoteError ? e : new RemoteError('remote-node-failed', String(e)));
      throw e;
    } finally {
      this.#starting.delete(id);
    }
  }

  /**
   * Send a package (.rmpkg bytes) named by its package manifest's digest, in parts of one
   * channel message each. Resolves once the executor has checked the digest, verified the
   * package with its own trust policy and cached it; rejects with its refusal.
   */
  async sendPackage(bytes: Uint8Array, options: { digest: string; timeoutMs?: number }): Promise<ControlMessage & { type: 'package-stored' }> {
    if (this.#lostReason) throw new RemoteError('connection-lost', Messages.unreachable(this.url, this.#lostReason));
    const id = this.#next++;
    const stored = new Promise<ControlMessage & { type: 'package-stored' }>((resolve, reject) => this.#storing.set(id, { resolve, reject }));
    let refused = false;
    stored.catch(() => (refused = true));
    try {
      await this.link.send({ type: 'package', session: id, digest: options.digest, size: bytes.length });
      const part = LIMITS.chunkBytes - 5;
      for (let at = 0; at < bytes.length && !refused; at += part) {
        await this.link.send({ type: 'package-data', session: id, bytes: bytes.subarray(at, Math.min(bytes.length, at + part)) });
      }
      this.packagesSent++;
      this.packageBytesSent += bytes.length;
      const timeoutMs = options.timeoutMs ?? DEFAULTS.packageStoreTimeoutMs;
      return await withTimeout(stored, timeoutMs, () => new RemoteError('timeout', Messages.timeout(this.url, 'answer to a package sent', timeoutMs)));
    } finally {
      this.#storing.delete(id);
    }
  }

  #onMessage(m: WireMessage): void {
    switch (m.type) {
      case 'package-stored':
        this.#storing.get(m.session)?.resolve(m);
        return;
      case 'started':
        this.#starting.get(m.session)?.resolve(m);
        return;
      case 'frame':
        this.#sessions.get(m.session)?.deliver(m);
        return;
      case 'audio-format':
        this.#sessions.get(m.session)?.audioFormat(m.sampleRate, m.channels);
        return;
      case 'done': {
        const s = this.#sessions.get(m.session);
        this.#sessions.delete(m.session);
        s?.finish(m.stats);
        return;
      }
      case 'error': {
        // An error answering a start or a package sent is a refusal; the executor's own code is kept.
        const refused = m.code === 'refused' || (m.session !== undefined && (this.#starting.has(m.session) || this.#storing.has(m.session)));
        const error = new RemoteError(refused ? 'refused' : 'remote-node-failed', m.nodeId ? Messages.remoteNodeFailed(this.url, m.nodeId, m.message) : `${this.url}: ${m.message}`, m.nodeId, { remoteCode: m.code });
        if (m.session === undefined) return; // a complaint about one of our messages, not about a session
        this.#starting.get(m.session)?.reject(error);
        this.#storing.get(m.session)?.reject(error);
        const s = this.#sessions.get(m.session);
        this.#sessions.delete(m.session);
        s?.fail(error);
        return;
      }
      default:
        return;
    }
  }

  #onLost(reason: string): void {
    this.#lostReason = reason;
    const error = new RemoteError('connection-lost', `lost the connection to ${this.url}: ${reason}`);
    for (const w of this.#starting.values()) w.reject(error);
    for (const w of this.#storing.values()) w.reject(error);
    for (const s of this.#sessions.values()) s.fail(error);
    this.#sessions.clear();
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const s of this.#sessions.values()) s.stop();
    this.link.close();
    await this.signaling.close();
  }
}

/**
 * Connect to an executor: join its signaling room, offer a WebRTC connection with one data
 * channel, and read its hello. Rejects with RemoteError 'unreachable' (naming the URL and why),
 * 'timeout' or 'protocol'.
 */
export async function connectExecutor(hostOrUrl: string, options: ConnectOptions = {}): Promise<ExecutorConnection> {
  const url = executorUrl(hostOrUrl);
  const timeoutMs = options.timeoutMs ?? DEFAULTS.connectTimeoutMs;
  const signaling = new SignalingClient({ url, room: DEFAULTS.room, token: options.token, metadata: { role: 'caller' }, reconnect: false });
  signaling.on('error', () => undefined);
  let peer: Peer | undefined;
  let stopTrickle: (() => void) | undefined;
  const attempt = async (): Promise<ExecutorConnection> => {
    let joined;
    try {
      joined = await signaling.connect();
    } catch (e) {
      throw new RemoteError('unreachable', Messages.unreachable(url, (e as Error).message), undefined, { cause: e });
    }
    const executor = joined.peers.find((p) => p.peerId === DEFAULTS.executorPeerId);
    if (!executor) throw new RemoteError('unreachable', Messages.unreachable(url, 'no executor in its room'));
    const host = new URL(url).hostname;
    const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
    const bindAddress = options.bindAddress ?? (loopback ? '127.0.0.1' : undefined);
    // libdatachannel now and then fails a DTLS handshake (docs/peer.md), more often on a loaded
    // machine: up to two more tries, each with a new peer.
    let h: ControlMessage & { type: 'hello' } | undefined;
    let link: RemoteLink | undefined;
    for (let attempt = 1; !h; attempt++) {
      stopTrickle?.();
      peer?.close();
      peer = new Peer({ name: 'remote-caller', video: false, audio: options.audio === true, receiveAudio: options.audio === true, ...(bindAddress ? { bindAddress } : {}) });
      peer.on('error', () => undefined);
      stopTrickle = trickle(peer, signaling, executor.peerId);
      const channel = peer.createChannel({ label: DEFAULTS.channelLabel });
      const thisLink = new RemoteLink(peer, channel, executor.peerId);
      const hello = new Promise<ControlMessage & { type: 'hello' }>((resolve, reject) => {
        thisLink.on('message', (m) => { if (m.type === 'hello') resolve(m); });
        thisLink.on('lost', ({ reason }) => reject(new RemoteError('unreachable', Messages.unreachable(url, reason))));
      });
      hello.catch(() => undefined); // awaited below; a loss after a timeout must not be unhandled
      const answered = new Promise<string>((resolve) => {
        const off = signaling.on('answer', ({ from, sdp }) => { if (from === executor.peerId) { off(); resolve(sdp); } });
      });
      const offer = await peer.createOffer();
      signaling.send({ type: 'offer', to: executor.peerId, sdp: offer.sdp });
      await peer.acceptAnswer(await answered);
      try {
        h = await hello;
        link = thisLink;
      } catch (e) {
        if (attempt >= CONNECT_ATTEMPTS) throw e;
      }
    }
    if (h.protocol !== PROTOCOL) throw new RemoteError('protocol', Messages.protocol(url, h.protocol));
    return new ExecutorConnection({ name: options.name ?? url, url, capabilities: h.capabilities }, link!, signaling);
  };
  try {
    return await withTimeout(attempt(), timeoutMs, () => new RemoteError('unreachable', Messages.unreachable(url, `no connection within ${timeoutMs} ms`)));
  } catch (e) {
    stopTrickle?.();
    peer?.close();
    await signaling.close().catch(() => undefined);
    throw e;
  }
}
