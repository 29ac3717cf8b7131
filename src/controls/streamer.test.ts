/**
 * The Streamer against real receivers: Peers over node-datachannel (ICE, DTLS, SRTP on
 * 127.0.0.1) to plain node-datachannel receivers that depacketize with src/rtp. Small
 * pictures (320x180 and 160x90) keep the 2-core machine free; one worker per encode.
 */
import { cleanup } from 'node-datachannel';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseSps } from '../../harness/h264-sps.js';
import { GenericNack, PictureLossIndication, ReceiverReport } from '../rtp/index.js';
import { connectedPair, frames, hex, nalTypes, sleep, until, videoPayloadBytes, type Pair } from './__fixtures__/loopback.js';
import { Streamer, type StreamerOptions } from './index.js';

const SMALL = { width: 320, height: 180, frameRate: 30, bitrateBps: 400_000 };
/**
 * Longest step between consecutive frames that is not a freeze: Chromium counts a freeze
 * when a frame comes more than max(3 frame periods, mean + 150 ms) after the previous one
 * (W3C webrtc-stats freezeCount), 183 ms at 30 fps. A loaded 2-core machine (other jobs,
 * worker threads starting for a new encode) stretches single steps to ~110 ms here.
 */
const FREEZE_MS = 180;
const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

afterAll(async () => {
  await sleep(100);
  cleanup();
});

function streamer(options: StreamerOptions = {}): Streamer {
  const s = new Streamer({ video: SMALL, audio: false, workers: 1, keyframeIntervalS: 0, ...options });
  open.push(s);
  return s;
}

async function pairs(n: number): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const p = await connectedPair();
    open.push(p);
    out.push(p);
  }
  return out;
}

/** Two connected pairs subscribed as 'a' and 'b' to one running Streamer, each with `n` frames received. */
async function sharedTwo(n: number): Promise<{ a: Pair; b: Pair; s: Streamer }> {
  const [a, b] = await pairs(2);
  const s = streamer();
  s.subscribe(a!.peer, { id: 'a' });
  s.subscribe(b!.peer, { id: 'b' });
  await s.start();
  await until(() => frames(a!).length >= n && frames(b!).length >= n, 10_000, `${n} frames each`);
  return { a: a!, b: b!, s };
}

describe('Streamer over loopback', () => {
  it('subscribers with equal settings share one encode and receive identical access units', async () => {
    const { a, b, s } = await sharedTwo(15);
    const stats = s.getStats();
    expect(stats.encodes).toBe(1);
    expect(stats.renditions[0]!.subscribers).toEqual(['a', 'b']);
    const fa = frames(a!).slice(0, 15);
    const fb = frames(b!).slice(0, 15);
    expect(fa[0]!.keyframe).toBe(true);
    expect(fa.map(hex)).toEqual(fb.map(hex));
    // Same capture instants: equal timestamp steps under each stream's own random offset.
    const steps = (f: typeof fa) => f.slice(1).map((x, i) => (x.timestamp - f[i]!.timestamp) >>> 0);
    expect(steps(fa)).toEqual(steps(fb));
    expect(fa.every((f) => f.complete)).toBe(true);
  });

  it('a subscriber whose settings change moves to its own encode while the other keeps its stream without a new IDR or gap', async () => {
    const { a, b, s } = await sharedTwo(10);
    const closed: number[] = [];
    s.on('renditionClosed', (e) => closed.push(e.id));
    const aBefore = frames(a!).length;
    s.setVideo({ width: 160, height: 90 }, 'b');
    await until(() => frames(b!).slice(10).some((f) => f.keyframe), 10_000, 'an IDR for b');
    await until(() => frames(a!).length >= aBefore + 20, 10_000, 'a goes on');
    const stats = s.getStats();
    expect(stats.encodes).toBe(2);
    expect(stats.subscribers.find((x) => x.id === 'a')!.renditionId).not.toBe(stats.subscribers.find((x) => x.id === 'b')!.renditionId);
    // a: one IDR (the first), every packet in sequence, no freeze.
    const fa = frames(a!);
    expect(fa.filter((f) => f.keyframe).length).toBe(1);
    expect(fa.every((f) => f.complete)).toBe(true);
    const seqs = a!.receiver.videoPackets.map((p) => p.sequenceNumber);
    seqs.slice(1).forEach((q, i) => expect(q).toBe((seqs[i]! + 1) & 0xffff));
    const gaps = fa.slice(1).map((f, i) => ((f.timestamp - fa[i]!.timestamp) >>> 0) / 90);
    // (the first gap is the encoder warming up: JIT-compiling its first IDR)
    expect(Math.max(...gaps.slice(aBefore - 2))).toBeLessThan(FREEZE_MS);
    // b: kept the shared stream until the new encode's IDR, which carries a 160x90 SPS.
    const fb = frames(b!);
    const idr = fb.findIndex((f, i) => i > 0 && f.keyframe);
    const sps = fb[idr]!.nalUnits.find((n) => (n[0]! & 0x1f) === 7)!;
    expect(parseSps(sps)).toMatchObject({ width: 160, height: 90 });
    const bGaps = fb.slice(1).map((f, i) => ((f.timestamp - fb[i]!.timestamp) >>> 0) / 90);
    expect(Math.max(...bGaps.slice(8))).toBeLessThan(FREEZE_MS);
    // Back to the shared settings: b joins a's encode again and the empty one closes.
    s.setVideo({ width: 320, height: 180 }, 'b');
    await until(() => s.getStats().encodes === 1, 10_000, 'one encode again');
    expect(closed.length).toBe(1);
    expect(s.getStats().renditions[0]!.subscribers.sort()).toEqual(['a', 'b']);
  });

  it("a change for everyone keeps each subscriber's other settings, and encodes that become equal merge into one", async () => {
    const [a, b] = await pairs(2);
    const s = streamer();
    const closed: number[] = [];
    s.on('renditionClosed', (e) => closed.push(e.id));
    s.subscribe(a!.peer, { id: 'a' });
    s.subscribe(b!.peer, { id: 'b', video: { width: 160, height: 90 } });
    await s.start();
    await until(() => frames(a!).length >= 5 && frames(b!).length >= 5, 10_000, 'frames');
    expect(s.getStats().encodes).toBe(2);
    s.setVideo({ bitrateBps: 300_000 });
    let stats = s.getStats();
    expect(stats.encodes).toBe(2);
    expect(stats.subscribers.map((x) => `${x.settings.width}x${x.settings.height}@${x.settings.bitrateBps}`)).toEqual(['320x180@300000', '160x90@300000']);
    s.setVideo({ width: 160, height: 90 });
    await until(() => s.getStats().encodes === 1, 10_000, 'one encode');
    stats = s.getStats();
    expect(closed.length).toBe(1);
    expect(stats.renditions[0]!.subscribers.sort()).toEqual(['a', 'b']);
    expect(s.video).toMatchObject({ width: 160, height: 90, bitrateBps: 300_000 });
    // a now gets the 160x90 encode, starting at an IDR with that SPS.
    await until(() => frames(a!).filter((f) => f.keyframe).length >= 2, 10_000, 'the IDR at a');
    const idr = frames(a!).filter((f) => f.keyframe)[1]!;
    expect(parseSps(idr.nalUnits.find((n) => (n[0]! & 0x1f) === 7)!)).toMatchObject({ width: 160, height: 90 });
  });

  it('removing a subscriber leaves the other undisturbed; added back, it starts with an IDR and its RTP timeline goes on', async () => {
    const { a, b, s } = await sharedTwo(10);
    s.unsubscribe('b');
    const bAt = frames(b!).length;
    const aAt = frames(a!).length;
    await until(() => frames(a!).length >= aAt + 15, 10_000, 'a goes on');
    await sleep(100);
    expect(frames(b!).length - bAt).toBeLessThanOrEqual(1);
    expect(frames(a!).filter((f) => f.keyframe).length).toBe(1);
    const fa = frames(a!);
    const gaps = fa.slice(1).map((f, i) => ((f.timestamp - fa[i]!.timestamp) >>> 0) / 90);
    expect(Math.max(...gaps.slice(aAt - 2))).toBeLessThan(FREEZE_MS);
    const stats = s.getStats();
    expect(stats.encodes).toBe(1);
    expect(stats.subscribers.map((x) => x.id)).toEqual(['a']);
    expect(() => s.unsubscribe('b')).toThrow(expect.objectContaining({ name: 'ControlsError', code: 'unknown-subscriber' }));
    // Added back: an IDR first, and its RTP timeline goes on forward by about the time it was away.
    const lastB = frames(b!).at(-1)!;
    const away = performance.now();
    s.subscribe(b!.peer, { id: 'b' });
    await until(() => frames(b!).length >= bAt + 3, 10_000, 'b again');
    const back = frames(b!)[frames(b!).indexOf(lastB) + 1]!;
    expect(back.keyframe).toBe(true);
    const stepMs = ((back.timestamp - lastB.timestamp) >>> 0) / 90;
    expect(stepMs).toBeGreaterThan(performance.now() - away - 1000);
    expect(stepMs).toBeLessThan(performance.now() - away + 3000);
  });

  it('a joining subscriber starts with an IDR while the others see one extra IDR', async () => {
    const [a, c] = await pairs(2);
    const s = streamer();
    s.subscribe(a!.peer, { id: 'a' });
    await s.start();
    await until(() => frames(a!).length >= 10, 10_000, 'frames');
    s.subscribe(c!.peer, { id: 'c' });
    await until(() => frames(c!).length >= 5, 10_000, 'c frames');
    expect(frames(c!)[0]!.keyframe).toBe(true);
    expect(nalTypes(frames(c!)[0]!).slice(0, 2)).toEqual([7, 8]);
    expect(frames(a!).filter((f) => f.keyframe).length).toBe(2);
    expect(s.getStats().renditions[0]!.keyframeCauses).toEqual({ first: 1, join: 1 });
  });

  it('a Peer subscribed before it connects costs the running stream no IDR until its track opens, then starts with one', async () => {
    const [a] = await pairs(1);
    const s = streamer();
    s.subscribe(a!.peer, { id: 'a' });
    await s.start();
    await until(() => frames(a!).length >= 5, 10_000, 'frames');
    let keyframesAtConnect = 0;
    const late = await connectedPair(async (peer) => {
      if (s.subscriber('late')) s.unsubscribe('late');
      s.subscribe(peer, { id: 'late' });
      // Not negotiated yet: nothing to send it, and nothing asked of the shared encode.
      await sleep(300);
      keyframesAtConnect = frames(a!).filter((f) => f.keyframe).length;
    });
    open.push(late);
    await until(() => frames(late).length >= 3, 10_000, 'frames at the late subscriber');
    expect(keyframesAtConnect).toBe(1);
    expect(frames(late)[0]!.keyframe).toBe(true);
    await until(() => frames(a!).filter((f) => f.keyframe).length === 2, 5_000, 'the IDR at a too');
    expect(s.getStats().renditions[0]!.keyframeCauses).toEqual({ first: 1, join: 1 });
  });

  it('a bitrate change is followed: payload bytes over a window match each target', async () => {
    const [a] = await pairs(1);
    const s = streamer({ video: { ...SMALL, bitrateBps: 600_000 } });
    s.subscribe(a!.peer);
    await s.start();
    const rate = async (settleMs: number, windowMs: number) => {
      await sleep(settleMs);
      const b0 = videoPayloadBytes(a!);
      const t0 = performance.now();
      await sleep(windowMs);
      return ((videoPayloadBytes(a!) - b0) * 8 * 1000) / (performance.now() - t0);
    };
    const high = await rate(1000, 2000);
    s.setVideo({ bitrateBps: 150_000 });
    const low = await rate(1000, 2000);
    expect(high / 600_000).toBeGreaterThan(0.75);
    expect(high / 600_000).toBeLessThan(1.25);
    expect(low / 150_000).toBeGreaterThan(0.75);
    expect(low / 150_000).toBeLessThan(1.25);
    expect(s.getStats().subscribers[0]!.settings.bitrateBps).toBe(150_000);
    // No IDR for a bitrate change.
    expect(frames(a!).filter((f) => f.keyframe).length).toBe(1);
  });

  it('a resolution change gives an IDR whose SPS carries the new size, on the same encode', async () => {
    const [a] = await pairs(1);
    const s = streamer();
    s.subscribe(a!.peer, { id: 'a' });
    await s.start();
    await until(() => frames(a!).length >= 5, 10_000, 'frames');
    const rendition = s.getStats().renditions[0]!.id;
    s.setVideo({ width: 640, height: 360 });
    await until(() => frames(a!).filter((f) => f.keyframe).length >= 2, 10_000, 'a second IDR');
    const sizes = frames(a!)
      .filter((f) => f.keyframe)
      .map((f) => parseSps(f.nalUnits.find((n) => (n[0]! & 0x1f) === 7)!))
      .map((sps) => `${sps.width}x${sps.height}`);
    expect(sizes).toEqual(['320x180', '640x360']);
    const stats = s.getStats();
    expect(stats.renditions.map((r) => r.id)).toEqual([rendition]);
    expect(stats.renditions[0]!.keyframeCauses.settings).toBe(1);
    expect(stats.subscribers[0]!.settings).toMatchObject({ width: 640, height: 360 });
  });

  it('halving the frame rate halves the access-unit rate', async () => {
    const [a] = await pairs(1);
    const s = streamer();
    s.subscribe(a!.peer);
    await s.start();
    /** Access units received per second over 2 s, and the median RTP timestamp step (ms) among them. */
    const measure = async () => {
      await sleep(500);
      const n0 = frames(a!).length;
      const t0 = performance.now();
      await sleep(2000);
      const got = frames(a!).slice(n0);
      const steps = got.slice(1).map((f, i) => ((f.timestamp - got[i]!.timestamp) >>> 0) / 90).sort((x, y) => x - y);
      return { rate: (got.length * 1000) / (performance.now() - t0), step: steps[steps.length >> 1]! };
    };
    const full = await measure();
    s.setVideo({ frameRate: 15 });
    const half = await measure();
    // The schedule: one picture every 1/30 s, then every 1/15 s (a frame skipped under load
    // lengthens one step, not the median).
    expect(full.step).toBeGreaterThan(30);
    expect(full.step).toBeLessThan(37);
    expect(half.step).toBeGreaterThan(60);
    expect(half.step).toBeLessThan(73);
    // What arrives: about 30, then at most 15 (+10 %) and at least 12 per second.
    expect(full.rate).toBeGreaterThan(20);
    expect(full.rate).toBeLessThan(33);
    expect(half.rate).toBeGreaterThan(12);
    expect(half.rate).toBeLessThan(16.5);
  });

  it('stop halts capture and encoding; start resumes with an IDR', async () => {
    const [a] = await pairs(1);
    const s = streamer();
    s.subscribe(a!.peer);
    await s.start();
    expect(s.running).toBe(true);
    await until(() => frames(a!).length >= 10, 10_000, 'frames');
    await s.stop();
    expect(s.running).toBe(false);
    await sleep(100);
    const stopped = frames(a!).length;
    const encoded = s.getStats().renditions[0]!.framesEncoded;
    await sleep(500);
    expect(frames(a!).length).toBe(stopped);
    expect(s.getStats().renditions[0]!.framesEncoded).toBe(encoded);
    await s.start();
    await until(() => frames(a!).length >= stopped + 5, 10_000, 'frames after start');
    expect(frames(a!)[stopped]!.keyframe).toBe(true);
    const pause = ((frames(a!)[stopped]!.timestamp - frames(a!)[stopped - 1]!.timestamp) >>> 0) / 90;
    expect(pause).toBeGreaterThan(500);
    expect(s.getStats().renditions[0]!.keyframeCauses).toEqual({ first: 1, start: 1 });
  });

  it('a PLI from one subscriber asks its encode for an IDR', async () => {
    const { a, b, s } = await sharedTwo(10);
    b!.receiver.sendRtcp(b!.receiver.videoTrack, [new PictureLossIndication(0x5eed, b!.receiver.videoSsrc!)]);
    await until(() => frames(b!).filter((f) => f.keyframe).length >= 2, 10_000, 'an IDR after the PLI');
    await until(() => frames(a!).filter((f) => f.keyframe).length >= 2, 10_000, 'the same IDR at a');
    const stats = s.getStats();
    expect(stats.renditions[0]!.keyframeCauses).toEqual({ first: 1, pli: 1 });
    const sb = stats.subscribers.find((x) => x.id === 'b')!;
    expect(sb.keyframeRequests).toBe(1);
    expect(sb.video!.pli).toBe(1);
    expect(stats.subscribers.find((x) => x.id === 'a')!.keyframeRequests).toBe(0);
    expect(stats.total.pli).toBe(1);
  });

  it('a NACK for packets no longer stored draws an IDR at once without waiting for a PLI, unless turned off', async () => {
    const [a] = await pairs(1);
    const s = streamer();
    const sub = s.subscribe(a!.peer, { id: 'a' });
    await s.start();
    await until(() => frames(a!).length >= 10, 10_000, '10 frames');
    /** Drops one frame beyond repair, NACKs the sequence numbers that never came, returns how many. */
    const loseFrame = async (): Promise<number> => {
      const from = a!.receiver.videoPackets.length;
      a!.peer.video!.dropNextFrames(1, { recoverable: false });
      await until(() => a!.peer.video!.getStats().framesDroppedByHook > 0 && a!.receiver.videoPackets.length > from + 20, 10_000, 'packets after the drop');
      // Sequence numbers after the last packet before the drop that never arrived.
      const after = a!.receiver.videoPackets.slice(from);
      const seen = new Set(after.map((p) => p.sequenceNumber));
      const base = a!.receiver.videoPackets[from - 1]!.sequenceNumber;
      const span = (after.at(-1)!.sequenceNumber - base) & 0xffff;
      const missing: number[] = [];
      for (let i = 1; i < span; i++) if (!seen.has((base + i) & 0xffff)) missing.push((base + i) & 0xffff);
      expect(missing.length).toBeGreaterThan(0);
      a!.receiver.sendRtcp(a!.receiver.videoTrack, [GenericNack.fromSequenceNumbers(0x5eed, a!.receiver.videoSsrc!, missing)]);
      return missing.length;
    };
    await loseFrame();
    await until(() => frames(a!).filter((f) => f.keyframe).length >= 2, 10_000, 'an IDR after the unanswerable NACK');
    expect(s.getStats().renditions[0]!.keyframeCauses).toEqual({ first: 1, unrepairable: 1 });
    expect(sub.getStats().unrepairableLosses).toBe(1);
    expect(a!.peer.video!.getStats().rtcp.pli).toBe(0);

    s.setKeyframeOnUnrepairableLoss(false);
    await sleep(600);
    await loseFrame();
    await until(() => sub.getStats().unrepairableLosses === 2, 10_000, 'the second unanswerable NACK');
    await sleep(500);
    expect(s.getStats().renditions[0]!.keyframeCauses).toEqual({ first: 1, unrepairable: 1 });
    expect(frames(a!).filter((f) => f.keyframe).length).toBe(2);
  });

  it('statistics carry bitrate, fps, RTT, loss, jitter, NACKs and latency from real RTCP', async () => {
    const [a] = await pairs(1);
    const s = streamer({ audio: true });
    const sub = s.subscribe(a!.peer, { id: 'a' });
    await s.start();
    await until(() => a!.receiver.senderReports > 0 && frames(a!).length >= 30, 10_000, 'frames and an SR');
    // A real receiver report (RFC 3550 A.3 loss, A.8 jitter, LSR/DLSR echoing our SR).
    const block = a!.receiver.videoStats!.makeReportBlock(Date.now());
    a!.receiver.sendRtcp(a!.receiver.videoTrack, [new ReceiverReport(0x5eed, [{ ...block, cumulativeLost: 3, fractionLost: 64 }])]);
    const seq = a!.receiver.videoPackets.at(-1)!.sequenceNumber;
    a!.receiver.sendRtcp(a!.receiver.videoTrack, [GenericNack.fromSequenceNumbers(0x5eed, a!.receiver.videoSsrc!, [seq, (seq - 1) & 0xffff])]);
    await until(() => (sub.getStats().video?.receiverReports ?? 0) > 0 && (sub.getStats().video?.nack ?? 0) > 0, 10_000, 'the report and the NACK');
    sub.recordReceiverLatency(40);
    sub.recordReceiverLatency(60);
    const st = s.getStats();
    const v = st.subscribers[0]!.video!;
    expect(v.rttMs).toBeGreaterThanOrEqual(0);
    expect(v.rttMs).toBeLessThan(200);
    expect(v.fractionLost).toBe(0.25);
    expect(v.cumulativeLost).toBe(3);
    expect(v.jitterMs).toBeGreaterThanOrEqual(0);
    expect(v.nack).toBe(1);
    expect(v.nackedPackets).toBe(2);
    expect(v.retransmitted).toBe(2);
    expect(v.framesPerSecond).toBeGreaterThan(10);
    expect(v.bitrateBps).toBeGreaterThan(0);
    expect(v.keyframesSent).toBe(1);
    const audio = st.subscribers[0]!.audio!;
    expect(audio.framesPerSecond).toBeGreaterThanOrEqual(45);
    expect(audio.framesPerSecond).toBeLessThanOrEqual(55);
    const lat = st.subscribers[0]!.latency;
    expect(lat.captureToSendSamples).toBeGreaterThan(20);
    expect(lat.captureToSendP50Ms).toBeGreaterThan(0);
    expect(lat.captureToSendP95Ms).toBeGreaterThanOrEqual(lat.captureToSendP50Ms!);
    expect(lat.estimatedEndToEndP50Ms).toBeCloseTo(lat.captureToSendP50Ms! + v.rttMs! / 2, 6);
    expect(lat).toMatchObject({ receiverMeasuredP50Ms: 40, receiverMeasuredP95Ms: 60, receiverMeasuredSamples: 2 });
    expect(st.total).toMatchObject({ subscribers: 1, nack: 1, retransmitted: 2, cumulativeLost: 3, maxFractionLost: 0.25 });
    expect(st.total.bitrateBps).toBeCloseTo(v.bitrateBps + audio.bitrateBps, 6);
  });

  it('Opus is encoded once and the same packets reach every subscriber at 50 per second', async () => {
    const [a, b] = await pairs(2);
    const s = streamer({ audio: { bitrateBps: 24_000 } });
    s.subscribe(a!.peer);
    s.subscribe(b!.peer);
    const started = performance.now();
    await s.start();
    await sleep(1500);
    await s.stop();
    const ran = performance.now() - started;
    await sleep(100);
    const pa = a!.receiver.audioPackets;
    const pb = b!.receiver.audioPackets;
    // One packet per 20 ms of the time it ran (the clock catches up a late tick, never skips one).
    expect(pa.length).toBeGreaterThanOrEqual(Math.floor(ran / 20) - 3);
    expect(pa.length).toBeLessThanOrEqual(Math.ceil(ran / 20) + 1);
    expect(pa.map((p) => Buffer.from(p.payload).toString('hex'))).toEqual(pb.map((p) => Buffer.from(p.payload).toString('hex')));
    pa.slice(1).forEach((p, i) => expect((p.timestamp - pa[i]!.timestamp) >>> 0).toBe(960));
    expect(s.getStats().audio!.packetsEncoded).toBe(pa.length);
  });

  it('a subscriber whose Peer closes is dropped without disturbing the others', async () => {
    const { a, b, s } = await sharedTwo(5);
    const gone: string[] = [];
    s.on('unsubscribed', (e) => gone.push(`${e.id}:${e.reason}`));
    b!.peer.close();
    await until(() => gone.length === 1, 5_000, 'b dropped');
    expect(gone).toEqual(['b:peer-closed']);
    const at = frames(a!).length;
    await until(() => frames(a!).length >= at + 10, 10_000, 'a goes on');
    expect(frames(a!).filter((f) => f.keyframe).length).toBe(1);
    expect(() => s.subscribe(b!.peer)).toThrow(expect.objectContaining({ code: 'peer-closed' }));
  });
});
