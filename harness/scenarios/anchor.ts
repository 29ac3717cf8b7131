/**
 * The anchor of `video-720p30`: capture-to-display latency of Chrome to Chrome on the same
 * pictures with the same stamp (harness/pages/anchor-page.ts), measured in the scenario's
 * browser after our own window, so that the two latencies can be set side by side.
 *
 * `runAnchor` opens the anchor page, starts it, waits for the first read stamp, leaves
 * `warmupSeconds` out (the browser's bandwidth estimate starts low and ramps up), then drains
 * the page's stamp readings once per `pollMs` for `windowSeconds`, and closes the page. A
 * browser that cannot do it (no H.264 sender, no track from pictures) gives `{ ok: false,
 * reason }`; so does a stream that never shows a readable stamp in time. It never throws for
 * what the browser lacks; an error of the page itself (it crashed, puppeteer lost it) does.
 */
import type { Page } from 'puppeteer-core';
import { percentile } from '../checks.js';
import { servePage } from '../chromium.js';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { anchorPage } from '../pages/anchor-page.js';
import type { ScenarioContext } from '../types.js';
import type { FrameBatch } from './video-call.js';

export interface AnchorOptions {
  width: number;
  height: number;
  frameRate: number;
  /** The sender's maxBitrate, bit/s (the same target as our encoder's). */
  bitrateBps: number;
  /** Seconds of readings kept. */
  windowSeconds: number;
  /** Seconds after the first read stamp left out (default ANCHOR_WARMUP_S). */
  warmupSeconds?: number;
  /** Longest wait for the first read stamp, ms (default CONNECT_TIMEOUT_MS). */
  firstFrameTimeoutMs?: number;
  /** How pictures become a track; the page picks (generator, else canvas) when not given. */
  force?: 'generator' | 'canvas';
  /** Called with each drain of the window (e.g. to record a latency series). */
  onBatch?: (batch: FrameBatch) => void;
}

/** The browser's outbound-rtp (sender) and inbound-rtp (receiver) video statistics of the anchor. */
export interface AnchorStats {
  at: number;
  state: string;
  /** Pictures the page drew (SyntheticSource frames pushed into the track). */
  drawn: number;
  /** Timer ticks that came more than a frame late (the page started again from then). */
  lateTicks: number;
  visibility: string;
  errors: string[];
  codec: string;
  sent: { framesEncoded: number; frameWidth: number; frameHeight: number; bytesSent: number; totalEncodeTime: number; encoderImplementation: string; qualityLimitationReason: string; targetBitrate: number } | null;
  received: { framesDecoded: number; framesPerSecond: number; frameWidth: number; frameHeight: number; bytesReceived: number; totalDecodeTime: number; jitterBufferDelay: number; jitterBufferEmittedCount: number; decoderImplementation: string; packetsLost: number } | null;
}

export interface AnchorMeasured {
  ok: true;
  /** How the page made its track (MediaStreamTrackGenerator or canvas). */
  path: string;
  /** The codec the sender used (from its statistics), e.g. "video/H264 level-asymmetry-allowed=1;...". */
  codec: string;
  latencyP50: number;
  latencyP95: number;
  latencyMax: number;
  /** Stamps read over the window, and presented frames whose stamp could not be read. */
  read: number;
  unreadable: number;
  skipped: number;
  repeated: number;
  windowSeconds: number;
  /** Frames decoded per second over the window. */
  decodedFps: number;
  /** Received video bitrate over the window, bit/s. */
  bitrateBps: number;
  /** Statistics at the end of the window. */
  stats: AnchorStats;
}

export type AnchorResult = AnchorMeasured | { ok: false; reason: string };

/** Seconds after the anchor's first read stamp left out of its window. */
export const ANCHOR_WARMUP_S = 1;
/** The anchor's window is at most this long (seconds), and never longer than our own window. */
export const ANCHOR_MAX_WINDOW_S = 5;
const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Call = <T>(name: string, ...args: unknown[]) => Promise<T>;

/** Runs the anchor in the context's browser (see the module comment); the page is closed before it returns. */
export async function runAnchor(ctx: Pick<ScenarioContext, 'chromium' | 'defer'>, o: AnchorOptions): Promise<AnchorResult> {
  const session = await ctx.chromium();
  const server = await servePage(await anchorPage());
  let page: Page | undefined;
  try {
    page = await session.newPage();
    await page.goto(server.url);
    const p = page;
    const call: Call = <T>(name: string, ...args: unknown[]) =>
      p.evaluate((fn: string, a: unknown[]) => (window as unknown as { conform: Record<string, (...x: unknown[]) => unknown> }).conform[fn]!(...a), name, args) as Promise<T>;
    try {
      return await measure(call, o);
    } finally {
      await call('close').catch(() => undefined);
    }
  } finally {
    await page?.close().catch(() => undefined);
    await server.close();
  }
}

async function measure(call: Call, o: AnchorOptions): Promise<AnchorResult> {
  const started = await call<{ ok: true; path: string; codec: string } | { ok: false; reason: string }>('start', {
    width: o.width,
    height: o.height,
    fps: o.frameRate,
    bitrateBps: o.bitrateBps,
    ...(o.force ? { force: o.force } : {}),
  });
  if (!started.ok) return started;

  // The first read stamp: the connection is up and the decoder presents pictures.
  const timeoutMs = o.firstFrameTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const firstBy = performance.now() + timeoutMs;
  for (;;) {
    const batch = await call<FrameBatch>('frames');
    if (batch.read > 0) break;
    if (performance.now() > firstBy) {
      const s = await call<AnchorStats>('stats');
      return { ok: false, reason: `no readable stamp within ${timeoutMs} ms (connection ${s.state}, ${s.drawn} pictures drawn, ${s.received?.framesDecoded ?? 0} decoded, ${batch.unreadable} unreadable, page ${s.visibility}${s.errors.length ? `; ${s.errors.slice(0, 3).join('; ')}` : ''})` };
    }
    await sleep(100);
  }
  await sleep((o.warmupSeconds ?? ANCHOR_WARMUP_S) * 1000);
  await call<FrameBatch>('frames');
  const w0 = await call<AnchorStats>('stats');

  const latencies: number[] = [];
  const totals = { read: 0, unreadable: 0, skipped: 0, repeated: 0 };
  const end = performance.now() + o.windowSeconds * 1000;
  while (performance.now() < end) {
    await sleep(Math.min(POLL_MS, Math.max(0, end - performance.now())));
    const batch = await call<FrameBatch>('frames');
    for (const l of batch.latencies) latencies.push(l);
    totals.read += batch.read;
    totals.unreadable += batch.unreadable;
    totals.skipped += batch.skipped;
    totals.repeated += batch.repeated;
    o.onBatch?.(batch);
  }
  const w1 = await call<AnchorStats>('stats');
  const seconds = (w1.at - w0.at) / 1000;
  const rate = (a: number | undefined, b: number | undefined) => (seconds > 0 ? Math.max(0, (b ?? 0) - (a ?? 0)) / seconds : Number.NaN);
  if (!latencies.length) return { ok: false, reason: `no stamp read over the ${seconds.toFixed(1)} s window (${totals.unreadable} unreadable; ${w1.errors.slice(0, 3).join('; ') || 'no page error'})` };
  return {
    ok: true,
    path: started.path,
    codec: w1.codec || started.codec,
    latencyP50: percentile(latencies, 50),
    latencyP95: percentile(latencies, 95),
    latencyMax: latencies.reduce((a, b) => Math.max(a, b)),
    ...totals,
    windowSeconds: seconds,
    decodedFps: rate(w0.received?.framesDecoded, w1.received?.framesDecoded),
    bitrateBps: rate(w0.received?.bytesReceived, w1.received?.bytesReceived) * 8,
    stats: w1,
  };
}

/** The anchor's line for the notes: both latencies and their ratio (ours / Chrome's), or why there is no anchor. */
export function anchorNote(ours: { latencyP50: number; latencyP95: number }, anchor: AnchorResult): string {
  if (!anchor.ok) return `latency anchor (Chrome to Chrome) not measured: ${anchor.reason}`;
  const s = anchor.stats;
  const ratio = (a: number, b: number) => (Number.isFinite(a) && b > 0 ? (a / b).toFixed(2) : '-');
  return (
    `latency against the anchor: ours p50 ${ours.latencyP50} ms, p95 ${ours.latencyP95} ms; Chrome to Chrome p50 ${anchor.latencyP50} ms, p95 ${anchor.latencyP95} ms ` +
    `(max ${anchor.latencyMax} ms, ${anchor.read} stamps over ${anchor.windowSeconds.toFixed(1)} s, ${anchor.unreadable} unreadable, ${anchor.skipped} skipped); ` +
    `ratio ours / Chrome's: p50 ${ratio(ours.latencyP50, anchor.latencyP50)}, p95 ${ratio(ours.latencyP95, anchor.latencyP95)}. ` +
    `Anchor: same SyntheticSource pictures and stamp drawn in the page, ${anchor.path}, ${anchor.codec || 'H.264'} ` +
    `encoded by ${s.sent?.encoderImplementation || 'an encoder the browser does not name'} (${s.sent ? `${s.sent.frameWidth}x${s.sent.frameHeight}` : '-'}, quality limitation ${s.sent?.qualityLimitationReason || '-'}), ` +
    `decoded by ${s.received?.decoderImplementation || 'a decoder it does not name'} at ${anchor.decodedFps.toFixed(1)} frames/s, ${(anchor.bitrateBps / 1000).toFixed(0)} kbit/s, ` +
    `jitter buffer ${s.received?.jitterBufferEmittedCount ? ((s.received.jitterBufferDelay / s.received.jitterBufferEmittedCount) * 1000).toFixed(1) : '-'} ms/frame; ` +
    `${s.drawn} pictures drawn, ${s.lateTicks} timer ticks late`
  );
}
