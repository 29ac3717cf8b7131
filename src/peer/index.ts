/**
 * `spellbook/peer`: a WebRTC peer over node-datachannel that sends our own H.264 and Opus RTP
 * (src/rtp) and, with `receiveAudio`, receives the remote's Opus in order (`audioPacket`);
 * negotiates with src/sdp, checks candidates with src/ice and carries data channels
 * (src/datachannel). No side effects.
 */
export { Peer, type PeerOptions, type PeerDescription, type PeerEvents, type PeerStats, type LocalCandidate, type PeerConnectionState, type IceConnectionState, type IceGatheringState, type SignalingState } from './peer.js';
export {
  MediaSender,
  VideoSender,
  AudioSender,
  type MediaKind,
  type KeyframeRequest,
  type LossRepair,
  type UnrepairableLoss,
  type BitrateEstimate,
  type SenderEvents,
  type SenderStats,
  type SenderOptions,
  type VideoSenderOptions,
  type AudioSenderOptions,
  type RtcpCounters,
  type RemoteReceptionStats,
  type IncomingMedia,
} from './sender.js';
export { AudioReceiver, type AudioPacket, type AudioReceiverEvents, type AudioReceiverOptions, type ReceiverStats } from './receiver.js';
export { ReorderBuffer, type ReorderOptions, type ReorderStats, type Released } from './reorder.js';
export { LossModel, Xorshift32, type LossOptions, type LossStats } from './loss.js';
export { Pacer, LeakyBucket, type PacerOptions, type PacerStats } from './pacer.js';
export { PeerError, InvalidDescriptionError, NoAcceptableCodecError, SignalingError, NativePeerError, type PeerErrorCode } from './errors.js';
export { DEFAULT_SR_INTERVAL_MS, DEFAULT_PACING_RATE_BPS, DEFAULT_PACING_BURST_BYTES, DEFAULT_LOSS_SEED, TRANSPORT_CC_URI, DEFAULT_REORDER_CAPACITY, DEFAULT_REORDER_MAX_DELAY_MS } from './constants.js';
