/**
 * A plain node-datachannel receiver on loopback for tests that need no browser: it offers
 * receive-only H.264 and Opus (as a browser's recvonly transceivers would), hands RTP to our
 * depacketizer and sends RTCP we build with src/rtp back on the same tracks.
 */
import { Audio, PeerConnection, Video, type Track } from 'node-datachannel';
import { H264Depacketizer, parseRtcp, ReceiverStatistics, RtpPacket, serializeRtcp, type H264Frame, type RtcpPacket } from '../../rtp/index.js';
import { PLAYOUT_DELAY_URI, TRANSPORT_CC_URI } from '../constants.js';
import type { Peer } from '../peer.js';

export class NodeReceiver {
  readonly pc: PeerConnection;
  readonly videoTrack: Track;
  readonly audioTrack: Track;
  private readonly retained: unknown[] = [];
  readonly depacketizer = new H264Depacketizer({ reorderWindow: 16 });
  readonly frames: H264Frame[] = [];
  readonly videoPackets: RtpPacket[] = [];
  readonly audioPackets: RtpPacket[] = [];
  readonly rtcpSeen: number[] = [];
  videoSsrc: number | undefined;
  /** RFC 3550 A.1 statistics of the video stream, fed with every packet and SR (to write real RRs). */
  videoStats: ReceiverStatistics | undefined;
  /** Sender reports seen on the video track (ours, forwarded by node-datachannel). */
  senderReports = 0;
  private described = false;
  /** The Peer's answer to our offer, once `connect` has it. */
  answer = '';
  /** What node-datachannel refused while trickling (after a failed DTLS handshake its ICE transport is gone). */
  readonly errors: unknown[] = [];
  private pending: [string, string][] = [];

  constructor(options: { videoCodec?: 'H264' | 'VP8'; playoutDelayId?: number } = {}) {
    this.pc = new PeerConnection('spellbook-test-receiver', { iceServers: [], bindAddress: '127.0.0.1', disableAutoNegotiation: true });
    const video = new Video('v0', 'RecvOnly');
    if (options.videoCodec === 'VP8') video.addVP8Codec(97);
    else {
      video.addH264Codec(102);
      video.parseSdpLine('a=rtcp-fb:102 transport-cc');
      video.parseSdpLine(`a=extmap:5 ${TRANSPORT_CC_URI}`);
      // As Chrome offers it (its id there is 5 too; here 5 is taken).
      if (options.playoutDelayId !== undefined) video.parseSdpLine(`a=extmap:${options.playoutDelayId} ${PLAYOUT_DELAY_URI}`);
    }
    const audio = new Audio('a0', 'RecvOnly');
    audio.addOpusCodec(109);
    this.videoTrack = this.pc.addTrack(video);
    this.audioTrack = this.pc.addTrack(audio);
    this.retained.push(video, audio);
    // Without these two callbacks node-datachannel never releases its native callbacks and the process cannot exit.
    this.pc.onStateChange(() => undefined);
    this.videoTrack.onClosed(() => undefined);
    this.audioTrack.onClosed(() => undefined);
    this.videoTrack.onMessage((m) => {
      if (m.length > 1 && m[1]! >= 192 && m[1]! <= 223) {
        this.rtcpSeen.push(m[1]!);
        for (const p of parseRtcp(new Uint8Array(m))) {
          if (p.kind !== 'sr') continue;
          this.senderReports++;
          this.videoStats?.onSenderReport(p, Date.now());
        }
        return;
      }
      const p = RtpPacket.parse(new Uint8Array(m));
      this.videoSsrc = p.ssrc;
      this.videoStats ??= new ReceiverStatistics({ ssrc: p.ssrc, clockRate: 90_000 });
      this.videoStats.onPacket(p.sequenceNumber, p.timestamp, Date.now());
      this.videoPackets.push(RtpPacket.parse(new Uint8Array(m).slice()));
      this.frames.push(...this.depacketizer.push(new Uint8Array(m)));
    });
    this.audioTrack.onMessage((m) => {
      if (m.length > 1 && m[1]! >= 192 && m[1]! <= 223) return void this.rtcpSeen.push(m[1]!);
      this.audioPackets.push(RtpPacket.parse(new Uint8Array(m).slice()));
    });
  }

  /** Offers to `peer`, trickles both ways, applies its answer. */
  async connect(peer: Peer): Promise<void> {
    this.pc.onLocalCandidate((candidate, mid) => {
      try {
        peer.addRemoteCandidate(candidate, mid);
      } catch {
        // the peer closed
      }
    });
    peer.on('candidate', ({ candidate, mid }) => {
      if (this.described) this.add(candidate, mid, 0);
      else this.pending.push([candidate, mid]);
    });
    const offer = await new Promise<string>((resolve) => {
      this.pc.onLocalDescription((sdp) => resolve(sdp));
      this.pc.setLocalDescription('offer');
    });
    const answer = await peer.acceptOffer(offer);
    this.answer = answer.sdp;
    this.pc.setRemoteDescription(answer.sdp, 'answer');
    this.described = true;
    for (const [c, m] of this.pending) this.add(c, m, 0);
    this.pending = [];
  }

  /** Same transient refusal as Peer handles ("without ICE transport"): try again shortly. */
  private add(candidate: string, mid: string, attempt: number): void {
    if (this.closed) return;
    try {
      this.pc.addRemoteCandidate(candidate, mid);
    } catch (error) {
      if (attempt < 50 && String(error).includes('without ICE transport')) setTimeout(() => this.add(candidate, mid, attempt + 1), 20);
      else this.errors.push(error);
    }
  }

  /** Offer text only (for negotiation tests that never connect). */
  offer(): Promise<string> {
    return new Promise<string>((resolve) => {
      this.pc.onLocalDescription((sdp) => resolve(sdp));
      this.pc.setLocalDescription('offer');
    });
  }

  sendRtcp(track: Track, packets: RtcpPacket[]): void {
    track.sendMessageBinary(Buffer.from(serializeRtcp(packets)));
  }

  private closed = false;

  close(): void {
    this.closed = true;
    // Tracks first: closing only the peer leaves their message callbacks holding the event loop.
    this.videoTrack.close();
    this.audioTrack.close();
    this.pc.close();
  }
}

export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
