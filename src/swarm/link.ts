/**
 * One peer's connection life cycle: the "perfect negotiation" pattern (W3C WebRTC section
 * 10.7 example; JSEP RFC 9429 section 4.1.8.1 for glare), trickled candidates held until
 * their description is applied (RFC 8838 section 9), a connect deadline, and retries with
 * full-jitter backoff when a connection fails to come up (libdatachannel fails about one DTLS
 * handshake in 30-60) or breaks while the peer is still wanted.
 *
 * Polite/impolite comes from comparing peer ids: the smaller id is polite. On an offer
 * collision the impolite side ignores the incoming offer (and the candidates that follow it,
 * until its own offer is answered); the polite side drops its own attempt and answers.
 * Messages between two peers travel in order through one signaling server, so an ignored
 * offer is always seen before the answer that ends the collision.
 */
import { backoffDelay } from '../signaling/index.js';
import { ANSWER_FALLBACK_MS, MAX_HELD_CANDIDATES } from './constants.js';
import type { LinkState, TransportConnection, ConnectionEvents } from './transport.js';

export type LinkStatus = 'idle' | 'connecting' | 'open' | 'retrying' | 'closed';

export type SignalOut = { type: 'offer' | 'answer'; sdp: string } | { type: 'ice-candidate'; candidate: string; mid: string };

export interface LinkHooks {
  readonly polite: boolean;
  create(events: ConnectionEvents): TransportConnection;
  signal(message: SignalOut): void;
  /** The data channel opened (a new connection or the first). */
  opened(): void;
  /** An open channel closed or its connection failed. */
  broke(reason: string): void;
  message(data: string | Uint8Array): void;
  /** Should the link keep trying? (false once the peer has left). */
  wanted(): boolean;
  /** Counted in stats: a retry is about to start. */
  retrying(attempt: number, delayMs: number, reason: string): void;
  error(error: Error): void;
}

export interface LinkTiming {
  connectTimeoutMs: number;
  retry: { initialDelayMs: number; maxDelayMs: number };
  /** Grace before a `disconnected` connection is restarted or replaced. */
  disconnectGraceMs: number;
}

export class PeerLink {
  #conn: TransportConnection | null = null;
  #status: LinkStatus = 'idle';
  #generation = 0;
  #awaitingAnswer = false;
  #ignoreOffer = false;
  #remoteSet = false;
  #held: [string, string][] = [];
  #attempts = 0;
  #connectTimer: ReturnType<typeof setTimeout> | undefined;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Connections this link has started (1 when the first came up at once). */
  sessions = 0;
  /** Offers ignored by the impolite side in a collision. */
  collisions = 0;
  /** Offers this side started (its own, retries included). */
  offers = 0;
  /** Remote candidates the connection refused. */
  candidateErrors = 0;

  constructor(
    readonly hooks: LinkHooks,
    readonly timing: LinkTiming,
  ) {}

  get status(): LinkStatus {
    return this.#status;
  }

  get channel() {
    return this.#status === 'open' ? this.#conn?.channel ?? null : null;
  }

  /** Offers now (the joiner's side, a retry, or both sides at once). */
  start(): void {
    if (this.#status === 'closed') return;
    this.#clearRetry();
    const conn = this.#fresh();
    this.#awaitingAnswer = true;
    this.offers++;
    conn.offer();
  }

  /** Waits for the other side's offer; offers itself if none comes. */
  expect(): void {
    if (this.#status !== 'idle') return;
    this.#status = 'connecting';
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (!this.#conn && this.#status === 'connecting') this.start();
    }, ANSWER_FALLBACK_MS);
  }

  async handleOffer(sdp: string): Promise<void> {
    if (this.#status === 'closed') return;
    if (this.#awaitingAnswer && !this.hooks.polite) {
      this.collisions++;
      this.#ignoreOffer = true;
      return;
    }
    this.#ignoreOffer = false;
    this.#clearRetry();
    // An ICE restart offer on a connection that can take one keeps the connection (and its
    // channel); anything else starts a fresh connection.
    const restart = this.#conn !== null && this.#conn.canRestartIce && this.#remoteSet && !this.#awaitingAnswer;
    const conn = restart ? this.#conn! : this.#fresh();
    if (restart) {
      this.#remoteSet = false;
      this.#held = [];
    }
    const accepted = await this.#accept(conn, sdp, restart);
    // Not an ICE restart after all (a new DTLS session from a peer without restarts): answer it on a fresh connection.
    if (accepted === 'refused' && restart) await this.#accept(this.#fresh(), sdp);
  }

  /** Applies an offer and answers it; on refusal (without a restart to fall back to) the link fails. */
  async #accept(conn: TransportConnection, sdp: string, fallback = false): Promise<'ok' | 'refused' | 'stale'> {
    const gen = this.#generation;
    try {
      await conn.acceptOffer(sdp);
    } catch (e) {
      if (gen !== this.#generation) return 'stale';
      if (!fallback) this.#fail(`offer refused: ${(e as Error).message}`);
      return 'refused';
    }
    if (gen !== this.#generation) return 'stale';
    this.#remoteSet = true;
    this.#flush();
    return 'ok';
  }

  async handleAnswer(sdp: string): Promise<void> {
    if (!this.#awaitingAnswer || !this.#conn) return; // stale: our offer was dropped or replaced
    this.#awaitingAnswer = false;
    this.#ignoreOffer = false;
    const gen = this.#generation;
    try {
      await this.#conn.acceptAnswer(sdp);
    } catch (e) {
      if (gen === this.#generation) this.#fail(`answer refused: ${(e as Error).message}`);
      return;
    }
    if (gen !== this.#generation) return;
    this.#remoteSet = true;
    this.#flush();
  }

  handleCandidate(candidate: string, mid: string): void {
    if (this.#ignoreOffer || this.#status === 'closed') return;
    if (!this.#conn || !this.#remoteSet) {
      if (this.#held.length < MAX_HELD_CANDIDATES) this.#held.push([candidate, mid]);
      return;
    }
    this.#add(candidate, mid);
  }

  /** The peer is gone or the agent disconnects: no more retries. */
  close(): void {
    this.#status = 'closed';
    this.#clearTimers();
    this.#teardown();
  }

  /** Forces a fresh connection (after backoff), e.g. when signaling came back and the channel is down. */
  retryNow(reason: string): void {
    if (this.#status === 'open' || this.#status === 'closed') return;
    if (this.#status === 'retrying' && this.#retryTimer) return;
    this.#fail(reason);
  }

  /**
   * Tears the connection down even when open (a partial mesh no longer links this pair); it
   * is retried only if the agent still wants the peer, otherwise the link goes idle.
   */
  drop(reason: string): void {
    if (this.#status === 'closed' || this.#status === 'idle') return;
    this.#clearRetry();
    this.#fail(reason);
  }

  #add(candidate: string, mid: string): void {
    const conn = this.#conn!;
    const gen = this.#generation;
    conn.addCandidate(candidate, mid).catch(() => {
      if (gen === this.#generation) this.candidateErrors++;
    });
  }

  #flush(): void {
    const held = this.#held;
    this.#held = [];
    for (const [c, m] of held) this.#add(c, m);
  }

  #fresh(): TransportConnection {
    this.#teardown();
    const gen = ++this.#generation;
    this.sessions++;
    this.#status = 'connecting';
    this.#awaitingAnswer = false;
    this.#remoteSet = false;
    this.#held = [];
    const current = () => gen === this.#generation && this.#status !== 'closed';
    const conn = this.hooks.create({
      localDescription: (sdp, type) => {
        if (current()) this.hooks.signal({ type, sdp });
      },
      localCandidate: (candidate, mid) => {
        if (current()) this.hooks.signal({ type: 'ice-candidate', candidate, mid });
      },
      stateChange: (state) => {
        if (current()) this.#onState(state);
      },
      error: (e) => {
        if (current()) this.hooks.error(e);
      },
    });
    this.#conn = conn;
    conn.channel.onOpen(() => {
      if (!current()) return;
      clearTimeout(this.#connectTimer);
      this.#connectTimer = undefined;
      this.#status = 'open';
      this.#attempts = 0;
      this.hooks.opened();
    });
    conn.channel.onClose(() => {
      if (current()) this.#fail('channel closed');
    });
    conn.channel.onMessage((data) => {
      if (current()) this.hooks.message(data);
    });
    clearTimeout(this.#connectTimer);
    this.#connectTimer = setTimeout(() => {
      this.#connectTimer = undefined;
      if (current() && this.#status === 'connecting') this.#fail('connect timeout');
    }, this.timing.connectTimeoutMs);
    return conn;
  }

  #onState(state: LinkState): void {
    if (state === 'failed') this.#fail('connection failed');
    else if (state === 'disconnected') {
      clearTimeout(this.#graceTimer);
      const gen = this.#generation;
      this.#graceTimer = setTimeout(() => {
        this.#graceTimer = undefined;
        const conn = this.#conn;
        if (gen !== this.#generation || this.#status === 'closed' || !conn) return;
        if (!conn.canRestartIce) return this.#fail('connection disconnected');
        // ICE restart before teardown (RFC 8445 section 2.4): the impolite side offers it, the
        // polite side waits for that offer; either gives up after the connect deadline.
        if (!this.hooks.polite && conn.restartIce()) {
          this.#awaitingAnswer = true;
          conn.offer();
        }
        this.#graceTimer = setTimeout(() => {
          this.#graceTimer = undefined;
          if (gen === this.#generation && this.#status !== 'closed') this.#fail('ICE restart did not reconnect');
        }, this.timing.connectTimeoutMs);
      }, this.timing.disconnectGraceMs);
    } else if (state === 'connected') {
      clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
    }
  }

  #fail(reason: string): void {
    if (this.#status === 'closed') return;
    const wasOpen = this.#status === 'open';
    this.#teardown();
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    if (wasOpen) this.hooks.broke(reason);
    if (!this.hooks.wanted()) {
      this.#status = 'idle';
      return;
    }
    this.#status = 'retrying';
    const delay = backoffDelay(this.#attempts++, this.timing.retry.initialDelayMs, this.timing.retry.maxDelayMs);
    this.hooks.retrying(this.#attempts, delay, reason);
    this.#clearRetry();
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#status === 'retrying' && this.hooks.wanted()) this.start();
    }, delay);
  }

  #teardown(): void {
    this.#generation++;
    const conn = this.#conn;
    this.#conn = null;
    this.#awaitingAnswer = false;
    this.#remoteSet = false;
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    if (conn) conn.close();
  }

  #clearRetry(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #clearTimers(): void {
    this.#clearRetry();
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#graceTimer);
    this.#connectTimer = this.#graceTimer = undefined;
  }
}
