/**
 * Our peer connection: node-datachannel (libdatachannel) does ICE (RFC 8445), DTLS
 * (RFC 8827) and SRTP (RFC 3711); every description in or out goes through src/sdp (parse and
 * validate, RFC 8866 / RFC 8829), codecs are chosen by our negotiation helpers (RFC 3264
 * section 6.1, RFC 6184 section 8.2.2, RFC 7587), candidates go through src/ice (RFC 8839
 * section 5.1), and media is built by src/rtp and sent on tracks with no media handler (see
 * sender.ts). With `receiveAudio`, the audio track also receives: the remote's Opus RTP is
 * parsed by src/rtp and delivered in order as `audioPacket` events (see receiver.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Audio, PeerConnection, Video, type DataChannel, type Track } from 'node-datachannel';
import { Channel, TypedEmitter, type ChannelOptions } from '../datachannel/index.js';
import { parseCandidate, type IceCandidate } from '../ice/index.js';
import { createTransportSequenceCounter, type TransportSequenceCounter } from '../rtp/index.js';
import {
  answerDirection,
  directionFrom,
  formatFmtpParameters,
  negotiateCodecs,
  parse,
  receives,
  sends,
  validate,
  type CodecCapability,
  type Direction,
  type MediaSection,
  type NegotiatedCodec,
  type SessionDescription,
} from '../sdp/index.js';
import {
  AUDIO_FEEDBACK,
  DEFAULT_H264_PAYLOAD_TYPE,
  DEFAULT_OPUS_PAYLOAD_TYPE,
  CANDIDATE_RETRY_LIMIT,
  CANDIDATE_RETRY_MS,
  DESCRIPTION_TIMEOUT_MS,
  H264_PARAMETERS,
  Messages,
  OPUS_PARAMETERS,
  TRANSPORT_CC_URI,
  PLAYOUT_DELAY_MAX_MS,
  PLAYOUT_DELAY_URI,
  playoutDelayBytes,
  VIDEO_FEEDBACK,
} from './constants.js';
import { InvalidDescriptionError, NativePeerError, NoAcceptableCodecError, SignalingError } from './errors.js';
import type { PacerOptions } from './pacer.js';
import { AudioReceiver, type AudioPacket, type ReceiverStats } from './receiver.js';
import type { ReorderOptions } from './reorder.js';
import { AudioSender, VideoSender, type BitrateEstimate, type KeyframeRequest, type MediaSender, type SenderStats, type UnrepairableLoss } from './sender.js';

export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
export type IceGatheringState = 'new' | 'gathering' | 'complete';
export type SignalingState = 'stable' | 'have-local-offer' | 'have-remote-offer' | 'have-local-pranswer' | 'have-remote-pranswer' | 'closed';

export interface PeerOptions {
  /** Name node-datachannel logs under. */
  name?: string;
  /** STUN/TURN URLs (default none: host candidates only). */
  iceServers?: string[];
  /** Bind ICE to one local address (127.0.0.1 for loopback tests). */
  bindAddress?: string;
  /** Send H.264 video (default true). */
  video?: boolean;
  /** Send Opus audio (default true). */
  audio?: boolean;
  /** RTCP CNAME of our streams (RFC 7022; default random). */
  cname?: string;
  /** Leaky-bucket pacing of each track, or `false` to send at once. */
  pacing?: PacerOptions | false;
  /** Interval of RTCP sender reports (default 1 s). */
  srIntervalMs?: number;
  /** Largest RTP packet (default 1,200 bytes). */
  mtu?: number;
  /** Offer/accept the transport-cc header extension (default true). */
  transportCc?: boolean;
  /**
   * Receive the remote's Opus too (default false): `createOffer` offers audio `sendrecv`
   * (`recvonly` when `audio` is false); `acceptOffer` answers a `sendrecv` audio offer
   * `sendrecv` and a `sendonly` one `recvonly`. Packets come as `audioPacket` events.
   */
  receiveAudio?: boolean;
  /** Reorder buffer of the incoming audio: `{ capacity (packets, default 8), maxDelayMs (default 60) }`. */
  reorder?: ReorderOptions;
  /**
   * Ask the receiver to hold each video frame at least `minMs` and at most `maxMs` before it is
   * rendered (the playout-delay header extension on every video packet, where the remote's
   * description has it; 0..40,950 ms in 10 ms steps). `{ minMs: 0, maxMs: 0 }` asks Chromium to
   * render each frame as soon as it is decoded, as game streaming does: the lowest latency, no
   * smoothing of uneven frame arrival. Default: none (the receiver's own jitter buffer).
   */
  playoutDelay?: { minMs: number; maxMs: number };
}

/** A description after our SDP module parsed and validated it. */
export interface PeerDescription {
  type: 'offer' | 'answer';
  sdp: string;
  parsed: SessionDescription;
}

/** One of our trickled candidates (RFC 8838), with its parse by src/ice. */
export interface LocalCandidate {
  candidate: string;
  mid: string;
  parsed: IceCandidate | undefined;
}

export interface PeerEvents {
  candidate: LocalCandidate;
  connectionstatechange: PeerConnectionState;
  iceconnectionstatechange: IceConnectionState;
  icegatheringstatechange: IceGatheringState;
  signalingstatechange: SignalingState;
  keyframeRequested: KeyframeRequest;
  bitrateEstimate: BitrateEstimate;
  /** A NACK asked for packets no sender can resend any more (see MediaSender `unrepairable`). */
  unrepairable: UnrepairableLoss;
  /** One Opus packet from the remote, in sequence-number order, with the count of packets missing before it (`receiveAudio`). */
  audioPacket: AudioPacket;
  datachannel: Channel;
  /** node-datachannel refused something asynchronously (a trickled candidate...). */
  error: NativePeerError;
}

export interface PeerStats {
  connectionState: PeerConnectionState;
  iceConnectionState: IceConnectionState;
  /** node-datachannel's transport figures. Its byte counts are the SCTP transport's only (0 on a peer with media and no data channel, seen in receive.test.ts). */
  transport: { bytesSent: number; bytesReceived: number; rttMs: number | undefined; selectedPair: { local: string; remote: string } | undefined };
  /** Trickled candidates: ours, the remote's, those held for the remote description, and retries after a transient refusal. */
  candidates: { local: number; remote: number; remoteQueued: number; retries: number };
  senders: SenderStats[];
  /** Incoming media per receiving track (`receiveAudio`). */
  receivers: ReceiverStats[];
}

interface PlannedTrack {
  kind: 'video' | 'audio';
  /** Our side's direction in the description: we send, receive or both. */
  direction: Direction;
  mid: string;
  payloadType: number;
  parameters: string;
  feedback: string[];
  transportCcId: number | undefined;
  /** Negotiated id of the playout-delay extension (video we send, when `playoutDelay` is set). */
  playoutDelayId?: number;
}

const H264_CAPABILITY: CodecCapability = { name: 'H264', clockRate: 90_000, parameters: H264_PARAMETERS, feedback: [...VIDEO_FEEDBACK] };
const OPUS_CAPABILITY: CodecCapability = { name: 'opus', clockRate: 48_000, channels: 2, parameters: OPUS_PARAMETERS, feedback: [...AUDIO_FEEDBACK] };
const OFFER_TRANSPORT_CC_ID = 3;
const OFFER_PLAYOUT_DELAY_ID = 5;
const NATIVE_DIRECTION = { sendonly: 'SendOnly', recvonly: 'RecvOnly', sendrecv: 'SendRecv', inactive: 'Inactive' } as const;

function randomSsrc(): number {
  return randomBytes(4).readUInt32BE() >>> 0 || 1;
}

/**
 * A peer that sends H.264 and Opus (and carries data channels) to one remote WebRTC peer.
 *
 * Offerer: `createOffer()` -> signal -> `acceptAnswer(answer)`. Answerer: `acceptOffer(offer)`
 * returns the answer. Both: `addRemoteCandidate()` for trickled candidates (held until the
 * remote description is applied), `candidate` events for ours, then `video.sendAccessUnit()` /
 * `audio.sendOpus()`, `getStats()`, `close()`.
 */
export class Peer extends TypedEmitter<PeerEvents> {
  /** The native peer. Kept for the peer's life. */
  readonly pc: PeerConnection;
  readonly cname: string;
  readonly streamId = randomUUID();
  private readonly options: PeerOptions;
  /** Native media descriptions and tracks, held so none is collected while the peer lives. */
  private readonly retained: (Video | Audio | Track | DataChannel)[] = [];
  private readonly senders: MediaSender[] = [];
  private readonly receivers: AudioReceiver[] = [];
  private readonly channels: Channel[] = [];
  private readonly foreignTracks: Track[] = [];
  private readonly twcc: TransportSequenceCounter = createTransportSequenceCounter(1);
  private role: 'offerer' | 'answerer' | undefined;
  private localOffer: PeerDescription | undefined;
  /** The remote answer, once `acceptAnswer` applied it. */
  remoteAnswer: PeerDescription | undefined;
  /** The remote offer, once `acceptOffer` applied it. */
  remoteOffer: PeerDescription | undefined;
  private remoteApplied = false;
  private pendingRemote: [string, string][] = [];
  private waitingDescription: ((d: { sdp: string; type: string }) => void) | undefined;
  private localCandidates = 0;
  private remoteCandidates = 0;
  private candidateRetries = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closedFlag = false;
  connectionState: PeerConnectionState = 'new';
  iceConnectionState: IceConnectionState = 'new';
  iceGatheringState: IceGatheringState = 'new';
  signalingState: SignalingState = 'stable';

  constructor(options: PeerOptions = {}) {
    super();
    this.options = options;
    const delay = options.playoutDelay;
    if (delay && !(Number.isFinite(delay.minMs) && Number.isFinite(delay.maxMs) && delay.minMs >= 0 && delay.minMs <= delay.maxMs && delay.maxMs <= PLAYOUT_DELAY_MAX_MS)) {
      throw new RangeError(`playoutDelay must have 0 <= minMs <= maxMs <= ${PLAYOUT_DELAY_MAX_MS}, got ${JSON.stringify(delay)}`);
    }
    this.cname = options.cname ?? `spellbook-${randomUUID().slice(0, 8)}`;
    this.pc = new PeerConnection(options.name ?? 'spellbook-peer', {
      iceServers: options.iceServers ?? [],
      ...(options.bindAddress ? { bindAddress: options.bindAddress } : {}),
      disableAutoNegotiation: true,
    });
    // No callback below may throw into node-datachannel: that aborts the process.
    this.pc.onLocalDescription((sdp, type) => this.guard(() => this.waitingDescription?.({ sdp, type })));
    this.pc.onLocalCandidate((candidate, mid) =>
      this.guard(() => {
        this.localCandidates++;
        let parsed: IceCandidate | undefined;
        try {
          parsed = parseCandidate(candidate);
        } catch {
          parsed = undefined;
        }
        this.emit('candidate', { candidate, mid, parsed });
      }),
    );
    this.pc.onStateChange((s) => this.guard(() => this.emit('connectionstatechange', (this.connectionState = s as PeerConnectionState))));
    this.pc.onIceStateChange((s) => this.guard(() => this.emit('iceconnectionstatechange', (this.iceConnectionState = s as IceConnectionState))));
    this.pc.onGatheringStateChange((s) => this.guard(() => this.emit('icegatheringstatechange', (this.iceGatheringState = s as IceGatheringState))));
    this.pc.onSignalingStateChange((s) => this.guard(() => this.emit('signalingstatechange', (this.signalingState = s as SignalingState))));
    this.pc.onDataChannel((dc) =>
      this.guard(() => {
        this.retained.push(dc);
        const channel = Channel.wrap(dc);
        this.channels.push(channel);
        this.emit('datachannel', channel);
      }),
    );
    // Tracks the remote offers that we did not take still come as native objects: keep them,
    // and give them a closed callback (node-datachannel releases a track's native callbacks
    // only from there; without it the process cannot exit).
    this.pc.onTrack((track) =>
      this.guard(() => {
        track.onClosed(() => undefined);
        this.retained.push(track);
        this.foreignTracks.push(track);
      }),
    );
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      queueMicrotask(() => this.emit('error', new NativePeerError(String(error), { cause: error })));
    }
  }

  /** Our H.264 sender, once negotiated. */
  get video(): VideoSender | undefined {
    return this.senders.find((s): s is VideoSender => s.kind === 'video');
  }

  /** Our Opus sender, once negotiated. */
  get audio(): AudioSender | undefined {
    return this.senders.find((s): s is AudioSender => s.kind === 'audio');
  }

  /** The receive side of the audio track, once negotiated with `receiveAudio`. */
  get audioReceiver(): AudioReceiver | undefined {
    return this.receivers[0];
  }

  /** Our direction for audio: send unless `audio: false`, receive with `receiveAudio`. */
  private get audioDirection(): Direction {
    return directionFrom(this.options.audio !== false, this.options.receiveAudio === true);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Opens a data channel (RFC 8832 DCEP) on this peer; before `createOffer` it adds an application section. */
  createChannel(options: ChannelOptions): Channel {
    this.assertOpen();
    const channel = Channel.create(this.pc, options);
    this.channels.push(channel);
    return channel;
  }

  /**
   * Creates our offer: send-only H.264, Opus send-only (or `sendrecv` / `recvonly` with
   * `receiveAudio`), parsed and validated by src/sdp.
   */
  async createOffer(): Promise<PeerDescription> {
    this.assertOpen();
    if (this.role) throw new SignalingError(Messages.offerAlreadySet);
    const audioDirection = this.audioDirection;
    if (this.options.video === false && audioDirection === 'inactive' && this.channels.length === 0) {
      // libdatachannel aborts the process ("No DataChannel or Track to negotiate") otherwise.
      throw new SignalingError(Messages.nothingToOffer);
    }
    this.role = 'offerer';
    const tcc = this.options.transportCc !== false;
    if (this.options.video !== false) {
      this.addNativeTrack({
        kind: 'video',
        direction: 'sendonly',
        mid: 'video',
        payloadType: DEFAULT_H264_PAYLOAD_TYPE,
        parameters: formatFmtpParameters(Object.entries(H264_PARAMETERS)),
        feedback: ['ccm fir', ...(tcc ? ['transport-cc'] : [])],
        transportCcId: tcc ? OFFER_TRANSPORT_CC_ID : undefined,
        playoutDelayId: this.options.playoutDelay ? OFFER_PLAYOUT_DELAY_ID : undefined,
      });
    }
    if (audioDirection !== 'inactive') {
      this.addNativeTrack({
        kind: 'audio',
        direction: audioDirection,
        mid: 'audio',
        payloadType: DEFAULT_OPUS_PAYLOAD_TYPE,
        parameters: formatFmtpParameters(Object.entries(OPUS_PARAMETERS)),
        feedback: tcc ? ['transport-cc'] : [],
        transportCcId: tcc ? OFFER_TRANSPORT_CC_ID : undefined,
      });
    }
    const offer = await this.describe('offer');
    this.localOffer = offer;
    return offer;
  }

  /**
   * Applies the remote answer to our offer: it must validate as an answer to it (src/sdp),
   * and every section we send on must still receive our payload type (RFC 3264 section 6.1).
   */
  async acceptAnswer(sdp: string): Promise<PeerDescription> {
    this.assertOpen();
    const offer = this.localOffer;
    if (this.role !== 'offerer' || !offer) throw new SignalingError(Messages.noOffer);
    if (this.remoteAnswer) throw new SignalingError(Messages.answerAlreadySet);
    const answer = this.check('answer', sdp, offer.parsed);
    for (const sender of this.senders) {
      const media = answer.mediaByMid(sender.mid);
      // A section we also receive on may be answered send-only: the remote only sends (RFC 3264 6.1).
      const receiving = this.receivers.some((r) => r.mid === sender.mid);
      const usable = media && !media.isRejected && (receives(answer.directionOf(media)) || (receiving && sends(answer.directionOf(media))));
      if (!media || !usable) throw new NoAcceptableCodecError([{ mid: sender.mid, kind: sender.kind }], Messages.answerDropped(sender.mid));
      if (!media.payloadTypes.includes(sender.payloadType)) throw new NoAcceptableCodecError([{ mid: sender.mid, kind: sender.kind }], Messages.answerCodec(sender.mid, sender.payloadType));
    }
    this.native('the answer', () => this.pc.setRemoteDescription(sdp, 'answer'));
    this.remoteAnswer = { type: 'answer', sdp, parsed: answer };
    this.remoteAppliedNow();
    return this.remoteAnswer;
  }

  /**
   * Answers a remote offer: validated by src/sdp, codecs negotiated by src/sdp (H.264
   * 42e01f packetization-mode 1, Opus), one send-only track per section that receives,
   * using the offer's mids and payload types; with `receiveAudio` the audio section is
   * answered `sendrecv` (offered `sendrecv`) or `recvonly` (offered `sendonly`), RFC 3264
   * section 6.1. Throws NoAcceptableCodecError when no section can take what we send.
   */
  async acceptOffer(sdp: string): Promise<PeerDescription> {
    this.assertOpen();
    if (this.role) throw new SignalingError(Messages.offerAlreadySet);
    const offer = this.check('offer', sdp);
    const { plans, rejected } = this.plan(offer);
    // A data-channel-only offer (an application section, no media) is answered as it is.
    const dataOnly = rejected.length === 0 && offer.media.some((m) => m.kind === 'application' && !m.isRejected);
    if (plans.length === 0 && !dataOnly) throw new NoAcceptableCodecError(rejected, rejected.length ? rejected.map((r) => Messages.noAcceptableCodec(r.kind, r.mid)).join('; ') : Messages.nothingAcceptable);
    this.role = 'answerer';
    for (const plan of plans) this.addNativeTrack(plan);
    this.native('the offer', () => this.pc.setRemoteDescription(sdp, 'offer'));
    this.remoteOffer = { type: 'offer', sdp, parsed: offer };
    this.remoteAppliedNow();
    const answer = await this.describe('answer', offer);
    return answer;
  }

  /** Which offered sections we send on, and with what (the offer's payload types). */
  private plan(offer: SessionDescription): { plans: PlannedTrack[]; rejected: { mid: string; kind: string }[] } {
    const plans: PlannedTrack[] = [];
    const rejected: { mid: string; kind: string }[] = [];
    const tcc = this.options.transportCc !== false;
    for (const media of offer.media) {
      if (media.isRejected || !media.isRtp || media.mid === undefined) continue;
      const kind = media.kind;
      if (kind !== 'video' && kind !== 'audio') continue;
      if (plans.some((p) => p.kind === kind)) continue;
      const local: Direction = kind === 'video' ? (this.options.video === false ? 'inactive' : 'sendonly') : this.audioDirection;
      const direction = answerDirection(offer.directionOf(media), local);
      if (direction === 'inactive') continue;
      const codec = this.pickCodec(media, kind === 'video' ? H264_CAPABILITY : OPUS_CAPABILITY);
      if (!codec) {
        rejected.push({ mid: media.mid, kind });
        continue;
      }
      const feedback = codec.feedback.map((f) => (f.subtype ? `${f.type} ${f.subtype}` : f.type));
      const tccExt = media.extmaps.find((e) => e.uri === TRANSPORT_CC_URI);
      const useTcc = tcc && tccExt !== undefined && feedback.includes('transport-cc');
      const delayExt = kind === 'video' && this.options.playoutDelay && sends(direction) ? media.extmaps.find((e) => e.uri === PLAYOUT_DELAY_URI) : undefined;
      plans.push({
        kind,
        direction,
        mid: media.mid,
        payloadType: codec.payloadType,
        parameters: formatFmtpParameters(codec.parameters),
        feedback: feedback.filter((f) => f === 'ccm fir' || (useTcc && f === 'transport-cc')),
        transportCcId: useTcc ? tccExt.id : undefined,
        playoutDelayId: delayExt?.id,
      });
    }
    return { plans, rejected };
  }

  private pickCodec(media: MediaSection, capability: CodecCapability): NegotiatedCodec | undefined {
    return negotiateCodecs(media.codecs, [capability]).find((c) => c.associatedPayloadType === undefined);
  }

  /**
   * Adds a native track (no media handler) with our sender on it when we send, and our
   * receiver when we receive (attached to the sender, or owning a receive-only track).
   */
  private addNativeTrack(plan: PlannedTrack): void {
    const ssrc = randomSsrc();
    const nativeDirection = NATIVE_DIRECTION[plan.direction];
    const description = plan.kind === 'video' ? new Video(plan.mid, nativeDirection) : new Audio(plan.mid, nativeDirection);
    if (description instanceof Video) description.addH264Codec(plan.payloadType, plan.parameters);
    else description.addOpusCodec(plan.payloadType, plan.parameters);
    for (const fb of plan.feedback) description.parseSdpLine(`a=rtcp-fb:${plan.payloadType} ${fb}`);
    if (plan.transportCcId !== undefined) description.parseSdpLine(`a=extmap:${plan.transportCcId} ${TRANSPORT_CC_URI}`);
    if (plan.playoutDelayId !== undefined) description.parseSdpLine(`a=extmap:${plan.playoutDelayId} ${PLAYOUT_DELAY_URI}`);
    // A receive-only section names no SSRC of ours (we send no RTP on it; our RRs use `ssrc` all the same).
    if (sends(plan.direction)) description.addSSRC(ssrc, this.cname, this.streamId, `${this.streamId}-${plan.kind}`);
    const track = this.native(`a ${plan.kind} track`, () => this.pc.addTrack(description));
    this.retained.push(description, track);
    const receiver = receives(plan.direction) ? new AudioReceiver({ mid: plan.mid, payloadType: plan.payloadType, reorder: this.options.reorder }) : undefined;
    if (receiver) {
      receiver.on('audioPacket', (p) => this.emit('audioPacket', p));
      this.receivers.push(receiver);
    }
    if (!sends(plan.direction)) {
      receiver?.bind(track, { reporterSsrc: ssrc, cname: this.cname, intervalMs: this.options.srIntervalMs });
      return;
    }
    const common = {
      mid: plan.mid,
      ssrc,
      payloadType: plan.payloadType,
      cname: this.cname,
      mtu: this.options.mtu,
      pacing: this.options.pacing,
      srIntervalMs: this.options.srIntervalMs,
      transportCc: plan.transportCcId !== undefined ? { id: plan.transportCcId, counter: this.twcc } : undefined,
      extensions: plan.playoutDelayId !== undefined && this.options.playoutDelay
        ? [{ id: plan.playoutDelayId, data: playoutDelayBytes(this.options.playoutDelay.minMs, this.options.playoutDelay.maxMs) }]
        : undefined,
    };
    const sender = plan.kind === 'video' ? new VideoSender(track, common) : new AudioSender(track, common);
    sender.on('keyframeRequested', (e) => this.emit('keyframeRequested', e));
    sender.on('bitrateEstimate', (e) => this.emit('bitrateEstimate', e));
    sender.on('unrepairable', (e) => this.emit('unrepairable', e));
    if (receiver) sender.attachReceiver(receiver);
    this.senders.push(sender);
  }

  /** Has node-datachannel write the local description, then parses and validates it. */
  private async describe(type: 'offer' | 'answer', offer?: SessionDescription): Promise<PeerDescription> {
    let timer: NodeJS.Timeout | undefined;
    const got = new Promise<{ sdp: string; type: string }>((resolve, reject) => {
      this.waitingDescription = resolve;
      timer = setTimeout(() => reject(new NativePeerError(Messages.descriptionTimeout(DESCRIPTION_TIMEOUT_MS))), DESCRIPTION_TIMEOUT_MS);
    });
    try {
      this.native(`to write the ${type}`, () => this.pc.setLocalDescription(type));
      const { sdp } = await got;
      return { type, sdp, parsed: this.check(type, sdp, offer) };
    } finally {
      clearTimeout(timer);
      this.waitingDescription = undefined;
    }
  }

  /** Parse (SdpParseError on bad syntax) and validate; any error-severity issue throws. */
  private check(type: 'offer' | 'answer', sdp: string, offer?: SessionDescription): SessionDescription {
    const parsed = parse(sdp);
    const errors = validate(parsed, type === 'answer' ? { type, offer } : { type }).filter((i) => i.severity === 'error');
    if (errors.length) throw new InvalidDescriptionError(type, errors, Messages.invalidDescription(type, errors.map((e) => `${e.code} (line ${e.line})`).join(', ')));
    return parsed;
  }

  private remoteAppliedNow(): void {
    this.remoteApplied = true;
    const pending = this.pendingRemote;
    this.pendingRemote = [];
    for (const [candidate, mid] of pending) this.addOrRetry(candidate, mid, 0);
  }

  /**
   * libdatachannel sometimes refuses a candidate right after the remote description with
   * "Got a remote candidate without ICE transport" (seen on the offering side, under load):
   * such a candidate is tried again a little later; any other refusal is reported as `error`.
   */
  private addOrRetry(candidate: string, mid: string, attempt: number): void {
    if (this.closedFlag) return;
    try {
      this.addNative(candidate, mid);
    } catch (error) {
      if (error instanceof NativePeerError && Messages.isTransportNotReady(error.message) && attempt < CANDIDATE_RETRY_LIMIT) {
        this.candidateRetries++;
        const timer = setTimeout(() => {
          this.retryTimers.delete(timer);
          this.addOrRetry(candidate, mid, attempt + 1);
        }, CANDIDATE_RETRY_MS);
        this.retryTimers.add(timer);
      } else {
        this.emit('error', error instanceof NativePeerError ? error : new NativePeerError(String(error), { cause: error }));
      }
    }
  }

  /**
   * A trickled remote candidate (RFC 8838). Checked by src/ice (CandidateParseError on bad
   * syntax); held until the remote description is applied, because libdatachannel throws
   * "remote candidate without ICE transport" before that (and such a throw inside one of its
   * callbacks aborts the process). An empty candidate (end of candidates) is ignored. A
   * refusal by node-datachannel is reported as an `error` event.
   */
  addRemoteCandidate(candidate: string, mid: string): void {
    this.assertOpen();
    if (!candidate.trim()) return;
    parseCandidate(candidate);
    this.remoteCandidates++;
    if (this.remoteApplied) this.addOrRetry(candidate, mid, 0);
    else this.pendingRemote.push([candidate, mid]);
  }

  private addNative(candidate: string, mid: string): void {
    this.native('a remote candidate', () => this.pc.addRemoteCandidate(candidate, mid));
  }

  private native<T>(what: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw new NativePeerError(Messages.nativeRefused(what, error instanceof Error ? error.message : String(error)), { cause: error });
    }
  }

  private assertOpen(): void {
    if (this.closedFlag) throw new SignalingError(Messages.closed, 'closed');
  }

  getStats(): PeerStats {
    let selectedPair: PeerStats['transport']['selectedPair'];
    let bytesSent = 0;
    let bytesReceived = 0;
    let rttMs: number | undefined;
    if (!this.closedFlag) {
      const pair = this.pc.getSelectedCandidatePair();
      if (pair) selectedPair = { local: `${pair.local.address}:${pair.local.port}`, remote: `${pair.remote.address}:${pair.remote.port}` };
      bytesSent = this.pc.bytesSent();
      bytesReceived = this.pc.bytesReceived();
      const rtt = this.pc.rtt();
      rttMs = rtt >= 0 ? rtt : undefined;
    }
    return {
      connectionState: this.connectionState,
      iceConnectionState: this.iceConnectionState,
      transport: { bytesSent, bytesReceived, rttMs, selectedPair },
      candidates: { local: this.localCandidates, remote: this.remoteCandidates, remoteQueued: this.pendingRemote.length, retries: this.candidateRetries },
      senders: this.senders.map((s) => s.getStats()),
      receivers: this.receivers.map((r) => r.getStats()),
    };
  }

  /**
   * Closes tracks (SR timers, pacers, native tracks), then data channels, then the native
   * peer, in that order, so no timer or native handle is left. Idempotent. The native objects
   * stay referenced by this Peer, so none is collected and closed again later.
   */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const sender of this.senders) sender.close();
    for (const receiver of this.receivers) receiver.close();
    for (const track of this.foreignTracks) {
      try {
        track.close();
      } catch {
        // closed with the peer already
      }
    }
    for (const channel of this.channels) channel.close();
    try {
      this.pc.close();
    } catch {
      // already closed
    }
    this.pendingRemote = [];
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.connectionState = 'closed';
  }
}
