/**
 * Scenario `recovery`: a src/controls Streamer sends 1280x720 at 30 fps, 2.5 Mbit/s to one
 * Chromium receiver page (harness/pages/video-page.ts through VideoCall), and our sender loses
 * packets on purpose (src/peer `MediaSender.setLoss` / `dropNextFrames`):
 *
 * 1. warm-up, clean;
 * 2. steady loss: a seeded 5 % of the video packets (retransmissions included, as on a real
 *    lossy path) never reach node-datachannel. Chromium asks for them with generic NACKs
 *    (RFC 4585 section 6.2.1), our sender answers from its RetransmissionBuffer, and the
 *    picture must keep flowing: no freeze over 1 s, about 30 fps, and Chromium's
 *    `packetsLost` back to (near) 0 once the last retransmissions land;
 * 3. settle, clean;
 * 4. loss beyond repair, answered by us: every packet of one frame dropped and kept out of the
 *    retransmission buffer. Chromium's first NACK for it finds nothing, and the Streamer
 *    answers that unanswerable NACK with an IDR at once (`keyframeOnUnrepairableLoss`): the
 *    time from the drop to the IDR decoded and the freeze must stay within a second;
 * 5. the same loss with that answer turned off: Chromium sends a PLI (RFC 4585 section
 *    6.3.1) once its wait for a decodable frame runs out (about 3 s in libwebrtc); the
 *    Streamer answers with an IDR, and the time from the PLI to the IDR sent and to the IDR
 *    decoded is measured (the freeze before the PLI is Chromium's wait, bounded on its own);
 * 6. tail, clean.
 *
 * The Streamer runs with no periodic IDR by default (`keyframeIntervalS` 0): a periodic IDR
 * would repair phase 4 before Chromium asks.
 */
import { Streamer } from '../../src/controls/index.js';
import type { KeyframeRequest, VideoSender } from '../../src/peer/index.js';
import { atLeast, atMost, isTrue, percentile, round } from '../checks.js';
import type { Check, Scenario, ScenarioContext } from '../types.js';
import { VideoCall, type InboundVideoStats, type ReceiverSnapshot } from './video-call.js';

/** Chromium statistics poll during the timed phases. */
const POLL_MS = 250;
/** Poll while waiting for the IDR to be sent (ours) and decoded (Chromium). */
const FAST_POLL_MS = 5;
const DECODE_POLL_MS = 25;
/** Clean time after the steady loss, for the last NACKs and retransmissions to land. */
const SETTLE_S = 1.5;
/** Longest waits in the unrecoverable-loss phase. */
const PLI_WAIT_MS = 8000;
const IDR_SENT_WAIT_MS = 2000;
const IDR_DECODED_WAIT_MS = 3000;
/** Shortest warm-up, steady-loss and tail phases, seconds (short CI durations still measure something). */
const MIN_WARMUP_S = 1.5;
const MIN_LOSS_S = 3;
const MIN_TAIL_S = 1;
/** Clean time after the answered loss, for Chromium to report a freeze if there was one. */
const ANSWERED_OBSERVE_S = 1.5;
const FIRST_FRAME_TIMEOUT_MS = 15_000;
const SUBSCRIBER_ID = 'recovery';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Zeros for a poll without video statistics yet. */
function video(s: ReceiverSnapshot): InboundVideoStats {
  return s.video ?? ({ framesDecoded: 0, keyFramesDecoded: 0, freezeCount: 0, totalFreezesDuration: 0, nackCount: 0, pliCount: 0, packetsLost: 0, packetsReceived: 0, framesDropped: 0, framesReceived: 0 } as InboundVideoStats);
}

/** Chromium figures over a stretch of polls. */
interface Stretch {
  first: ReceiverSnapshot;
  last: ReceiverSnapshot;
  /** Upper bound of the longest freeze that ended in the stretch, s (a poll's growth of totalFreezesDuration when freezeCount grew). */
  longestFreezeS: number;
  /** Lowest frames-decoded rate over any 1 s of polls. */
  lowestFps: number;
}

/**
 * Polls Chromium every POLL_MS and records the series until `seconds` have passed. A freeze is
 * reported by Chromium once it ends (W3C webrtc-stats freezeCount); the growth of
 * totalFreezesDuration over the poll in which freezeCount grew bounds the longest freeze.
 */
async function observe(ctx: ScenarioContext, call: VideoCall, sender: VideoSender, phase: string, seconds: number, state: { prev: ReceiverSnapshot; prevOurs: ReturnType<VideoSender['getStats']> }): Promise<Stretch> {
  const first = state.prev;
  const end = performance.now() + seconds * 1000;
  let longestFreezeS = 0;
  const window: ReceiverSnapshot[] = [first];
  let lowestFps = Number.POSITIVE_INFINITY;
  while (performance.now() < end) {
    await sleep(Math.min(POLL_MS, Math.max(0, end - performance.now())));
    const s = await call.stats();
    const ours = sender.getStats();
    const v = video(s);
    const p = video(state.prev);
    const dt = (s.at - state.prev.at) / 1000;
    if (v.freezeCount > p.freezeCount) longestFreezeS = Math.max(longestFreezeS, v.totalFreezesDuration - p.totalFreezesDuration);
    if (dt > 0) {
      ctx.sample('fps', (v.framesDecoded - p.framesDecoded) / dt);
      ctx.sample('sent_fps', (ours.framesSent - state.prevOurs.framesSent) / dt);
      ctx.sample('loss_dropped', (ours.loss.dropped + ours.loss.retransmissionsDropped - state.prevOurs.loss.dropped - state.prevOurs.loss.retransmissionsDropped) / dt);
      ctx.sample('nacks', (v.nackCount - p.nackCount) / dt);
      ctx.sample('retransmitted', (ours.rtcp.retransmitted - state.prevOurs.rtcp.retransmitted) / dt);
    }
    ctx.sample('freeze', v.totalFreezesDuration);
    ctx.sample('packets_lost', v.packetsLost);
    window.push(s);
    while (window.length > 1 && s.at - window[1]!.at >= 1000) window.shift();
    const w0 = window[0]!;
    if (s.at - w0.at >= 1000) lowestFps = Math.min(lowestFps, ((v.framesDecoded - video(w0).framesDecoded) * 1000) / (s.at - w0.at));
    ctx.progress(phase, { fps: dt > 0 ? ((v.framesDecoded - p.framesDecoded) / dt).toFixed(1) : '-', nacks: String(v.nackCount), resent: String(ours.rtcp.retransmitted), lost: String(v.packetsLost) });
    state.prev = s;
    state.prevOurs = ours;
  }
  return { first, last: state.prev, longestFreezeS, lowestFps };
}

export const recoveryScenario: Scenario = {
  name: 'recovery',
  requires: ['h264'],
  description:
    'A Streamer at 1280x720, 30 fps, 2.5 Mbit/s into Chromium with deliberate loss at our sender: a seeded 5 % of packets ' +
    '(Chromium NACKs, we retransmit; no freeze over 1 s, packetsLost back to ~0, ~30 fps), then one frame lost beyond repair ' +
    '(its unanswerable NACK answered with an IDR: freeze under 1 s), then again with that answer off ' +
    '(Chromium sends a PLI, an IDR answers it: time from PLI to IDR sent and decoded).',
  defaults: {
    duration: 20,
    thresholds: {
      lossRate: 0.05,
      lossSeed: 1,
      keyframeIntervalS: 0,
      minNacks: 1,
      minRetransmitted: 1,
      maxLostRatio: 0.001,
      maxFreezeS: 1,
      minFps: 27,
      minDecodedShare: 0.95,
      maxUnrepairableToIdrDecodedMs: 1000,
      maxPliToIdrSentMs: 250,
      maxPliToIdrDecodedMs: 1000,
      maxUnrepairedFreezeS: 4,
    },
  },
  thresholdDocs: {
    lossRate: 'share of video packets dropped at our sender during the steady-loss phase (retransmissions too)',
    lossSeed: 'seed of the pseudo-random loss pattern',
    keyframeIntervalS: "the Streamer's periodic IDR interval, seconds (0: IDRs only when asked)",
    minNacks: "NACKs Chromium sent during the steady loss (its nackCount), at least",
    minRetransmitted: 'packets we resent from the retransmission buffer during the steady loss, at least',
    maxLostRatio: "Chromium's packetsLost / (packetsReceived + packetsLost) once the steady loss has settled, at most",
    maxFreezeS: 'longest freeze Chromium reported during the steady loss and settle, seconds, at most',
    minFps: 'frames decoded per second over the steady loss, at least (bounded by what the encoder sends)',
    minDecodedShare: 'frames Chromium decoded / frames we sent over the steady loss, at least',
    maxUnrepairableToIdrDecodedMs: "from dropping a frame beyond repair to Chromium's keyFramesDecoded growing, with the Streamer answering the unanswerable NACK, ms, at most",
    maxPliToIdrSentMs: 'from our receipt of the PLI to the IDR leaving our sender, ms, at most',
    maxPliToIdrDecodedMs: "from our receipt of the PLI to Chromium's keyFramesDecoded growing (polled every 25 ms), ms, at most",
    maxUnrepairedFreezeS: "freeze Chromium reported for the frame lost beyond repair (its wait for a decodable frame, then the IDR), seconds, at most",
  },

  async run(ctx) {
    const th = ctx.thresholds;
    ctx.series('fps', 'frames/s', 'Frames decoded per second (Chromium)');
    ctx.series('sent_fps', 'frames/s', 'Frames sent per second (ours)');
    ctx.series('loss_dropped', 'packets/s', 'Packets dropped on purpose at our sender');
    ctx.series('nacks', 'NACKs/s', "Chromium's NACKs per second (nackCount)");
    ctx.series('retransmitted', 'packets/s', 'Packets we retransmitted per second');
    ctx.series('repair_ms', 'ms', 'Packet lost on purpose: time from its drop to the retransmission that went out');
    ctx.series('freeze', 's', "Chromium's totalFreezesDuration");
    ctx.series('packets_lost', 'packets', "Chromium's packetsLost");

    const streamer = new Streamer({ video: { width: 1280, height: 720, frameRate: 30, bitrateBps: 2_500_000 }, audio: false, keyframeIntervalS: th.keyframeIntervalS! });
    ctx.defer(() => streamer.close());
    ctx.progress('connecting');
    const call = await VideoCall.open(ctx, {
      label: 'recovery',
      audio: false,
      peer: { audio: false },
      onPeer: (peer) => void streamer.subscribe(peer, { id: SUBSCRIBER_ID }),
      onDropPeer: () => {
        if (streamer.subscriber(SUBSCRIBER_ID)) streamer.unsubscribe(SUBSCRIBER_ID);
      },
    });
    const sender = call.peer.video!;
    const requests: (KeyframeRequest & { at: number })[] = [];
    sender.on('keyframeRequested', (r) => requests.push({ ...r, at: performance.now() }));
    const unrepairableAt: number[] = [];
    sender.on('unrepairable', () => unrepairableAt.push(performance.now()));
    const repairs: number[] = [];
    sender.on('lossRepaired', (r) => {
      repairs.push(r.afterMs);
      ctx.sample('repair_ms', r.afterMs);
    });
    await streamer.start();
    await call.waitFor((s) => video(s).framesDecoded > 0, FIRST_FRAME_TIMEOUT_MS, 'a decoded frame');
    ctx.note(`first frame decoded ${ctx.elapsed().toFixed(2)} s into the scenario (${call.browserVersion}, ${call.attempts} connection attempt(s))`);

    // Phase lengths: the timed phases share the duration; the unrecoverable-loss phase takes what Chromium needs.
    const d = ctx.duration;
    const warmupS = Math.max(MIN_WARMUP_S, 0.15 * d);
    const lossS = Math.max(MIN_LOSS_S, 0.45 * d);
    const state = { prev: await call.stats(), prevOurs: sender.getStats() };

    await observe(ctx, call, sender, 'warm-up', warmupS, state);
    await call.frames();
    call.frameSummary(true);

    const lossStartOurs = sender.getStats();
    sender.setLoss({ rate: th.lossRate!, seed: th.lossSeed! });
    ctx.note(`steady loss: ${th.lossRate! * 100} % from ${ctx.elapsed().toFixed(1)} s for ${lossS.toFixed(1)} s (seed ${th.lossSeed}, retransmissions subject to it)`);
    const lossy = await observe(ctx, call, sender, 'loss', lossS, state);
    sender.setLoss(undefined);
    const lossEndOurs = sender.getStats();
    await call.frames();
    const lossFrames = call.frameSummary(true);
    const settled = await observe(ctx, call, sender, 'settle', SETTLE_S, state);

    // Loss beyond repair, answered by us: the unanswerable NACK draws an IDR at once.
    ctx.progress('unrepairable frame, answered');
    const beforeAnswered = video(settled.last);
    const oursBeforeAnswered = sender.getStats();
    const answeredAt = performance.now();
    sender.dropNextFrames(1, { recoverable: false });
    ctx.note(`one frame dropped beyond repair at ${ctx.elapsed().toFixed(1)} s (the Streamer answers the unanswerable NACK with an IDR)`);
    let answeredDecodedMs = Number.NaN;
    for (const end = answeredAt + IDR_DECODED_WAIT_MS; performance.now() < end; await sleep(DECODE_POLL_MS)) {
      const s = await call.stats();
      if (sender.getStats().keyframesSent > oursBeforeAnswered.keyframesSent && video(s).keyFramesDecoded > beforeAnswered.keyFramesDecoded) {
        answeredDecodedMs = performance.now() - answeredAt;
        break;
      }
    }
    state.prev = await call.stats();
    state.prevOurs = sender.getStats();
    const answered = await observe(ctx, call, sender, 'after the answered loss', ANSWERED_OBSERVE_S, state);
    const afterAnswered = video(answered.last);
    const answeredCauses = JSON.stringify(streamer.getStats().renditions[0]?.keyframeCauses ?? {});

    // Loss beyond repair left to Chromium: its PLI, and our IDR.
    streamer.setKeyframeOnUnrepairableLoss(false);
    const beforeDrop = answered.last;
    const oursBeforeDrop = sender.getStats();
    const requested = requests.length;
    const reported = unrepairableAt.length;
    ctx.progress('unrepairable frame');
    const dropAt = performance.now();
    sender.dropNextFrames(1, { recoverable: false });
    ctx.note(`one frame dropped beyond repair at ${ctx.elapsed().toFixed(1)} s`);
    const pliEnd = dropAt + PLI_WAIT_MS;
    while (!requests.slice(requested).some((r) => r.cause === 'pli') && performance.now() < pliEnd) await sleep(FAST_POLL_MS);
    const pli = requests.slice(requested).find((r) => r.cause === 'pli');
    let idrSentMs = Number.NaN;
    let idrDecodedMs = Number.NaN;
    if (pli) {
      const sentEnd = performance.now() + IDR_SENT_WAIT_MS;
      while (sender.getStats().keyframesSent === oursBeforeDrop.keyframesSent && performance.now() < sentEnd) await sleep(FAST_POLL_MS);
      if (sender.getStats().keyframesSent > oursBeforeDrop.keyframesSent) idrSentMs = performance.now() - pli.at;
      const decodedEnd = performance.now() + IDR_DECODED_WAIT_MS;
      for (;;) {
        const s = await call.stats();
        if (video(s).keyFramesDecoded > video(beforeDrop).keyFramesDecoded) {
          idrDecodedMs = performance.now() - pli.at;
          break;
        }
        if (performance.now() > decodedEnd) break;
        await sleep(DECODE_POLL_MS);
      }
    }
    streamer.setKeyframeOnUnrepairableLoss(true);
    // Chromium reports the freeze once frames flow again: give it a moment, then take the tail.
    state.prev = await call.stats();
    state.prevOurs = sender.getStats();
    const elapsedSinceWarmup = ctx.elapsed();
    const tail = await observe(ctx, call, sender, 'tail', Math.max(MIN_TAIL_S, d - elapsedSinceWarmup), state);
    const afterPli = video(tail.last);
    const oursEnd = sender.getStats();

    const checks: Check[] = [];
    const l0 = video(lossy.first);
    const l1 = video(settled.last);
    const dropped = lossEndOurs.loss.dropped - lossStartOurs.loss.dropped;
    const retransmissionsDropped = lossEndOurs.loss.retransmissionsDropped - lossStartOurs.loss.retransmissionsDropped;
    const considered = lossEndOurs.loss.considered - lossStartOurs.loss.considered;
    const nacks = l1.nackCount - l0.nackCount;
    const retransmitted = oursBeforeDrop.rtcp.retransmitted - lossStartOurs.rtcp.retransmitted;
    checks.push(isTrue('loss injected at our sender', dropped > 0,
      `${dropped} of ${considered} packets dropped (${considered ? round((dropped / considered) * 100, 2) : 0} %), and ${retransmissionsDropped} retransmissions`));
    checks.push(atLeast('Chromium NACKs during the loss', nacks, th.minNacks!, 'NACKs', `nackCount ${l0.nackCount} -> ${l1.nackCount}; our sender received ${oursBeforeDrop.rtcp.nack - lossStartOurs.rtcp.nack} NACK packets asking for ${oursBeforeDrop.rtcp.nackedPackets - lossStartOurs.rtcp.nackedPackets} sequence numbers`));
    const repaired = oursBeforeDrop.loss.repaired - lossStartOurs.loss.repaired;
    checks.push(isTrue('every packet lost on purpose was resent and delivered', repaired === dropped,
      `${repaired} of ${dropped} repaired; drop to retransmission p50 ${round(percentile(repairs, 50), 1)} ms, p95 ${round(percentile(repairs, 95), 1)} ms, max ${round(Math.max(...repairs, 0), 1)} ms`));
    checks.push(atLeast('packets we retransmitted', retransmitted, th.minRetransmitted!, 'packets',
      `${retransmitted} resent for ${dropped} lost first transmissions; ${oursBeforeDrop.rtcp.retransmitMissing - lossStartOurs.rtcp.retransmitMissing} asked for but no longer stored`));
    const lostRatio = l1.packetsLost / Math.max(1, l1.packetsReceived + l1.packetsLost);
    checks.push(atMost("Chromium's packetsLost after the loss settled", lostRatio, th.maxLostRatio!, 'ratio',
      `packetsLost ${l1.packetsLost} of ${l1.packetsReceived + l1.packetsLost} expected, ${SETTLE_S} s after the loss stopped (${video(lossy.last).packetsLost} when it stopped)`));
    const longestFreeze = Math.max(lossy.longestFreezeS, settled.longestFreezeS);
    checks.push(atMost('longest freeze during the steady loss', longestFreeze, th.maxFreezeS!, 's',
      `freezeCount +${l1.freezeCount - l0.freezeCount}, totalFreezesDuration +${round(l1.totalFreezesDuration - l0.totalFreezesDuration, 3)} s; stamps: ${lossFrames.skipped} skipped, ${lossFrames.repeated} repeated of ${lossFrames.read} read`));
    const lossSeconds = (lossy.last.at - lossy.first.at) / 1000;
    const lossFps = (video(lossy.last).framesDecoded - l0.framesDecoded) / lossSeconds;
    const sentFps = (lossEndOurs.framesSent - lossStartOurs.framesSent) / lossSeconds;
    checks.push(atLeast('frames decoded per second during the loss', lossFps, th.minFps!, 'frames/s',
      `over ${lossSeconds.toFixed(1)} s; we sent ${sentFps.toFixed(1)} frames/s; lowest 1 s window ${Number.isFinite(lossy.lowestFps) ? lossy.lowestFps.toFixed(1) : '-'}; framesDropped +${video(lossy.last).framesDropped - l0.framesDropped}`));

    const decoded = video(lossy.last).framesDecoded - l0.framesDecoded;
    const sent = lossEndOurs.framesSent - lossStartOurs.framesSent;
    checks.push(atLeast('frames decoded / frames sent during the loss', decoded / Math.max(1, sent), th.minDecodedShare!, 'ratio',
      `${decoded} decoded, ${sent} sent (polls and the decoder's pipeline shift a few frames across the phase edges)`));

    checks.push(atMost('frame lost beyond repair: drop to IDR decoded, no PLI needed', answeredDecodedMs, th.maxUnrepairableToIdrDecodedMs!, 'ms',
      `pliCount ${beforeAnswered.pliCount} -> ${afterAnswered.pliCount}; IDR causes so far ${answeredCauses}`));
    checks.push(atMost('freeze for the frame lost beyond repair, answered at once', afterAnswered.totalFreezesDuration - beforeAnswered.totalFreezesDuration, th.maxFreezeS!, 's',
      `freezeCount ${beforeAnswered.freezeCount} -> ${afterAnswered.freezeCount}`));

    const b = video(beforeDrop);
    const pliDetail = pli
      ? `PLI ${((pli.at - dropAt) / 1000).toFixed(2)} s after the drop (the first NACK we could not answer came ${unrepairableAt.length > reported ? `${(unrepairableAt[reported]! - dropAt).toFixed(0)} ms` : 'never'} after it); pliCount ${b.pliCount} -> ${afterPli.pliCount}; ` +
        `${oursEnd.rtcp.retransmitMissing - oursBeforeDrop.rtcp.retransmitMissing} NACKed sequence numbers were not stored`
      : `no PLI within ${PLI_WAIT_MS / 1000} s; requests seen: ${requests.slice(requested).map((r) => r.cause).join(', ') || 'none'}`;
    checks.push(isTrue('Chromium sends a PLI after a frame lost beyond repair', !!pli && afterPli.pliCount > b.pliCount, pliDetail));
    checks.push(atMost('PLI to IDR sent', idrSentMs, th.maxPliToIdrSentMs!, 'ms', `keyframesSent ${oursBeforeDrop.keyframesSent} -> ${oursEnd.keyframesSent}`));
    checks.push(atMost('PLI to IDR decoded by Chromium', idrDecodedMs, th.maxPliToIdrDecodedMs!, 'ms', `keyFramesDecoded ${b.keyFramesDecoded} -> ${afterPli.keyFramesDecoded}`));
    const unrepairedFreeze = afterPli.totalFreezesDuration - b.totalFreezesDuration;
    checks.push(atMost('freeze for the frame lost beyond repair', unrepairedFreeze, th.maxUnrepairedFreezeS!, 's',
      `freezeCount ${b.freezeCount} -> ${afterPli.freezeCount}: Chromium waits for a decodable frame before it sends the PLI; drop to IDR decoded ${pli && Number.isFinite(idrDecodedMs) ? `${((pli.at - dropAt + idrDecodedMs) / 1000).toFixed(2)} s` : '-'}`));
    const t = video(tail.last);
    const tailFps = (t.framesDecoded - video(tail.first).framesDecoded) / ((tail.last.at - tail.first.at) / 1000);
    ctx.note(`after recovery: ${tailFps.toFixed(1)} frames/s over the last ${((tail.last.at - tail.first.at) / 1000).toFixed(1)} s, packetsLost ${t.packetsLost} (the frame lost beyond repair), ${t.frameWidth}x${t.frameHeight}`);
    const causes = streamer.getStats().renditions.map((r) => JSON.stringify(r.keyframeCauses)).join(' ');
    ctx.note(`our sender: ${oursEnd.packetsSent} packets, ${oursEnd.keyframesSent} IDRs (causes ${causes}), ${oursEnd.rtcp.nack} NACKs, ${oursEnd.rtcp.pli} PLIs, ${oursEnd.rtcp.retransmitted} retransmitted; stamps during the loss: latency p50 ${round(lossFrames.latencyP50, 1)} ms, p95 ${round(lossFrames.latencyP95, 1)} ms`);
    return checks;
  },
};
