/**
 * Real headless Chromium as the remote peer. Media: Chrome's own captured H.264 (720p) and
 * Opus, depacketized by src/rtp and sent again through our pipeline (new SSRCs, sequence
 * numbers and timestamps, original timing, looped). What Chrome says comes from its
 * getStats(); what Chrome sent back comes from our RTCP counters.
 */
import { cleanup } from 'node-datachannel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../harness/chromium.js';
import { AudioReplay, EncoderFeed, loadChromeH264, loadChromeOpus, VideoReplay } from './__fixtures__/media.js';
import { ChromiumReceiver } from './__fixtures__/chromium.js';
import type { ChromeStats } from './__fixtures__/chromium-page.js';
import { until } from './__fixtures__/receiver.js';
import { parse } from '../sdp/index.js';
import { NoAcceptableCodecError } from './errors.js';
import { Peer } from './peer.js';
import type { KeyframeRequest } from './sender.js';
import type { AudioPacket } from './receiver.js';
import { decodePackets, measureTone, ToneFeed } from './__fixtures__/audio.js';

const video = loadChromeH264();
const audio = loadChromeOpus();
let chromium: ChromiumReceiver;
const peers: Peer[] = [];
const replays: { stop(): void }[] = [];

let available = true;
try {
  findChromium();
} catch {
  available = false;
}

beforeAll(async () => {
  if (available) chromium = await ChromiumReceiver.launch();
}, 30_000);

afterAll(async () => {
  for (const r of replays) r.stop();
  for (const p of peers) p.close();
  await chromium?.close();
  await new Promise((r) => setTimeout(r, 100));
  cleanup();
});

async function chromeUntil(check: (s: ChromeStats) => boolean, timeoutMs: number, what: string): Promise<ChromeStats> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const stats = await chromium.stats();
    if (check(stats)) return stats;
    if (Date.now() > end) throw new Error(`timed out waiting for Chrome: ${what}; last ${JSON.stringify(stats)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The lines of our local answer that say what was negotiated. */
function peerAnswerLines(peer: Peer): string[] {
  const sdp = peer.pc.localDescription()?.sdp ?? '';
  return sdp.split('\r\n').filter((l) => /^(m=|a=(rtcp-fb|fmtp|rtpmap|extmap|sendonly|recvonly|sendrecv|inactive|setup))/.test(l));
}

/**
 * Connects a new Peer to the page, as answerer or offerer. libdatachannel 0.24.5 now and then
 * fails the DTLS handshake ("unknown CA", see docs/peer.md); then the call is torn down and
 * made once more with a new Peer.
 */
async function connectToChromium(role: 'answerer' | 'offerer' | 'answerer-to-sendrecv', setup: (peer: Peer) => void, options: ConstructorParameters<typeof Peer>[0] = {}): Promise<Peer> {
  for (let attempt = 1; ; attempt++) {
    const peer = new Peer(options);
    peers.push(peer);
    setup(peer);
    if (role === 'answerer') await chromium.connectAsAnswerer(peer);
    else if (role === 'answerer-to-sendrecv') await chromium.connectAsAnswerer(peer, 'sendrecv');
    else await chromium.connectAsOfferer(peer);
    const ready = () => peer.connectionState === 'connected' && !!peer.video?.isOpen && (options.audio === false || !!peer.audio?.isOpen);
    await until(() => ready() || ['failed', 'closed'].includes(peer.connectionState), 20_000, 'connected to Chromium').catch(() => undefined);
    if (ready()) return peer;
    peer.close();
    await chromium.hangUp();
    if (attempt === 2) throw new Error('two DTLS failures in a row');
    console.warn('[chromium.test] DTLS handshake failed (libdatachannel), retrying with a new peer');
  }
}

describe.skipIf(!available)('Peer answering Chromium (Chrome offers receive-only video and audio)', () => {
  let peer: Peer;
  const requests: KeyframeRequest[] = [];
  let videoReplay: VideoReplay;
  let audioReplay: AudioReplay;

  beforeAll(async () => {
    peer = await connectToChromium('answerer', (p) => {
      requests.length = 0;
      p.on('keyframeRequested', (r) => requests.push(r));
    }, { name: 'spellbook-to-chromium' });
    // Start on the first delta frame: Chrome cannot decode it and must ask for a keyframe.
    const firstDelta = video.units.findIndex((u, i) => i > 0 && !u.keyframe);
    videoReplay = new VideoReplay(peer.video!, video, firstDelta);
    audioReplay = new AudioReplay(peer.audio!, audio);
    replays.push(videoReplay, audioReplay);
  }, 30_000);

  it('negotiates H.264 42e01f packetization-mode 1 and Opus at the payload types Chrome offered', () => {
    const stats = peer.getStats();
    expect(stats.connectionState).toBe('connected');
    const offer = peer.remoteOffer!.parsed;
    const offeredVideo = offer.mediaByMid(peer.video!.mid)!.codecs.find((c) => c.payloadType === peer.video!.payloadType)!;
    expect([offeredVideo.name, offeredVideo.parameters.get('profile-level-id'), offeredVideo.parameters.get('packetization-mode')]).toEqual(['H264', '42e01f', '1']);
    const offeredAudio = offer.mediaByMid(peer.audio!.mid)!.codecs.find((c) => c.payloadType === peer.audio!.payloadType)!;
    expect([offeredAudio.name, offeredAudio.clockRate, offeredAudio.channels]).toEqual(['opus', 48000, 2]);
    const ours = peer.getStats();
    console.log(`[chromium] ${chromium.session.version}; our answer: ${JSON.stringify(peerAnswerLines(peer))}; candidates local ${ours.candidates.local}, remote ${ours.candidates.remote}, retries ${ours.candidates.retries}`);
    // Chrome offers several H.264 variants; 42e01f mode 1 is not the first it lists.
    expect(offer.mediaByMid(peer.video!.mid)!.codecs.filter((c) => c.name === 'H264').length).toBeGreaterThan(1);
    expect(stats.candidates.remote).toBeGreaterThan(0);
    expect(stats.candidates.local).toBeGreaterThan(0);
  });

  it("a stream that starts on a delta frame draws Chrome's PLI, which raises keyframeRequested and is answered with an IDR", async () => {
    await until(() => requests.length > 0, 5000, 'a keyframe request');
    expect(requests[0]).toMatchObject({ mid: peer.video!.mid, ssrc: peer.video!.ssrc, cause: 'pli' });
    // The replay (our "encoder") jumps to the next IDR at its next frame time.
    await until(() => videoReplay.keyframeJumps > 0, 1000, 'the jump to an IDR');
    const chrome = await chromeUntil((s) => (s.inbound.video?.keyFramesDecoded ?? 0) > 0, 5000, 'a decoded keyframe');
    expect(chrome.inbound.video!.pliCount).toBeGreaterThan(0);
    expect(peer.video!.rtcp.pli).toBeGreaterThan(0);
  });

  it('Chrome decodes our H.264 at 1280x720, framesDecoded grows and nothing is lost on loopback', async () => {
    const first = await chromeUntil((s) => (s.inbound.video?.framesDecoded ?? 0) > 0, 5000, 'decoded frames');
    const later = await chromeUntil((s) => (s.inbound.video?.framesDecoded ?? 0) >= first.inbound.video!.framesDecoded! + 10, 5000, 'more decoded frames');
    const v = later.inbound.video!;
    expect(v.frameWidth).toBe(1280);
    expect(v.frameHeight).toBe(720);
    expect(v.packetsLost).toBe(0);
    expect(v.ssrc).toBe(peer.video!.ssrc);
    console.log('[chromium] inbound video', JSON.stringify(v));
  });

  it('Chrome NACKs a packet our sender dropped on purpose; we resend it from the retransmission buffer and Chrome loses nothing', async () => {
    const before = peer.video!.getStats();
    peer.video!.dropNextPackets(1);
    await until(() => peer.video!.getStats().rtcp.retransmitted > before.rtcp.retransmitted, 5000, 'a retransmission');
    const after = peer.video!.getStats();
    expect(after.packetsDroppedByHook).toBe(before.packetsDroppedByHook + 1);
    expect(after.rtcp.nack).toBeGreaterThan(before.rtcp.nack);
    const chrome = await chromeUntil((s) => (s.inbound.video?.nackCount ?? 0) > 0, 3000, 'nackCount');
    expect(chrome.inbound.video!.packetsLost).toBe(0);
  });

  it("Chrome's receiver reports echo our sender reports: RTT above 0, loss 0, and Chrome shows remote-outbound-rtp from our SRs", async () => {
    await until(() => (peer.video!.remote.roundTripTimeMs ?? 0) > 0 && peer.video!.remote.reports > 1, 6000, 'an RTT from an RR');
    const stats = peer.video!.getStats();
    expect(stats.remote.roundTripTimeMs).toBeGreaterThan(0);
    expect(stats.remote.roundTripTimeMs).toBeLessThan(200);
    expect(stats.remote.cumulativeLost).toBe(0);
    expect(stats.rtcp.senderReportsSent).toBeGreaterThan(0);
    const chrome = await chromium.stats();
    expect(chrome.remoteOutbound.video?.ssrc).toBe(peer.video!.ssrc);
    expect(chrome.remoteOutbound.video!.reportsSent).toBeGreaterThan(0);
    console.log('[chromium] our video sender', JSON.stringify(stats));
  });

  it("Chrome's transport-cc feedback on our transport-wide sequence numbers is parsed and counted", async () => {
    await until(() => peer.getStats().senders.reduce((n, s) => n + s.rtcp.twcc, 0) > 0, 5000, 'transport-cc feedback');
    const covered = peer.getStats().senders.reduce((n, s) => n + s.rtcp.twccPacketStatuses, 0);
    expect(covered).toBeGreaterThan(0);
  });

  it('Chrome receives our Opus at about 50 packets per second', async () => {
    const a = await chromeUntil((s) => (s.inbound.audio?.packetsReceived ?? 0) > 0, 5000, 'audio');
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const b = await chromium.stats();
    const rate = ((b.inbound.audio!.packetsReceived - a.inbound.audio!.packetsReceived) * 1000) / (Date.now() - t0);
    console.log(`[chromium] inbound audio ${rate.toFixed(1)} packets/s; ${JSON.stringify(b.inbound.audio)}`);
    expect(rate).toBeGreaterThan(40);
    expect(rate).toBeLessThan(60);
    expect(b.inbound.audio!.packetsLost).toBe(0);
    expect(b.inbound.audio!.ssrc).toBe(peer.audio!.ssrc);
    // What we measured sending over the last second: 50 Opus packets, the recording's 20 fps.
    const ours = peer.video!.getStats();
    const audioSent = peer.audio!.getStats().framesPerSecond;
    console.log(`[chromium] our send rates: video ${ours.framesPerSecond} fps, ${(ours.bitrateBps / 1000).toFixed(0)} kbit/s; audio ${audioSent} packets/s`);
    expect(audioSent).toBeGreaterThanOrEqual(45);
    expect(audioSent).toBeLessThanOrEqual(55);
    expect(ours.framesPerSecond).toBeGreaterThanOrEqual(15);
    expect(ours.framesPerSecond).toBeLessThanOrEqual(25);
    expect(ours.bitrateBps).toBeGreaterThan(100_000);
  });

  it('close() stops the senders: nothing more reaches Chrome', async () => {
    videoReplay.stop();
    audioReplay.stop();
    const sent = peer.video!.getStats().packetsSent;
    peer.close();
    expect(peer.getStats().connectionState).toBe('closed');
    expect(peer.video!.isOpen).toBe(false);
    expect(peer.video!.sendAccessUnit(video.units[0]!.nalUnits, 0)).toBe(0);
    expect(peer.video!.getStats().packetsSent).toBe(sent);
    // Nothing reaches Chrome any more (SR timer, pacer and replay all stopped).
    await new Promise((r) => setTimeout(r, 300));
    const a = await chromium.stats();
    await new Promise((r) => setTimeout(r, 700));
    const b = await chromium.stats();
    expect(b.inbound.video!.packetsReceived).toBe(a.inbound.video!.packetsReceived);
    expect(b.inbound.audio!.packetsReceived).toBe(a.inbound.audio!.packetsReceived);
    // libdatachannel sends no DTLS close_notify Chrome acts on: Chrome still says "connected"
    // a second later and only notices through ICE consent expiry (docs/peer.md).
    console.log(`[chromium] Chrome's connectionState 1 s after our close(): ${await chromium.state()}`);
    await chromium.hangUp();
  });
});

describe.skipIf(!available)('Peer offering to Chromium', () => {
  it('Chrome answers our send-only offer (validated as an answer to it) and decodes the video', async () => {
    const peer = await connectToChromium('offerer', () => undefined, { name: 'spellbook-offerer' });
    const answer = peer.remoteAnswer!.sdp;
    console.log('[chromium] answer to our offer', JSON.stringify(answer.split('\r\n').filter((l) => /^a=(rtcp-fb|fmtp|rtpmap|extmap|recvonly|sendrecv|inactive)/.test(l))));
    expect(answer).toMatch(/a=recvonly/);
    expect(peer.remoteAnswer!.parsed.mediaByMid('video')!.codecs[0]!.parameters.get('profile-level-id')).toBe('42e01f');
    const replay = new VideoReplay(peer.video!, video, 0);
    replays.push(replay);
    const chrome = await chromeUntil((s) => (s.inbound.video?.framesDecoded ?? 0) > 5, 8000, 'decoded frames');
    expect(chrome.inbound.video!.frameWidth).toBe(1280);
    expect(chrome.inbound.video!.ssrc).toBe(peer.video!.ssrc);
    replay.stop();
    peer.close();
    await chromium.hangUp();
  }, 30_000);

  it("answers Chrome's send-and-receive offer (its fake camera) send-only: Chrome settles on recvonly and decodes our video", async () => {
    const peer = await connectToChromium('answerer-to-sendrecv', () => undefined, { name: 'spellbook-sendrecv' });
    const offer = peer.remoteOffer!.parsed;
    expect(offer.media.filter((m) => m.kind !== 'application').map((m) => offer.directionOf(m))).toEqual(['sendrecv', 'sendrecv']);
    const answer = parse(peer.pc.localDescription()!.sdp);
    expect(answer.media.map((m) => answer.directionOf(m))).toEqual(['sendonly', 'sendonly']);
    const replay = new VideoReplay(peer.video!, video, 0);
    replays.push(replay);
    await chromeUntil((s) => (s.inbound.video?.framesDecoded ?? 0) > 5, 8000, 'decoded frames');
    const directions = await chromium.directions();
    expect(directions.map((d) => d.currentDirection)).toEqual(['recvonly', 'recvonly']);
    replay.stop();
    peer.close();
    await chromium.hangUp();
  }, 30_000);

  it('rejects a Chrome offer restricted to VP8 with NoAcceptableCodecError naming the video section', async () => {
    const peer = new Peer({ name: 'spellbook-vp8', audio: false });
    peers.push(peer);
    const error = await chromium.connectAsAnswerer(peer, 'video/VP8').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAcceptableCodecError);
    expect((error as NoAcceptableCodecError).rejected).toEqual([{ mid: '0', kind: 'video' }]);
    await chromium.hangUp();
  });
});

/**
 * Loss on purpose at our sender, with live frames from our encoder (640x360, 30 fps, 800
 * kbit/s, no periodic IDR), so that only a keyframe request brings an IDR.
 */
describe.skipIf(!available)('Peer under deliberate loss to Chromium', () => {
  let peer: Peer;
  let feed: EncoderFeed;
  const requests: { at: number; cause: string }[] = [];
  const unrepairable: { at: number; count: number }[] = [];

  beforeAll(async () => {
    peer = await connectToChromium('answerer', (p) => {
      requests.length = 0;
      p.on('keyframeRequested', (r) => requests.push({ at: performance.now(), cause: r.cause }));
    }, { name: 'spellbook-lossy' });
    // The tracks exist once the offer is answered.
    peer.video!.on('unrepairable', (u) => unrepairable.push({ at: performance.now(), count: u.sequenceNumbers.length }));
    feed = new EncoderFeed(peer.video!, { width: 640, height: 360, fps: 30, bitrate: 800_000 });
    replays.push(feed);
    await chromeUntil((s) => (s.inbound.video?.framesDecoded ?? 0) > 5, 8000, 'decoded frames');
  }, 30_000);

  afterAll(async () => {
    feed?.stop();
    peer?.close();
    await chromium?.hangUp();
  });

  it("under 5 % seeded loss Chrome NACKs, we retransmit, and Chrome's packetsLost returns to 0 with few frames dropped", async () => {
    // Seed 9 also drops the very first retransmission (see LossModel): Chrome must NACK that packet again.
    const before = await chromium.stats();
    const ours0 = peer.video!.getStats();
    peer.video!.setLoss({ rate: 0.05, seed: 9 });
    await new Promise((r) => setTimeout(r, 4000));
    peer.video!.setLoss(undefined);
    // Let the last NACKs and retransmissions of the lossy stretch land (Chrome retries every 100 ms or so).
    await new Promise((r) => setTimeout(r, 500));
    const after = await chromium.stats();
    const ours = peer.video!.getStats();
    const v0 = before.inbound.video!;
    const v = after.inbound.video!;
    const frames = v.framesReceived! - v0.framesReceived!;
    const freezes = v.freezeCount! - v0.freezeCount!;
    console.log(`[chromium] 5 % loss for 4 s: ${ours.packetsSent - ours0.packetsSent} packets sent, ${ours.loss.dropped} dropped, ${ours.loss.retransmissionsDropped} of ${ours.loss.retransmissionsConsidered} retransmissions dropped, ` +
      `${ours.rtcp.nack - ours0.rtcp.nack} NACKs, ${ours.rtcp.retransmitted - ours0.rtcp.retransmitted} resent, ${ours.rtcp.retransmitMissing} missing; Chrome nackCount +${v.nackCount! - v0.nackCount!}, ` +
      `packetsLost ${v.packetsLost}, frames received ${frames}, dropped ${v.framesDropped! - v0.framesDropped!}, freezes ${freezes} (${(v.totalFreezesDuration! - v0.totalFreezesDuration!).toFixed(3)} s), PLIs +${v.pliCount! - v0.pliCount!}`);
    expect(ours.loss.dropped).toBeGreaterThan(0);
    expect(ours.loss.retransmissionsDropped).toBeGreaterThan(0);
    expect(ours.loss.repaired).toBe(ours.loss.dropped);
    expect(v.nackCount! - v0.nackCount!).toBeGreaterThan(0);
    // Every packet the loss took was resent at least once (some more than once: their retransmission was lost too).
    expect(ours.rtcp.retransmitted - ours0.rtcp.retransmitted).toBeGreaterThanOrEqual(ours.loss.dropped);
    expect(ours.rtcp.retransmitMissing).toBe(0);
    expect(v.packetsLost).toBe(0);
    expect(v.framesDropped! - v0.framesDropped!).toBeLessThanOrEqual(Math.ceil(frames * 0.02));
    expect(v.pliCount! - v0.pliCount!).toBe(0);
  }, 15_000);

  it("a frame dropped beyond repair (not kept for retransmission) draws Chrome's PLI once its wait for a decodable frame runs out; our IDR answers it and Chrome decodes it", async () => {
    const before = await chromium.stats();
    const ours0 = peer.video!.getStats();
    const requested = requests.length;
    const reported = unrepairable.length;
    const idrs = feed.idrTimes.length;
    const t0 = performance.now();
    peer.video!.dropNextFrames(1, { recoverable: false });
    await until(() => requests.length > requested, 8000, 'a keyframe request');
    const request = requests[requested]!;
    await until(() => feed.idrTimes.length > idrs, 2000, 'an IDR');
    const after = await chromeUntil((s) => (s.inbound.video?.keyFramesDecoded ?? 0) > before.inbound.video!.keyFramesDecoded!, 3000, 'the IDR decoded');
    const decodedMs = performance.now() - request.at;
    const ours = peer.video!.getStats();
    const v = after.inbound.video!;
    console.log(`[chromium] unrecoverable frame: ${ours.packetsUnrecoverableByHook - ours0.packetsUnrecoverableByHook} packets; ${ours.rtcp.retransmitMissing - ours0.rtcp.retransmitMissing} NACKed sequence numbers missing; ` +
      `first unanswerable NACK ${(unrepairable[reported]!.at - t0).toFixed(0)} ms after the drop; keyframe request (${request.cause}) ${(request.at - t0).toFixed(0)} ms after the drop, IDR sent ${(feed.idrTimes[idrs]! - request.at).toFixed(1)} ms after it, decoded within ${decodedMs.toFixed(0)} ms (poll); ` +
      `Chrome pliCount +${v.pliCount! - before.inbound.video!.pliCount!}, freezes +${v.freezeCount! - before.inbound.video!.freezeCount!} (${(v.totalFreezesDuration! - before.inbound.video!.totalFreezesDuration!).toFixed(3)} s)`);
    expect(request.cause).toBe('pli');
    expect(ours.rtcp.retransmitMissing - ours0.rtcp.retransmitMissing).toBeGreaterThan(0);
    // Chrome NACKs the frame's packets many times; `unrepairable` names each of them once, long before the PLI.
    expect(unrepairable.slice(reported).reduce((n, u) => n + u.count, 0)).toBe(ours.packetsUnrecoverableByHook - ours0.packetsUnrecoverableByHook);
    expect(unrepairable[reported]!.at).toBeLessThan(request.at);
    expect(v.pliCount!).toBeGreaterThan(before.inbound.video!.pliCount!);
    expect(ours.keyframesSent).toBe(ours0.keyframesSent + 1);
    // The IDR goes out with the next frame after the request (one frame interval at 30 fps).
    expect(feed.idrTimes[idrs]! - request.at).toBeLessThan(100);
  }, 20_000);
});

/**
 * Chrome sends a WebAudio tone and receives ours on one send-and-receive audio track: our
 * Peer answers with receiveAudio, decodes Chrome's Opus with our OpusDecoder, and sends its
 * own tone back, which the page measures with an AnalyserNode.
 */
describe.skipIf(!available)('Peer receiving audio from Chromium', () => {
  const CHROME_HZ = 440;
  const OUR_HZ = 1000;

  it("answers Chrome's sendrecv audio offer sendrecv, receives and decodes Chrome's oscillator tone, and Chrome receives and hears our tone", async () => {
    let peer: Peer | undefined;
    const got: AudioPacket[] = [];
    for (let attempt = 1; !peer; attempt++) {
      const p = new Peer({ name: 'spellbook-audio-rx', video: false, receiveAudio: true });
      peers.push(p);
      got.length = 0;
      p.on('audioPacket', (packet) => got.push(packet));
      await chromium.connectToneAnswerer(p, CHROME_HZ);
      await until(() => (p.connectionState === 'connected' && !!p.audio?.isOpen) || ['failed', 'closed'].includes(p.connectionState), 20_000, 'connected to Chromium').catch(() => undefined);
      if (p.connectionState === 'connected' && p.audio?.isOpen) peer = p;
      else {
        p.close();
        await chromium.hangUp();
        if (attempt === 2) throw new Error('two DTLS failures in a row');
        console.warn('[chromium.test] DTLS handshake failed (libdatachannel), retrying with a new peer');
      }
    }
    const offer = peer.remoteOffer!.parsed;
    expect(offer.media.map((m) => `${m.kind}:${offer.directionOf(m)}`)).toEqual(['audio:sendrecv']);
    const answer = parse(peer.pc.localDescription()!.sdp);
    expect(answer.media.map((m) => answer.directionOf(m))).toEqual(['sendrecv']);
    // Our tone to Chrome, for as long as the test runs (stopped at the end).
    const feed = new ToneFeed(peer.audio!, OUR_HZ, 100_000);
    replays.push(feed);
    // 3 s of Chrome's audio (150 packets at Chrome's 20 ms ptime).
    await until(() => got.length >= 150, 15_000, "150 of Chrome's audio packets");
    const packets = got.slice(0, 150);
    const lost = packets.reduce((n, p) => n + p.lost, 0);
    packets.forEach((p, i) => i > 0 && expect(p.sequenceNumber).toBe((packets[i - 1]!.sequenceNumber + 1 + p.lost) & 0xffff));
    const pcm = decodePackets(packets);
    // Skip the first 0.5 s: Chrome's encoder and the oscillator settle.
    const tone = measureTone(pcm.subarray(24_000));
    const stats = peer.getStats().receivers[0]!;
    console.log(`[chromium] Chrome's tone as we decoded it: ${tone.frequency.toFixed(2)} Hz, RMS ${tone.rms.toFixed(3)}, ${packets.length} packets, ${lost} lost; receiver ${JSON.stringify(stats)}`);
    expect(Math.abs(tone.frequency - CHROME_HZ)).toBeLessThan(3);
    expect(tone.rms).toBeGreaterThan(0.1);
    expect(lost).toBe(0);
    expect(stats).toMatchObject({ duplicate: 0, late: 0, malformed: 0, lost: 0 });
    // Chrome's offer names its SSRC (a=ssrc): libdatachannel routes its RTP to our track by it.
    expect(offer.media[0]!.ssrcs.map((a) => a.ssrc)).toContain(stats.ssrc);
    expect(peer.audio!.getStats().rtcp.malformed).toBe(0);
    // Chrome's side: our tone arrives, is played at a level above 0, and its spectrum peaks at OUR_HZ.
    const chrome = await chromeUntil((s) => (s.inbound.audio?.packetsReceived ?? 0) > 50 && (s.inbound.audio?.audioLevel ?? 0) > 0, 10_000, 'our audio at a level above 0');
    const inbound = chrome.inbound.audio!;
    expect(inbound.ssrc).toBe(peer.audio!.ssrc);
    expect(inbound.packetsLost).toBe(0);
    let peak = await chromium.peakFrequency();
    const end = Date.now() + 5000;
    while (Math.abs(peak.frequency - OUR_HZ) >= 3 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      peak = await chromium.peakFrequency();
    }
    console.log(`[chromium] Chrome's inbound audio ${JSON.stringify(inbound)}; its analyser peak ${peak.frequency.toFixed(1)} Hz at ${peak.db.toFixed(1)} dBFS (AudioContext ${peak.contextState})`);
    expect(Math.abs(peak.frequency - OUR_HZ)).toBeLessThan(3);
    // Chrome reports on our stream and we report on Chrome's (the report block rides in our SRs).
    await until(() => peer!.audio!.remote.reports > 0 && peer!.getStats().receivers[0]!.receiverReportsSent > 0, 5000, 'reports both ways');
    feed.stop();
    peer.close();
    await chromium.hangUp();
  }, 60_000);
});
