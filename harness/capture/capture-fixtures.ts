/**
 * Captures real WebRTC fixtures from headless Debian Chromium talking to node-datachannel.
 *
 *   npx tsx harness/capture/capture-fixtures.ts [--out fixtures/chrome] [--seconds 5]
 *
 * Writes `<out>/sdp/*.sdp` (exact strings, CRLF kept, no newline added), `<out>/rtp/*.rtpdump`
 * (rtptools format) with the SDP pair of each media session beside them, and
 * `<out>/manifest.json` describing the run. See docs/fixtures.md.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { Audio, PeerConnection, Video, cleanup, getLibraryVersion, type Track } from 'node-datachannel';
import { CAPTURE_PAGE_HTML } from './page.js';
import { PacketRecorder } from './recorder.js';
import { H264Replay } from './replay.js';
import { buildEmptyRr, buildPli, buildSenderReport, compound, listRtcp, nackedSequenceNumbers } from './rtcp-build.js';
import { NAL_IDR, inspectH264Payload, profileLevelIdOfSps } from './h264-inspect.js';
import { parseRtp } from './rtp-packet.js';
import { isRtcpPacket, type RtpDumpPacket } from '../../src/rtp/index.js';
import { CONFORMANCE_CHROMIUM_ARGS, findChromium } from '../chromium.js';

const CHROMIUM_ARGS = [...CONFORMANCE_CHROMIUM_ARGS];

/** Payload types node-datachannel offers (Chrome answers with the offerer's numbers). */
const H264_PT = 96;
const OPUS_PT = 111;
/**
 * fmtp node-datachannel offers for the capture: its default H.264 line plus Chrome's
 * x-google-start-bitrate, because node-datachannel sends no bandwidth feedback on the raw
 * path and Chrome would otherwise stay near its 300 kbps start rate.
 */
const CAPTURE_H264_FMTP = 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1;x-google-start-bitrate=1500';
/** SSRC node-datachannel puts in the RTCP it sends while only receiving. */
const NODE_RTCP_SSRC = 0x5bee_0001;
/** SSRCs of the two video streams node-datachannel sends in the feedback session. */
const REPLAY_SSRC_TWCC = 0x5bee_1001;
const REPLAY_SSRC_REMB = 0x5bee_2002;
/** Extension ids node-datachannel offers in the feedback session (RFC 8285). */
const EXT_TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const EXT_ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const EXT_TRANSPORT_CC_ID = 3;
const EXT_ABS_SEND_TIME_ID = 2;
/** Interval between PLIs node-datachannel sends during the capture, for several IDRs. */
const PLI_INTERVAL_MS = 1000;
/** Interval between the sender reports node-datachannel sends in the feedback session. */
const SR_INTERVAL_MS = 1000;
const TICK_MS = 5;
/**
 * The feedback session runs this much longer than --seconds: Chrome's receive-side estimator
 * (abs-send-time stream) sends its first REMB only once its estimate is initialised, after
 * about 5 s of incoming throughput unless it detects overuse sooner.
 */
const FEEDBACK_EXTRA_SECONDS = 3;
const CONNECT_TIMEOUT_MS = 15_000;

interface Args {
  out: string;
  seconds: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { out: 'fixtures/chrome', seconds: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') args.out = argv[++i] ?? args.out;
    else if (a === '--seconds') args.seconds = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; usage: capture-fixtures.ts [--out dir] [--seconds n]`);
  }
  if (!Number.isFinite(args.seconds) || args.seconds <= 0 || args.seconds > 30) {
    throw new Error('--seconds must be a number in (0, 30]');
  }
  return args;
}

const log = (message: string): void => {
  process.stderr.write(`[capture] ${message}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

type CapApi = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Run one `window.cap` step in the page. */
async function call<T>(page: Page, step: string, ...args: unknown[]): Promise<T> {
  const result = await page.evaluate(
    (name: string, list: unknown[]) => (window as unknown as { cap: CapApi }).cap[name](...list),
    step,
    args,
  );
  return result as T;
}

/** A node-datachannel peer with helpers to wait for gathering and connection. */
class NodePeer {
  readonly pc: PeerConnection;
  private readonly gathered: Promise<void>;
  private readonly connectedPromise: Promise<void>;

  constructor(name: string) {
    this.pc = new PeerConnection(name, { iceServers: [], disableAutoNegotiation: true });
    this.gathered = new Promise((resolve) => {
      this.pc.onGatheringStateChange((state) => {
        if (state === 'complete') resolve();
      });
    });
    this.connectedPromise = new Promise((resolve, reject) => {
      this.pc.onStateChange((state) => {
        if (state === 'connected') resolve();
        if (state === 'failed') reject(new Error(`${name}: node-datachannel connection failed`));
      });
    });
    // Observed only when awaited; a late failure after closing must not crash the run.
    this.connectedPromise.catch(() => undefined);
  }

  /** pc.localDescription() once ICE gathering is complete (candidates included). */
  async localDescriptionGathered(): Promise<string> {
    await withTimeout(this.gathered, CONNECT_TIMEOUT_MS, 'node-datachannel gathering');
    const description = this.pc.localDescription();
    if (!description) throw new Error('node-datachannel has no local description');
    return description.sdp;
  }

  connected(): Promise<void> {
    return withTimeout(this.connectedPromise, CONNECT_TIMEOUT_MS, 'node-datachannel connection');
  }

  /** Local address/port of the selected candidate pair (IPv4 only; rtpdump cannot hold IPv6). */
  selectedLocal(): { address: string; port: number } {
    const pair = this.pc.getSelectedCandidatePair();
    if (!pair) return { address: '0.0.0.0', port: 0 };
    const address = /^\d+\.\d+\.\d+\.\d+$/.test(pair.local.address) ? pair.local.address : '0.0.0.0';
    return { address, port: pair.local.port };
  }

  close(): void {
    this.pc.close();
  }
}

/** `a=extmap` ids per mid in an SDP, by URI. */
function extmapIds(sdp: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const section of sdp.split(/\r\n(?=m=)/).slice(1)) {
    const mid = /\r\na=mid:(\S+)/.exec(section)?.[1];
    if (!mid) continue;
    const ids = new Map<string, number>();
    for (const m of section.matchAll(/\r\na=extmap:(\d+)(?:\/\w+)? (\S+)/g)) ids.set(m[2], Number(m[1]));
    out.set(mid, ids);
  }
  return out;
}

interface Written {
  file: string;
  bytes: number;
  description: string;
}

class FixtureWriter {
  readonly written: Written[] = [];
  constructor(private readonly root: string) {}

  async write(relative: string, content: string | Uint8Array, description: string): Promise<void> {
    const target = path.join(this.root, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    this.written.push({ file: relative, bytes, description });
    log(`wrote ${relative} (${bytes} bytes)`);
  }
}

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(CAPTURE_PAGE_HTML);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://localhost:${port}/` });
    });
  });
}

/** Session 1: Chrome offers audio+video+data; node-datachannel answers; they connect. */
async function sessionAvData(page: Page, out: FixtureWriter): Promise<Record<string, unknown>> {
  const id = 'av-data';
  const { offer, gathered } = await call<{ offer: string; gathered: string }>(page, 'offerAvData', id);
  await out.write('sdp/chrome-offer-av-data.sdp', offer, 'Chrome createOffer(): fake camera + fake mic + createDataChannel("spellbook"), before ICE gathering');
  await out.write('sdp/chrome-offer-av-data-gathered.sdp', gathered, 'The same offer as pc.localDescription after ICE gathering completed (host candidates, end-of-candidates absent as Chrome writes it)');
  const peer = new NodePeer(id);
  const tracks: string[] = [];
  peer.pc.onTrack((track) => tracks.push(`${track.mid()}:${track.direction()}`));
  const message = new Promise<string>((resolve) => {
    peer.pc.onDataChannel((dc) => dc.onMessage((m) => resolve(String(m))));
  });
  peer.pc.setRemoteDescription(gathered, 'offer');
  peer.pc.setLocalDescription();
  const answer = await peer.localDescriptionGathered();
  await out.write('sdp/ndc-answer-av-data.sdp', answer, 'node-datachannel pc.localDescription() answering chrome-offer-av-data-gathered.sdp, after gathering');
  const state = await call<string>(page, 'acceptAnswer', id, answer);
  await peer.connected();
  const greeting = await withTimeout(message, CONNECT_TIMEOUT_MS, 'data channel message');
  await call(page, 'close', id);
  peer.close();
  return { chromeState: state, nodeTracks: tracks, dataChannelMessage: greeting };
}

/** Session 2: Chrome video-only offer restricted to H.264 with setCodecPreferences. */
async function sessionH264Offer(page: Page, out: FixtureWriter): Promise<void> {
  const { offer } = await call<{ offer: string }>(page, 'offerVideoH264', 'h264');
  await out.write('sdp/chrome-offer-video-h264.sdp', offer, 'Chrome createOffer(): fake camera only, setCodecPreferences(H.264 packetization-mode=1 entries only)');
  await call(page, 'close', 'h264');
}

/** Session 3: Chrome data-channel-only offer; node-datachannel answers; they connect. */
async function sessionDataOnly(page: Page, out: FixtureWriter): Promise<Record<string, unknown>> {
  const id = 'data';
  const { offer } = await call<{ offer: string }>(page, 'offerDataOnly', id);
  await out.write('sdp/chrome-offer-data-only.sdp', offer, 'Chrome createOffer(): one data channel, no media, before ICE gathering');
  const peer = new NodePeer(id);
  peer.pc.setRemoteDescription(offer, 'offer');
  peer.pc.setLocalDescription();
  const answer = await peer.localDescriptionGathered();
  await out.write('sdp/ndc-answer-data-only.sdp', answer, 'node-datachannel pc.localDescription() answering chrome-offer-data-only.sdp, after gathering');
  // Chrome's offer carries no candidates; its checks to node-datachannel's host candidates
  // (peer-reflexive on the node side) are enough for ICE on one host.
  const state = await call<string>(page, 'acceptAnswer', id, answer);
  await peer.connected();
  await call(page, 'close', id);
  peer.close();
  return { chromeState: state };
}

interface CaptureResult {
  video: readonly RtpDumpPacket[];
  summary: Record<string, unknown>;
}

/**
 * Session 4: node-datachannel offers recvonly H.264 video + Opus audio; Chrome answers
 * sending its fake camera (1280x720, H.264) and mic. Raw RTP/RTCP is recorded per track.
 */
async function sessionCapture(page: Page, out: FixtureWriter, seconds: number): Promise<CaptureResult> {
  const id = 'capture';
  const limitMs = seconds * 1000;
  const peer = new NodePeer(id);
  const video = new Video('video', 'RecvOnly');
  video.addH264Codec(H264_PT, CAPTURE_H264_FMTP);
  const audio = new Audio('audio', 'RecvOnly');
  audio.addOpusCodec(OPUS_PT);
  const videoTrack = peer.pc.addTrack(video);
  const audioTrack = peer.pc.addTrack(audio);
  const videoRec = new PacketRecorder(limitMs);
  const audioRec = new PacketRecorder(limitMs);
  let chromeVideoSsrc: number | undefined;
  const startBoth = (): void => {
    videoRec.start();
    audioRec.start();
  };
  videoTrack.onMessage((message) => {
    startBoth();
    videoRec.add(message);
    if (chromeVideoSsrc === undefined && !isRtcpPacket(message)) chromeVideoSsrc = parseRtp(message).ssrc;
  });
  audioTrack.onMessage((message) => {
    startBoth();
    audioRec.add(message);
  });

  peer.pc.setLocalDescription();
  const offer = await peer.localDescriptionGathered();
  await out.write('sdp/ndc-offer-av-recvonly.sdp', offer, 'node-datachannel pc.localDescription() offer: Video("video","RecvOnly").addH264Codec(96, default fmtp + x-google-start-bitrate=1500) + Audio("audio","RecvOnly").addOpusCodec(111), after gathering');
  const answer = await call<{ answer: string; gathered: string; width: number; height: number; frameRate: number }>(page, 'answerSending', id, offer);
  await out.write('sdp/chrome-answer-h264-opus.sdp', answer.answer, 'Chrome createAnswer() to ndc-offer-av-recvonly.sdp, sending fake camera (H.264 forced) + fake mic, before ICE gathering');
  peer.pc.setRemoteDescription(answer.gathered, 'answer');
  await peer.connected();
  await call(page, 'connected', id);
  const local = peer.selectedLocal();
  log(`capture connected; camera ${answer.width}x${answer.height} at ${answer.frameRate} fps`);

  // Ask for a keyframe every second so the recording holds several IDRs.
  let plis = 0;
  const pliTimer = setInterval(() => {
    if (chromeVideoSsrc === undefined || !videoTrack.isOpen()) return;
    videoTrack.sendMessageBinary(Buffer.from(compound(buildEmptyRr(NODE_RTCP_SSRC), buildPli(NODE_RTCP_SSRC, chromeVideoSsrc))));
    plis++;
  }, PLI_INTERVAL_MS);
  const deadline = Date.now() + limitMs + CONNECT_TIMEOUT_MS;
  while ((!videoRec.started || videoRec.elapsedMs < limitMs + 200) && Date.now() < deadline) await sleep(100);
  clearInterval(pliTimer);
  const stats = await call<unknown[]>(page, 'stats', id);
  await call(page, 'close', id);
  peer.close();
  if (!videoRec.started) throw new Error('no media arrived from Chromium within the time limit');

  const videoDump = videoRec.toRtpDump(local.address, local.port);
  const audioDump = audioRec.toRtpDump(local.address, local.port);
  await out.write('rtp/chrome-h264-720p.rtpdump', videoDump, `Chrome fake camera as H.264, first ${seconds} s of decrypted RTP (and Chrome's SR/SDES on that track) as node-datachannel delivered them`);
  await out.write('rtp/chrome-opus.rtpdump', audioDump, `Chrome fake mic as Opus, first ${seconds} s, same session and clock as chrome-h264-720p.rtpdump`);
  await out.write('rtp/chrome-h264-opus.offer.sdp', offer, 'node-datachannel offer of the capture session (same bytes as sdp/ndc-offer-av-recvonly.sdp)');
  await out.write('rtp/chrome-h264-opus.answer.sdp', answer.gathered, "Chrome's answer of the capture session as node-datachannel applied it (after gathering, with candidates)");
  return {
    video: videoRec.list(),
    summary: {
      cameraSettings: { width: answer.width, height: answer.height, frameRate: answer.frameRate },
      plisSent: plis,
      video: describeVideo(videoRec.list()),
      audio: describeAudio(audioRec.list()),
      chromeStats: stats,
    },
  };
}

function rtcpTypeCounts(packets: readonly RtpDumpPacket[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of packets) {
    if (!p.isRtcp) continue;
    for (const item of listRtcp(p.data)) counts[item.name] = (counts[item.name] ?? 0) + 1;
  }
  return counts;
}

function describeVideo(packets: readonly RtpDumpPacket[]): Record<string, unknown> {
  const kinds: Record<string, number> = {};
  const nalTypes: Record<string, number> = {};
  const stapContents = new Set<string>();
  const profiles = new Set<string>();
  const timestamps = new Set<number>();
  const ssrcs = new Set<number>();
  const payloadTypes = new Set<number>();
  const extensionIds = new Set<number>();
  let rtp = 0;
  let maxPacket = 0;
  let idrFrames = 0;
  let lastIdrTs: number | undefined;
  for (const p of packets) {
    if (p.isRtcp) continue;
    rtp++;
    maxPacket = Math.max(maxPacket, p.data.length);
    const view = parseRtp(p.data);
    timestamps.add(view.timestamp);
    ssrcs.add(view.ssrc);
    payloadTypes.add(view.payloadType);
    for (const id of view.extensions.keys()) extensionIds.add(id);
    const info = inspectH264Payload(view.payload);
    kinds[info.kind] = (kinds[info.kind] ?? 0) + 1;
    for (const t of info.nalTypes) nalTypes[t] = (nalTypes[t] ?? 0) + 1;
    if (info.kind === 'stap-a') stapContents.add(info.nalTypes.join('+'));
    if (info.sps) profiles.add(profileLevelIdOfSps(info.sps));
    if (info.nalTypes.includes(NAL_IDR) && view.timestamp !== lastIdrTs) {
      idrFrames++;
      lastIdrTs = view.timestamp;
    }
  }
  const durationMs = packets.length > 0 ? packets[packets.length - 1].offsetMs - packets[0].offsetMs : 0;
  return {
    rtpPackets: rtp,
    rtcp: rtcpTypeCounts(packets),
    frames: timestamps.size,
    idrFrames,
    durationMs,
    maxPacketBytes: maxPacket,
    ssrcs: [...ssrcs],
    payloadTypes: [...payloadTypes],
    headerExtensionIds: [...extensionIds].sort((a, b) => a - b),
    payloadKinds: kinds,
    nalTypeCounts: nalTypes,
    stapAContents: [...stapContents],
    spsProfileLevelIds: [...profiles],
  };
}

function describeAudio(packets: readonly RtpDumpPacket[]): Record<string, unknown> {
  let rtp = 0;
  let maxPacket = 0;
  const payloadTypes = new Set<number>();
  for (const p of packets) {
    if (p.isRtcp) continue;
    rtp++;
    maxPacket = Math.max(maxPacket, p.data.length);
    payloadTypes.add(parseRtp(p.data).payloadType);
  }
  return { rtpPackets: rtp, rtcp: rtcpTypeCounts(packets), maxPacketBytes: maxPacket, payloadTypes: [...payloadTypes] };
}

/**
 * Session 5: node-datachannel sends Chrome two H.264 video streams replayed from the capture
 * (one with transport-cc, one with abs-send-time + goog-remb), starts on a delta frame, drops
 * a few packets, and records the RTCP Chrome sends back.
 */
async function sessionFeedback(page: Page, out: FixtureWriter, seconds: number, recorded: readonly RtpDumpPacket[]): Promise<Record<string, unknown>> {
  const id = 'feedback';
  const limitMs = seconds * 1000;
  const peer = new NodePeer(id);
  const twccVideo = new Video('video-twcc', 'SendOnly');
  twccVideo.addH264Codec(H264_PT);
  twccVideo.addSSRC(REPLAY_SSRC_TWCC, 'spellbook-replay', 'spellbook-stream', 'video-twcc');
  twccVideo.parseSdpLine(`a=extmap:${EXT_TRANSPORT_CC_ID} ${EXT_TRANSPORT_CC}`);
  twccVideo.parseSdpLine(`a=rtcp-fb:${H264_PT} transport-cc`);
  const rembVideo = new Video('video-remb', 'SendOnly');
  rembVideo.addH264Codec(H264_PT);
  rembVideo.addSSRC(REPLAY_SSRC_REMB, 'spellbook-replay', 'spellbook-stream', 'video-remb');
  rembVideo.parseSdpLine(`a=extmap:${EXT_ABS_SEND_TIME_ID} ${EXT_ABS_SEND_TIME}`);
  const twccTrack = peer.pc.addTrack(twccVideo);
  const rembTrack = peer.pc.addTrack(rembVideo);
  const rtcpRec = new PacketRecorder(limitMs, (isRtcp) => isRtcp);

  peer.pc.setLocalDescription();
  const offer = await peer.localDescriptionGathered();
  const answer = await call<{ answer: string; gathered: string }>(page, 'answerReceiving', id, offer);
  peer.pc.setRemoteDescription(answer.gathered, 'answer');
  await peer.connected();
  await call(page, 'connected', id);
  const local = peer.selectedLocal();
  const answered = extmapIds(answer.gathered);
  const twccId = answered.get('video-twcc')?.get(EXT_TRANSPORT_CC);
  const absId = answered.get('video-remb')?.get(EXT_ABS_SEND_TIME);
  log(`feedback connected; Chrome accepted transport-cc id ${twccId ?? 'none'}, abs-send-time id ${absId ?? 'none'}`);

  let transportSeq = 1;
  const nextTransportSeq = (): number => {
    const v = transportSeq;
    transportSeq = (transportSeq + 1) & 0xffff;
    return v;
  };
  const makeReplay = (track: Track, ssrc: number, firstSeq: number, extra: { transportCcId?: number; absSendTimeId?: number }): H264Replay =>
    new H264Replay(recorded, {
      ssrc,
      payloadType: H264_PT,
      ...extra,
      nextTransportSeq,
      send: (packet) => {
        if (track.isOpen()) track.sendMessageBinary(Buffer.from(packet));
      },
      initialSequenceNumber: firstSeq,
      initialTimestamp: 0x1000_0000,
      // Three isolated losses per stream (after the keyframe jump) to draw NACKs.
      dropSequenceNumbers: new Set([firstSeq + 150, firstSeq + 300, firstSeq + 450].map((s) => s & 0xffff)),
    });
  const twccReplay = makeReplay(twccTrack, REPLAY_SSRC_TWCC, 1000, { transportCcId: twccId });
  const rembReplay = makeReplay(rembTrack, REPLAY_SSRC_REMB, 20000, { absSendTimeId: absId });
  const bySsrc = new Map<number, H264Replay>([
    [REPLAY_SSRC_TWCC, twccReplay],
    [REPLAY_SSRC_REMB, rembReplay],
  ]);
  const start = performance.now();
  const elapsed = (): number => performance.now() - start;
  const onRtcp = (message: Buffer): void => {
    if (!isRtcpPacket(message)) return;
    rtcpRec.add(message);
    for (const item of listRtcp(message)) {
      const replay = bySsrc.get(item.mediaSsrc);
      if (!replay) continue;
      if (item.name === 'PSFB/PLI' || item.name === 'PSFB/FIR') replay.requestKeyframe();
      if (item.name === 'RTPFB/NACK') replay.retransmit(nackedSequenceNumbers(message, item), elapsed());
    }
  };
  twccTrack.onMessage(onRtcp);
  rembTrack.onMessage(onRtcp);

  // Start both on a delta frame: Chrome cannot decode it and asks for a keyframe.
  twccReplay.startAt(twccReplay.firstDeltaIndex());
  rembReplay.startAt(rembReplay.firstDeltaIndex());
  rtcpRec.start();
  let nextSr = SR_INTERVAL_MS;
  while (elapsed() < limitMs + 200) {
    const now = elapsed();
    twccReplay.tick(now);
    rembReplay.tick(now);
    if (now >= nextSr) {
      nextSr += SR_INTERVAL_MS;
      for (const [ssrc, replay] of bySsrc) {
        const track = ssrc === REPLAY_SSRC_TWCC ? twccTrack : rembTrack;
        const sr = buildSenderReport({
          ssrc,
          wallClockMs: Date.now(),
          rtpTimestamp: replay.rtpTimestampAt(now),
          packetCount: replay.counters.packetsSent,
          octetCount: replay.counters.octetsSent,
        });
        if (track.isOpen()) track.sendMessageBinary(Buffer.from(sr));
      }
    }
    await sleep(TICK_MS);
  }
  const stats = await call<unknown[]>(page, 'stats', id);
  await call(page, 'close', id);
  peer.close();
  await out.write('rtp/chrome-rtcp-feedback.rtpdump', rtcpRec.toRtpDump(local.address, local.port), `RTCP Chrome sent back as a receiver of two node-datachannel H.264 streams, first ${seconds} s`);
  await out.write('rtp/chrome-rtcp-feedback.offer.sdp', offer, 'node-datachannel offer of the feedback session: two SendOnly H.264 videos (transport-cc; abs-send-time)');
  await out.write('rtp/chrome-rtcp-feedback.answer.sdp', answer.gathered, "Chrome's answer of the feedback session as node-datachannel applied it (after gathering)");
  return {
    accepted: { transportCcId: twccId ?? null, absSendTimeId: absId ?? null },
    rtcp: rtcpTypeCounts(rtcpRec.list()),
    rtcpPackets: rtcpRec.list().length,
    replayTwcc: twccReplay.counters,
    replayRemb: rembReplay.counters,
    chromeStats: stats,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const out = new FixtureWriter(path.resolve(args.out));
  const { server, url } = await serve();
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'spellbook-chromium-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({ executablePath: findChromium().path, headless: true, userDataDir, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    let userAgent = '';
    await page.exposeFunction('capLog', (message: string) => {
      if (message.startsWith('page ready ')) userAgent = message.slice('page ready '.length);
      log(`page: ${message}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => 'cap' in window);

    const sessions: Record<string, unknown> = {};
    sessions.avData = await sessionAvData(page, out);
    await sessionH264Offer(page, out);
    sessions.dataOnly = await sessionDataOnly(page, out);
    const capture = await sessionCapture(page, out, args.seconds);
    sessions.capture = capture.summary;
    sessions.feedback = await sessionFeedback(page, out, args.seconds + FEEDBACK_EXTRA_SECONDS, capture.video);

    const here = path.dirname(fileURLToPath(import.meta.url));
    const ndcPackage = JSON.parse(await readFile(path.join(here, '../../node_modules/node-datachannel/package.json'), 'utf8')) as { version: string };
    const manifest = {
      capturedAt: new Date().toISOString(),
      command: `npx tsx harness/capture/capture-fixtures.ts --out ${args.out} --seconds ${args.seconds}`,
      chromium: { version: await browser.version(), userAgent, executablePath: findChromium().path, args: CHROMIUM_ARGS },
      nodeDataChannel: { package: ndcPackage.version, libdatachannel: getLibraryVersion() },
      node: process.version,
      files: out.written,
      sessions,
    };
    await out.write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, 'This run: versions, command, per-file notes and what was observed');
  } finally {
    if (browser) await browser.close();
    server.close();
    await rm(userDataDir, { recursive: true, force: true });
    cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[capture] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
