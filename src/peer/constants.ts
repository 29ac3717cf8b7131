/**
 * Every default, threshold and user-facing message of the peer module, in one place.
 */

/** Payload types our own offers use (dynamic range, RFC 3551 section 6). */
export const DEFAULT_H264_PAYLOAD_TYPE = 96;
export const DEFAULT_OPUS_PAYLOAD_TYPE = 111;

/**
 * What we send as H.264: Constrained Baseline level 3.1, non-interleaved mode
 * (RFC 6184 section 8.1), which Chrome receives.
 */
export const H264_PARAMETERS: Readonly<Record<string, string>> = {
  'level-asymmetry-allowed': '1',
  'packetization-mode': '1',
  'profile-level-id': '42e01f',
};
/** Opus as browsers offer it (RFC 7587 section 7). */
export const OPUS_PARAMETERS: Readonly<Record<string, string>> = { minptime: '10', useinbandfec: '1' };

/** RTCP feedback our senders act on (RFC 4585 section 4.2, RFC 5104 section 7.1). */
export const VIDEO_FEEDBACK = ['nack', 'nack pli', 'ccm fir', 'goog-remb', 'transport-cc'] as const;
export const AUDIO_FEEDBACK = ['transport-cc'] as const;

/** Transport-wide sequence number header extension (draft-holmer-rmcat-transport-wide-cc-extensions-01). */
export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * Playout delay header extension (webrtc.org experiments, "rtp-hdrext/playout-delay"): the
 * sender tells the receiver the least and most time to hold a video frame before rendering,
 * 12 bits each in 10 ms units. Chrome offers it on every video section.
 */
export const PLAYOUT_DELAY_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/playout-delay';
/** Largest playout delay the extension can carry: 4095 x 10 ms. */
export const PLAYOUT_DELAY_MAX_MS = 40_950;

/** The extension's three bytes for `minMs` and `maxMs` (rounded to 10 ms units). */
export function playoutDelayBytes(minMs: number, maxMs: number): Uint8Array {
  const min = Math.round(minMs / 10);
  const max = Math.round(maxMs / 10);
  return Uint8Array.of(min >> 4, ((min & 0x0f) << 4) | (max >> 8), max & 0xff);
}

/** Interval between RTCP sender reports per stream (RFC 3550 section 6.2 allows 5 s minimum; browsers use about 1 s). */
export const DEFAULT_SR_INTERVAL_MS = 1000;
/** Window over which getStats() measures send bitrate and frame rate. */
export const RATE_WINDOW_MS = 1000;
/** Packets kept per stream for NACK answers (power of two; RetransmissionBuffer). */
export const DEFAULT_RETRANSMISSION_CAPACITY = 1024;
/** Largest RTP packet we build (webrtc-facts: keep at or below about 1,200 bytes). */
export const DEFAULT_PEER_MTU = 1200;

/** Leaky-bucket pacer defaults: drain rate and the burst sent without waiting. */
export const DEFAULT_PACING_RATE_BPS = 20_000_000;
export const DEFAULT_PACING_BURST_BYTES = 4 * 1200;
/** Packets queued in a pacer before it drops the oldest (a stalled transport must not grow memory). */
export const DEFAULT_PACER_QUEUE_LIMIT = 4096;

/**
 * How long a sequence number a NACK asked for in vain stays reported (`unrepairable` fires once
 * per gap, though Chrome NACKs it for about 3 s): long past the receiver's retries, far short of
 * the 65,536 packets after which the number comes round again.
 */
export const UNREPAIRABLE_MEMORY_MS = 10_000;

/** Incoming audio (receiveAudio): packets held at most while a missing one may still come. */
export const DEFAULT_REORDER_CAPACITY = 8;
/** Incoming audio: longest a packet waits for a missing one before the gap is declared lost (ms). */
export const DEFAULT_REORDER_MAX_DELAY_MS = 60;
/** RFC 3550 A.1: a jump ahead beyond this many packets (or behind beyond MAX_MISORDER) is a restart only when the next packet confirms it. */
export const REORDER_MAX_DROPOUT = 3000;
export const REORDER_MAX_MISORDER = 100;
/** Released sequence numbers remembered to tell a duplicate from a late packet. */
export const REORDER_RECENT_MEMORY = 512;
/** Interval of our RTCP receiver reports on a receive-only track (RFC 3550 6.2; browsers use about 1 s). */
export const DEFAULT_RR_INTERVAL_MS = 1000;

/** Seed of the loss hook's pseudo-random sequence when `setLoss` names none. */
export const DEFAULT_LOSS_SEED = 0x5eed;

/** How long `createOffer`/`acceptOffer` wait for node-datachannel's local description. */
export const DESCRIPTION_TIMEOUT_MS = 10_000;

/** Retries of a remote candidate libdatachannel refused for want of an ICE transport. */
export const CANDIDATE_RETRY_MS = 20;
export const CANDIDATE_RETRY_LIMIT = 50;

/** Messages of the typed errors. */
export const Messages = {
  closed: 'the peer connection is closed',
  noOffer: 'acceptAnswer() needs a local offer first (createOffer)',
  offerAlreadySet: 'this peer already has an offer (ours or the remote one); renegotiation is not supported',
  answerAlreadySet: 'an answer was already applied; renegotiation is not supported',
  invalidDescription: (type: string, codes: string) => `the ${type} does not validate: ${codes}`,
  noAcceptableCodec: (kind: string, mid: string) =>
    `no acceptable ${kind} codec offered in mid ${mid} (need ${kind === 'video' ? 'H264 packetization-mode=1 profile 42e01f' : 'opus/48000/2'})`,
  nothingToOffer: 'nothing to offer: video and audio are off and no data channel was created',
  nothingAcceptable: 'the offer has no audio or video section we can send to',
  answerDropped: (mid: string) => `the answer rejected or does not receive our mid ${mid}`,
  answerCodec: (mid: string, pt: number) => `the answer for mid ${mid} does not keep our payload type ${pt}`,
  descriptionTimeout: (ms: number) => `node-datachannel gave no local description within ${ms} ms`,
  trackNotOpen: (mid: string) => `track ${mid} is not open`,
  nativeRefused: (what: string, reason: string) => `node-datachannel refused ${what}: ${reason}`,
  lossRate: (rate: number) => `loss rate must be a number from 0 to 1, got ${rate}`,
  lossSeed: (seed: number) => `loss seed must be an integer, got ${seed}`,
  /** libdatachannel's words when a candidate comes before its ICE transport exists. */
  isTransportNotReady: (message: string) => message.includes('without ICE transport'),
} as const;
