/**
 * The Node side of a video call into Chromium, shared by the `video-720p30`, `controls` and
 * `recovery` scenarios: opens a receiver page (harness/pages/video-page.ts) in the scenario's
 * Chromium, connects a src/peer `Peer` to it (Chromium offers recvonly video and audio, the
 * Peer answers, JSEP RFC 9429; candidates trickle both ways, RFC 8838), then polls Chromium's
 * inbound-rtp statistics (W3C webrtc-stats) and the page's stamp readings (latency, skipped
 * and repeated frames). Several calls may share one browser (one page each).
 *
 * The media itself is not sent here: the caller feeds `call.peer.video` / `call.peer.audio`
 * (e.g. with a src/controls Streamer).
 */
import type { Page } from 'puppeteer-core';
import { Peer, type PeerOptions } from '../../src/peer/index.js';
import { percentile } from '../checks.js';
import { servePage, type ChromiumSession } from '../chromium.js';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { VIDEO_PAGE } from '../pages/video-page.js';
import type { ScenarioContext } from '../types.js';
import { connectWithRetry, ConnectionFailed } from './negotiate.js';

/** Chromium's inbound-rtp video statistics, as the page reports them (missing counters read 0). */
export interface InboundVideoStats {
  ssrc: number;
  frameWidth: number;
  frameHeight: number;
  framesPerSecond: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  keyFramesDecoded: number;
  freezeCount: number;
  /** Seconds. */
  totalFreezesDuration: number;
  pauseCount: number;
  packetsReceived: number;
  packetsLost: number;
  nackCount: number;
  pliCount: number;
  firCount: number;
  /** Seconds (RFC 3550 A.8 interarrival jitter / clock rate). */
  jitter: number;
  bytesReceived: number;
  retransmittedPacketsReceived: number;
  /** Seconds. */
  totalDecodeTime: number;
  /** Seconds, summed over emitted frames. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  decoderImplementation: string;
}

/** Chromium's inbound-rtp audio statistics. */
export interface InboundAudioStats {
  ssrc: number;
  packetsReceived: number;
  packetsLost: number;
  /** Seconds. */
  jitter: number;
  bytesReceived: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  silentConcealedSamples: number;
  concealmentEvents: number;
  nackCount: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

/** One poll of the page's statistics. */
export interface ReceiverSnapshot {
  /** Date.now() in the page when the statistics were taken. */
  at: number;
  connectionState: string;
  video: InboundVideoStats | null;
  audio: InboundAudioStats | null;
  /** The nominated candidate pair's currentRoundTripTime, ms (STUN consent checks). */
  rttMs: number | null;
  /** Errors the page caught (play(), the stamp reader). */
  errors: string[];
}

/** Rates between two snapshots. */
export interface ReceiverRates {
  seconds: number;
  videoBitrateBps: number;
  audioBitrateBps: number;
  framesDecodedPerSecond: number;
}

/** Counters of the page's stamp reader. */
export interface FrameCounts {
  /** requestVideoFrameCallback calls. */
  callbacks: number;
  /** Presented frames that got no callback (gaps in `presentedFrames`). */
  missedCallbacks: number;
  /** Callbacks that came before the element held the frame's data (nothing to read). */
  notReady: number;
  read: number;
  unreadable: number;
  /** Frame numbers missing between consecutive readings. */
  skipped: number;
  /** Readings equal to the one before. */
  repeated: number;
  /** Readings below the one before (the source restarted its numbering). */
  resets: number;
  /** The last frame number read. */
  lastFrame: number | null;
  /** Milliseconds the page spent reading stamps (drawing the region to the canvas and reading it). */
  readMs: number;
}

/** What the page's stamp reader saw in one drain (`conform.frames()`). */
export interface FrameBatch extends FrameCounts {
  /** Capture-to-display latency of each read frame, ms. */
  latencies: number[];
  /** The frame number of each read frame, in presentation order. */
  numbers: number[];
  width: number;
  height: number;
}

/** Totals over every drain since the call connected (or since `frameSummary(true)`); latencies in ms. */
export interface FrameSummary extends FrameCounts {
  latencyP50: number;
  latencyP95: number;
  latencyMax: number;
}

/** The part of a ScenarioContext a call uses (tests pass their own). */
export type CallContext = Pick<ScenarioContext, 'chromium' | 'note' | 'defer'>;

export interface VideoCallOptions {
  /** Names the call in notes and errors (default "call"). */
  label?: string;
  /** Chromium offers audio too (default true). */
  audio?: boolean;
  /** Options of each Peer made (name defaults to `conform-<label>-<attempt>`). */
  peer?: PeerOptions;
  /** Longest wait for ICE and DTLS per attempt (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** Attempts at most (default NEGOTIATION_ATTEMPTS, see negotiate.ts). */
  attempts?: number;
  /** Called with each new Peer before negotiation (e.g. to subscribe it); `drop` with a Peer given up on. */
  onPeer?: (peer: Peer) => void;
  onDropPeer?: (peer: Peer) => void;
}

function zeroCounts(lastFrame: number | null): FrameCounts {
  return { callbacks: 0, missedCallbacks: 0, notReady: 0, read: 0, unreadable: 0, skipped: 0, repeated: 0, resets: 0, lastFrame, readMs: 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rates between two snapshots of the same stream; zeros when the clock did not move. */
export function receiverRates(prev: ReceiverSnapshot, cur: ReceiverSnapshot): ReceiverRates {
  const seconds = (cur.at - prev.at) / 1000;
  if (seconds <= 0) return { seconds: 0, videoBitrateBps: 0, audioBitrateBps: 0, framesDecodedPerSecond: 0 };
  const d = (a: number | undefined, b: number | undefined) => Math.max(0, (b ?? 0) - (a ?? 0));
  return {
    seconds,
    videoBitrateBps: (d(prev.video?.bytesReceived, cur.video?.bytesReceived) * 8) / seconds,
    audioBitrateBps: (d(prev.audio?.bytesReceived, cur.audio?.bytesReceived) * 8) / seconds,
    framesDecodedPerSecond: d(prev.video?.framesDecoded, cur.video?.framesDecoded) / seconds,
  };
}

/**
 * One receiver page and the Peer sending to it. Make one with `VideoCall.open`; it hangs up
 * by itself after the scenario (registered with `ctx.defer`), or earlier with `hangUp()`.
 */
export class VideoCall {
  private totals: FrameCounts = zeroCounts(null);
  private latencies: number[] = [];
  private closed = false;

  private constructor(
    readonly label: string,
    readonly peer: Peer,
    private readonly page: Page,
    private readonly session: ChromiumSession,
    /** Attempts the connection took (1 when the first one worked). */
    readonly attempts: number,
  ) {}

  /**
   * Opens a page in the scenario's Chromium and connects a new Peer to it. A refused answer
   * (see negotiate.ts) or a connection that does not reach 'connected' (libdatachannel fails
   * about one DTLS handshake in 30-60, see docs/peer.md) closes that Peer and negotiates again
   * on a fresh one; each retry is written to the notes.
   */
  static async open(ctx: CallContext, options: VideoCallOptions = {}): Promise<VideoCall> {
    const label = options.label ?? 'call';
    const audio = options.audio ?? true;
    const timeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const session = await ctx.chromium();
    const server = await servePage(VIDEO_PAGE);
    ctx.defer(() => server.close());
    const page = await session.newPage();
    ctx.defer(() => page.close().catch(() => undefined));
    const trickle: { current: ((candidate: string, mid: string) => void) | undefined } = { current: undefined };
    await page.exposeFunction('conformCandidate', (candidate: string, mid: string) => trickle.current?.(candidate, mid));
    await page.goto(server.url);
    const call = <T>(name: string, ...args: unknown[]) => callPage<T>(page, name, ...args);

    return connectWithRetry(
      ctx,
      async (n) => {
        const peer = new Peer({ name: `conform-${label}-${n}`, ...options.peer });
        options.onPeer?.(peer);
        try {
          await connect(peer, call, trickle, audio, timeoutMs);
        } catch (error) {
          trickle.current = undefined;
          options.onDropPeer?.(peer);
          peer.close();
          await call('close').catch(() => undefined);
          throw error;
        }
        trickle.current = (candidate, mid) => {
          if (!peer.closed) peer.addRemoteCandidate(candidate, mid);
        };
        const made = new VideoCall(label, peer, page, session, n);
        ctx.defer(() => made.hangUp());
        return made;
      },
      { attempts: options.attempts, label },
    );
  }

  /** Chromium's statistics now. */
  stats(): Promise<ReceiverSnapshot> {
    return callPage<ReceiverSnapshot>(this.page, 'stats');
  }

  /** Waits until `check` holds for a snapshot (polled every 100 ms); throws after `timeoutMs`. */
  async waitFor(check: (s: ReceiverSnapshot) => boolean, timeoutMs: number, what: string): Promise<ReceiverSnapshot> {
    const end = performance.now() + timeoutMs;
    for (;;) {
      const s = await this.stats();
      if (check(s)) return s;
      if (performance.now() > end) throw new Error(`${this.label}: timed out after ${timeoutMs} ms waiting for ${what}; last stats ${JSON.stringify({ state: s.connectionState, video: s.video })}`);
      await sleep(100);
    }
  }

  /** Drains the page's stamp readings since the last drain and adds them to the totals. */
  async frames(): Promise<FrameBatch> {
    const batch = await callPage<FrameBatch>(this.page, 'frames');
    const t = this.totals;
    t.callbacks += batch.callbacks;
    t.missedCallbacks += batch.missedCallbacks;
    t.notReady += batch.notReady;
    t.read += batch.read;
    t.unreadable += batch.unreadable;
    t.skipped += batch.skipped;
    t.repeated += batch.repeated;
    t.resets += batch.resets;
    t.readMs += batch.readMs;
    if (batch.lastFrame !== null) t.lastFrame = batch.lastFrame;
    for (const l of batch.latencies) this.latencies.push(l);
    return batch;
  }

  /** Totals of every drained batch; `reset` starts the next totals afresh (e.g. after a warm-up). */
  frameSummary(reset = false): FrameSummary {
    const t = this.totals;
    const summary: FrameSummary = {
      ...t,
      latencyP50: percentile(this.latencies, 50),
      latencyP95: percentile(this.latencies, 95),
      latencyMax: this.latencies.length ? this.latencies.reduce((a, b) => Math.max(a, b)) : Number.NaN,
    };
    if (reset) {
      this.totals = zeroCounts(t.lastFrame);
      this.latencies = [];
    }
    return summary;
  }

  /** Chromium version of the browser the page is in. */
  get browserVersion(): string {
    return this.session.version;
  }

  /** Closes the Peer and the page's connection; idempotent. */
  async hangUp(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.peer.close();
    await callPage(this.page, 'close').catch(() => undefined);
  }
}

function callPage<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    (fn: string, a: unknown[]) => (window as unknown as { conform: Record<string, (...x: unknown[]) => unknown> }).conform[fn]!(...a),
    name,
    args,
  ) as Promise<T>;
}

/** One negotiation: Chromium offers, the Peer answers, candidates trickle; resolves once both media tracks are open. */
async function connect(
  peer: Peer,
  call: <T>(name: string, ...args: unknown[]) => Promise<T>,
  trickle: { current: ((candidate: string, mid: string) => void) | undefined },
  audio: boolean,
  timeoutMs: number,
): Promise<void> {
  // Chromium's candidates go to the Peer, which holds them until its remote description.
  trickle.current = (candidate, mid) => {
    if (!peer.closed) peer.addRemoteCandidate(candidate, mid);
  };
  // Ours go to Chromium once it has our answer.
  let described = false;
  const pending: [string, string][] = [];
  peer.on('candidate', ({ candidate, mid }) => {
    if (described) void call('addCandidate', candidate, mid).catch(() => undefined);
    else pending.push([candidate, mid]);
  });
  const offer = await call<string>('offer', audio);
  const answer = await peer.acceptOffer(offer);
  await call('answer', answer.sdp);
  described = true;
  for (const [c, m] of pending.splice(0)) await call('addCandidate', c, m);

  const ready = () => peer.connectionState === 'connected' && !!peer.video?.isOpen && (!audio || !!peer.audio?.isOpen);
  const end = performance.now() + timeoutMs;
  while (!ready()) {
    if (peer.connectionState === 'failed' || peer.connectionState === 'closed') throw new ConnectionFailed(`peer connection ${peer.connectionState}`);
    if (performance.now() > end) throw new ConnectionFailed(`not connected after ${timeoutMs} ms (peer ${peer.connectionState}, video track ${peer.video?.isOpen ? 'open' : 'not open'})`);
    await sleep(20);
  }
}
