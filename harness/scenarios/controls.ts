/**
 * Scenario `controls`: three Chromium receiver pages (harness/pages/video-page.ts through
 * VideoCall), each with its own src/peer `Peer`, subscribed to one src/controls `Streamer` at
 * 1280x720, 30 fps, 2.5 Mbit/s (the three share one encode). While it streams:
 *
 * 1. bitrate 2.5 -> 0.8 -> 2.5 Mbit/s: each page's received bitrate (growth of inbound-rtp
 *    `bytesReceived`, RTP payload, over the last second of polls) must come within
 *    +/- `bitrateTolerance` of the target within `followBitrateS`;
 * 2. resolution 1280x720 -> 640x360 -> 1280x720: inbound-rtp `frameWidth`/`frameHeight`
 *    must show the new size within `followResolutionS`;
 * 3. frame rate 30 -> 15 -> 30: inbound-rtp `framesPerSecond` within +/- `frameRateTolerance`
 *    of the target within `followFrameRateS`;
 * 4. one subscriber removed, then added back: its page stops decoding; the two others are not
 *    disturbed (no freeze, `framesDecoded` keeps growing at `minOtherFps` or more); once added
 *    back, it decodes again (it starts with an IDR) within `resumeS`;
 * 5. stop, then start: no page decodes more than `maxFramesWhileStopped` frames after a grace
 *    second; after start every page decodes again within `resumeS`.
 *
 * Times to follow are measured from the Streamer call to the first poll (every 250 ms) that
 * shows the new value, so they include up to one poll and, for the bitrate, the 1 s window.
 * Each phase lasts until every page followed (or its deadline plus a grace period passed),
 * then holds `duration / 12` seconds (at least 1 s) so the charts show the new level.
 *
 * The Streamer runs without periodic IDRs (`keyframeIntervalS` 0): an IDR is up to a second
 * of bitrate, which would swing the 1 s bitrate windows. Decoding three 720p streams and
 * encoding one on two cores is heavy: the checks are about following the changes, not about
 * holding 30 fps (see docs/conformance.md for the figures measured here).
 */
import { Streamer, type Subscriber, type VideoSettings } from '../../src/controls/index.js';
import { atLeast, atMost, round } from '../checks.js';
import type { Check, Scenario, ScenarioContext } from '../types.js';
import { VideoCall, type InboundVideoStats, type ReceiverSnapshot } from './video-call.js';

const PAGES = 3;
const POLL_MS = 250;
/** Window of the received bitrate, ms. */
const RATE_WINDOW_MS = 1000;
/** After a deadline passes, keep watching this much longer so a late follow still gets a time. */
const GRACE_S = 3;
/** Stop phase: frames still in flight may be decoded during this first second. */
const STOP_GRACE_MS = 1000;
const FIRST_FRAME_TIMEOUT_MS = 20_000;
const HIGH_BPS = 2_500_000;
const LOW_BPS = 800_000;
const FULL = { width: 1280, height: 720 };
const SMALL = { width: 640, height: 360 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function video(s: ReceiverSnapshot): InboundVideoStats {
  return s.video ?? ({ framesDecoded: 0, bytesReceived: 0, freezeCount: 0, totalFreezesDuration: 0, frameWidth: 0, frameHeight: 0, framesPerSecond: 0, keyFramesDecoded: 0 } as InboundVideoStats);
}

/** One page: its call, its subscriber id and its recent snapshots (page clock). */
interface PageState {
  id: string;
  call: VideoCall;
  history: ReceiverSnapshot[];
}

/** What a poll computed for one page. */
interface PageNow {
  snap: ReceiverSnapshot;
  v: InboundVideoStats;
  /** Received RTP payload bit/s over the last RATE_WINDOW_MS of polls; NaN until a window exists. */
  bitrateBps: number;
  /** framesDecoded per second over the same window. */
  decodedFps: number;
}

class Monitor {
  constructor(
    private readonly ctx: ScenarioContext,
    readonly pages: PageState[],
    private readonly streamer: Streamer,
  ) {}

  /** Polls every page once, records the series, and returns per-page figures. */
  async poll(phase: string): Promise<PageNow[]> {
    const snaps = await Promise.all(this.pages.map((p) => p.call.stats()));
    const out = snaps.map((snap, i) => {
      const page = this.pages[i]!;
      page.history.push(snap);
      while (page.history.length > 2 && snap.at - page.history[1]!.at >= RATE_WINDOW_MS) page.history.shift();
      const base = page.history[0]!;
      const dt = (snap.at - base.at) / 1000;
      const v = video(snap);
      const b = video(base);
      const full = snap.at - base.at >= RATE_WINDOW_MS * 0.9;
      const bitrateBps = full && dt > 0 ? ((v.bytesReceived - b.bytesReceived) * 8) / dt : Number.NaN;
      const decodedFps = full && dt > 0 ? (v.framesDecoded - b.framesDecoded) / dt : Number.NaN;
      const n = i + 1;
      if (Number.isFinite(bitrateBps)) this.ctx.sample(`p${n}_bitrate`, bitrateBps / 1000);
      this.ctx.sample(`p${n}_fps`, v.framesPerSecond);
      this.ctx.sample(`p${n}_width`, v.frameWidth);
      return { snap, v, bitrateBps, decodedFps };
    });
    const sent = this.streamer.getStats().subscribers.find((x) => x.id === this.pages[0]!.id)?.video;
    if (sent) this.ctx.sample('sent_fps', sent.framesPerSecond);
    const target = this.streamer.video;
    this.ctx.sample('target_bitrate', target.bitrateBps / 1000);
    this.ctx.sample('target_fps', target.frameRate);
    this.ctx.sample('target_width', target.width);
    this.ctx.progress(phase, Object.fromEntries(out.map((p, i) => [`p${i + 1}`, `${Number.isFinite(p.bitrateBps) ? Math.round(p.bitrateBps / 1000) : '-'} kb/s ${p.v.frameWidth}w ${p.v.framesPerSecond ?? 0}fps`])));
    return out;
  }

  /** Polls for `seconds`. */
  async hold(phase: string, seconds: number, each?: (now: PageNow[]) => void): Promise<void> {
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await sleep(Math.min(POLL_MS, Math.max(0, end - performance.now())));
      each?.(await this.poll(phase));
    }
  }

  /**
   * Polls until `followed` holds for every page in `which` (or `deadlineS + GRACE_S` passed);
   * returns per page the seconds from `since` to the first poll where it held (NaN: never).
   */
  async until(phase: string, since: number, deadlineS: number, followed: (p: PageNow, index: number) => boolean, which: number[] = this.pages.map((_, i) => i), each?: (now: PageNow[]) => void): Promise<number[]> {
    const times = this.pages.map(() => Number.NaN);
    const end = since + (deadlineS + GRACE_S) * 1000;
    while (performance.now() < end && which.some((i) => Number.isNaN(times[i]!))) {
      await sleep(POLL_MS);
      const now = await this.poll(phase);
      each?.(now);
      const t = (performance.now() - since) / 1000;
      for (const i of which) if (Number.isNaN(times[i]!) && followed(now[i]!, i)) times[i] = t;
    }
    return which.map((i) => times[i]!);
  }
}

/** The slowest page's time against a deadline; the detail lists every page. A page that never followed fails with the time it was watched. */
function followCheck(name: string, times: number[], deadlineS: number, labels: string[]): Check {
  const detail = times.map((t, i) => `${labels[i]} ${Number.isNaN(t) ? `not within ${deadlineS + GRACE_S} s` : `${round(t, 2)} s`}`).join(', ');
  if (times.some((t) => Number.isNaN(t))) return { name, value: `> ${deadlineS + GRACE_S}`, unit: 's', threshold: `<= ${deadlineS}`, pass: false, detail };
  return atMost(name, Math.max(...times), deadlineS, 's', detail);
}

/** A figure for the notes: 'n/a' when there is none. */
const fig = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? 'n/a' : String(round(value, digits)));

const within = (value: number, target: number, tolerance: number) => Number.isFinite(value) && Math.abs(value - target) <= tolerance * target;

export const controlsScenario: Scenario = {
  name: 'controls',
  requires: ['h264'],
  description:
    'Three Chromium pages subscribed to one Streamer (1280x720, 30 fps, 2.5 Mbit/s, one shared encode): bitrate 2.5 -> 0.8 -> 2.5 Mbit/s, ' +
    '720p -> 360p -> 720p and 30 -> 15 -> 30 fps followed by every page in time; a subscriber removed and added back without disturbing ' +
    'the others; stop and start.',
  defaults: {
    duration: 30,
    thresholds: {
      followBitrateS: 3,
      bitrateTolerance: 0.2,
      followResolutionS: 3,
      followFrameRateS: 3,
      frameRateTolerance: 0.2,
      resumeS: 3,
      minOtherFps: 10,
      maxOtherFreezes: 0,
      maxFramesWhileStopped: 0,
    },
  },
  thresholdDocs: {
    followBitrateS: "seconds from a bitrate change until every page's received bitrate (1 s window of bytesReceived) is within bitrateTolerance of the target, at most",
    bitrateTolerance: 'relative band around the target bitrate counted as followed (0.2 = +/- 20 %)',
    followResolutionS: "seconds from a resolution change until every page's frameWidth x frameHeight is the new size, at most",
    followFrameRateS: "seconds from a frame rate change until every page's framesPerSecond is within frameRateTolerance of the target, at most",
    frameRateTolerance: 'relative band around the target frame rate counted as followed (0.2 = +/- 20 %)',
    resumeS: 'seconds from start(), or from subscribing a removed page again, until that page decodes frames again, at most',
    minOtherFps: 'frames decoded per second (1 s windows) by each page that stays subscribed while another is removed and added back, at least',
    maxOtherFreezes: "freezes (inbound-rtp freezeCount) of the pages that stay subscribed while another is removed and added back, at most",
    maxFramesWhileStopped: 'frames a page decodes between 1 s after stop() and start(), at most',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const labels = Array.from({ length: PAGES }, (_, i) => `p${i + 1}`);
    for (const l of labels) {
      ctx.series(`${l}_bitrate`, 'kbit/s', `${l}: received bitrate (bytesReceived over 1 s)`);
      ctx.series(`${l}_fps`, 'frames/s', `${l}: framesPerSecond (Chromium)`);
      ctx.series(`${l}_width`, 'pixels', `${l}: frameWidth (Chromium)`);
    }
    ctx.series('target_bitrate', 'kbit/s', 'Target bitrate (Streamer)');
    ctx.series('target_fps', 'frames/s', 'Target frame rate (Streamer)');
    ctx.series('target_width', 'pixels', 'Target width (Streamer)');
    ctx.series('sent_fps', 'frames/s', 'Frames sent per second to p1 (ours, last second)');

    const streamer = new Streamer({ video: { ...FULL, frameRate: 30, bitrateBps: HIGH_BPS }, audio: true, keyframeIntervalS: 0 });
    ctx.defer(() => streamer.close());
    streamer.on('error', (e) => ctx.note(`Streamer error: ${e.message}`));

    const pages: PageState[] = [];
    for (const label of labels) {
      ctx.progress(`connecting ${label}`);
      const call = await VideoCall.open(ctx, {
        label,
        onPeer: (peer) => void streamer.subscribe(peer, { id: label }),
        onDropPeer: () => {
          if (streamer.subscriber(label)) streamer.unsubscribe(label);
        },
      });
      pages.push({ id: label, call, history: [] });
    }
    const monitor = new Monitor(ctx, pages, streamer);
    await streamer.start();
    await Promise.all(pages.map((p) => p.call.waitFor((s) => video(s).framesDecoded > 0, FIRST_FRAME_TIMEOUT_MS, 'a decoded frame')));
    ctx.note(`three pages decoding ${ctx.elapsed().toFixed(2)} s into the scenario (${pages[0]!.call.browserVersion}; connection attempts ${pages.map((p) => p.call.attempts).join('/')}); ${streamer.getStats().encodes} encode(s)`);

    const holdS = Math.max(1, ctx.duration / 12);
    const checks: Check[] = [];
    const latencies = async () => {
      for (const p of pages) {
        const batch = await p.call.frames();
        const sub: Subscriber | undefined = streamer.subscriber(p.id);
        for (const ms of batch.latencies) if (ms >= 0) sub?.recordReceiverLatency(ms);
      }
    };
    await monitor.hold('warm-up', Math.max(2, holdS));
    await latencies();

    // 1-3. Bitrate, resolution, frame rate: each change, then back.
    const fpsWithin = (fps: number) => (p: PageNow) => within(p.v.framesPerSecond, fps, th.frameRateTolerance!);
    const sized = (size: { width: number; height: number }) => (p: PageNow) => p.v.frameWidth === size.width && p.v.frameHeight === size.height;
    const bitrate = (bps: number) => (p: PageNow) => within(p.bitrateBps, bps, th.bitrateTolerance!);
    const steps: { name: string; phase: string; change: Partial<VideoSettings>; deadlineS: number; followed: (p: PageNow) => boolean }[] = [
      { name: 'bitrate 2.5 -> 0.8 Mbit/s followed (slowest page)', phase: 'bitrate 0.8 Mbit/s', change: { bitrateBps: LOW_BPS }, deadlineS: th.followBitrateS!, followed: bitrate(LOW_BPS) },
      { name: 'bitrate 0.8 -> 2.5 Mbit/s followed (slowest page)', phase: 'bitrate 2.5 Mbit/s', change: { bitrateBps: HIGH_BPS }, deadlineS: th.followBitrateS!, followed: bitrate(HIGH_BPS) },
      { name: 'resolution 1280x720 -> 640x360 followed (slowest page)', phase: '640x360', change: SMALL, deadlineS: th.followResolutionS!, followed: sized(SMALL) },
      { name: 'resolution 640x360 -> 1280x720 followed (slowest page)', phase: '1280x720', change: FULL, deadlineS: th.followResolutionS!, followed: sized(FULL) },
      { name: 'frame rate 30 -> 15 fps followed (slowest page)', phase: '15 fps', change: { frameRate: 15 }, deadlineS: th.followFrameRateS!, followed: fpsWithin(15) },
      { name: 'frame rate 15 -> 30 fps followed (slowest page)', phase: '30 fps', change: { frameRate: 30 }, deadlineS: th.followFrameRateS!, followed: fpsWithin(30) },
    ];
    for (const step of steps) {
      const at = performance.now();
      streamer.setVideo(step.change);
      const times = await monitor.until(step.phase, at, step.deadlineS, step.followed);
      checks.push(followCheck(step.name, times, step.deadlineS, labels));
      await monitor.hold(step.phase, holdS);
      await latencies();
    }

    // 4. Remove the last page's subscriber, then add it back.
    const removed = pages.length - 1;
    const others = pages.map((_, i) => i).filter((i) => i !== removed);
    const before = (await monitor.poll('remove')).map((p) => p.v);
    let lowestOtherFps = Number.POSITIVE_INFINITY;
    const watchOthers = (now: PageNow[]) => {
      for (const i of others) if (Number.isFinite(now[i]!.decodedFps)) lowestOtherFps = Math.min(lowestOtherFps, now[i]!.decodedFps);
    };
    streamer.unsubscribe(pages[removed]!.id);
    await monitor.hold(`${labels[removed]} removed`, Math.max(2, holdS), watchOthers);
    const removedNow = (await monitor.poll(`${labels[removed]} removed`))[removed]!.v;
    await monitor.hold(`${labels[removed]} removed`, 1, watchOthers);
    const removedLater = (await monitor.poll(`${labels[removed]} removed`))[removed]!.v;
    const readdAt = performance.now();
    streamer.subscribe(pages[removed]!.call.peer, { id: pages[removed]!.id });
    const [back] = await monitor.until(`${labels[removed]} added back`, readdAt, th.resumeS!, (p) => video(p.snap).framesDecoded > removedLater.framesDecoded, [removed], watchOthers);
    await monitor.hold(`${labels[removed]} added back`, holdS, watchOthers);
    const after = (await monitor.poll('added back')).map((p) => p.v);
    const otherFreezes = others.reduce((n, i) => n + (after[i]!.freezeCount - before[i]!.freezeCount), 0);
    checks.push(atMost(`${labels[removed]} removed: frames it decoded 2 s later over 1 s`, removedLater.framesDecoded - removedNow.framesDecoded, th.maxFramesWhileStopped!, 'frames'));
    checks.push(followCheck(`${labels[removed]} added back: decoding again after`, [back!], th.resumeS!, [labels[removed]!]));
    checks.push(atMost('others while one is removed and added back: freezes', otherFreezes, th.maxOtherFreezes!, 'freezes', others.map((i) => `${labels[i]} ${after[i]!.freezeCount - before[i]!.freezeCount}`).join(', ')));
    checks.push(atLeast('others while one is removed and added back: lowest decoded fps (1 s windows)', Number.isFinite(lowestOtherFps) ? lowestOtherFps : 0, th.minOtherFps!, 'frames/s'));
    await latencies();

    // 5. Stop and start.
    await streamer.stop();
    await monitor.hold('stopped', STOP_GRACE_MS / 1000);
    const stoppedAt = (await monitor.poll('stopped')).map((p) => p.v.framesDecoded);
    await monitor.hold('stopped', Math.max(1.5, holdS));
    const stoppedEnd = (await monitor.poll('stopped')).map((p) => p.v.framesDecoded);
    const whileStopped = stoppedEnd.map((n, i) => n - stoppedAt[i]!);
    checks.push(atMost('stopped: most frames a page decoded after the grace second', Math.max(...whileStopped), th.maxFramesWhileStopped!, 'frames', whileStopped.map((n, i) => `${labels[i]} ${n}`).join(', ')));
    const startAt = performance.now();
    await streamer.start();
    const resumed = await monitor.until('started', startAt, th.resumeS!, (p, i) => p.v.framesDecoded > stoppedEnd[i]!);
    checks.push(followCheck('start: every page decoding again (slowest page)', resumed, th.resumeS!, labels));
    await monitor.hold('started', holdS);
    await latencies();

    const stats = streamer.getStats();
    ctx.note(`Streamer: ${stats.encodes} encode(s); ${stats.renditions.map((r) => `encode ${r.id} ${r.framesEncoded} frames (${r.framesSkipped} skipped; rate control budgets ${fig(r.budgetFrameRate)} fps), encode p50 ${fig(r.encodeP50Ms)} ms p95 ${fig(r.encodeP95Ms)} ms, IDRs ${JSON.stringify(r.keyframeCauses)}`).join('; ')}`);
    for (const s of stats.subscribers) {
      ctx.note(
        `${s.id}: sent ${s.video?.framesSent ?? 0} frames (${s.video?.keyframesSent ?? 0} IDRs, ${s.framesWithheld} withheld waiting for one), RTT ${fig(s.video?.rttMs, 2)} ms, ` +
          `lost ${s.video?.cumulativeLost ?? 0}, jitter ${fig(s.video?.jitterMs, 2)} ms, NACK ${s.video?.nack ?? 0}, PLI ${s.video?.pli ?? 0}; ` +
          `capture-to-send p50/p95 ${fig(s.latency.captureToSendP50Ms)}/${fig(s.latency.captureToSendP95Ms)} ms (measured), ` +
          `end-to-end p50/p95 ${fig(s.latency.estimatedEndToEndP50Ms)}/${fig(s.latency.estimatedEndToEndP95Ms)} ms (estimate: + RTT/2), ` +
          `capture-to-display p50/p95 ${fig(s.latency.receiverMeasuredP50Ms)}/${fig(s.latency.receiverMeasuredP95Ms)} ms (page's stamp reader over the last ${s.latency.windowMs / 1000} s; only the browser's foreground page presents frames)`,
      );
    }
    return checks;
  },
};
