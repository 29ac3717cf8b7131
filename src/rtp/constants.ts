/**
 * Every threshold, default and user-facing message of the RTP module, in one place.
 */

/** RTP version carried in every RTP and RTCP header (RFC 3550 5.1). */
export const RTP_VERSION = 2;
/** Size of the fixed RTP header without CSRCs (RFC 3550 5.1). */
export const RTP_FIXED_HEADER_SIZE = 12;
/** Most CSRC identifiers a header can carry (4-bit CC field, RFC 3550 5.1). */
export const RTP_MAX_CSRCS = 15;

/** "defined by profile" value of the one-byte header extension form (RFC 8285 4.2). */
export const ONE_BYTE_PROFILE = 0xbede;
/** Two-byte form (RFC 8285 4.3): 0x100 in the top 12 bits, 4 "appbits" below. */
export const TWO_BYTE_PROFILE = 0x1000;
export const TWO_BYTE_PROFILE_MASK = 0xfff0;
/** Largest id and element length of the one-byte form (id 15 is reserved, RFC 8285 4.2). */
export const ONE_BYTE_MAX_ID = 14;
export const ONE_BYTE_MAX_LENGTH = 16;
/** Largest id and element length of the two-byte form (RFC 8285 4.3). */
export const TWO_BYTE_MAX_ID = 255;
export const TWO_BYTE_MAX_LENGTH = 255;

/** Default largest RTP packet (header + payload) the packetizers emit, in bytes. */
export const DEFAULT_MTU = 1200;
/** Smallest MTU a packetizer accepts: header, extensions and a 3-byte FU-A need room. */
export const MIN_MTU = 64;

/** RTP clock of H.264 video (RFC 6184 5.1) and of Opus (RFC 7587 4.1). */
export const H264_CLOCK_RATE = 90_000;
export const OPUS_CLOCK_RATE = 48_000;

/** H.264 NAL unit types (ITU-T H.264 table 7-1) and RTP payload structures (RFC 6184 5.2). */
export const NAL_TYPE = {
  slice: 1,
  idr: 5,
  sei: 6,
  sps: 7,
  pps: 8,
  aud: 9,
  stapA: 24,
  stapB: 25,
  mtap16: 26,
  mtap24: 27,
  fuA: 28,
  fuB: 29,
} as const;

/**
 * Packets the H.264 depacketizer waits, past a missing sequence number, before it gives up
 * on the packet and emits the frame as incomplete.
 */
export const DEFAULT_REORDER_WINDOW = 64;
/** Packets the depacketizer can hold at once (power of two). */
export const DEPACKETIZER_CAPACITY = 1024;

/** RFC 3550 A.1: packets in sequence before a source is valid, and the drop/misorder bounds. */
export const MIN_SEQUENTIAL = 2;
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const RTP_SEQ_MOD = 1 << 16;

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970), RFC 5905 / RFC 3550 4. */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** Default number of packets a retransmission buffer keeps (power of two). */
export const DEFAULT_RETRANSMISSION_CAPACITY = 1024;
/** Largest packet a retransmission buffer slot holds by default. */
export const DEFAULT_RETRANSMISSION_SLOT_SIZE = 1500;

/** RTCP packet types (RFC 3550 12.1, RFC 4585 6.1). */
export const RTCP_TYPE = {
  sr: 200,
  rr: 201,
  sdes: 202,
  bye: 203,
  app: 204,
  rtpfb: 205,
  psfb: 206,
  xr: 207,
} as const;
/** Feedback message types (RFC 4585 6.2, 6.3; RFC 5104 4.3; RFC 8888 is not handled). */
export const RTPFB_FMT = { nack: 1, twcc: 15 } as const;
export const PSFB_FMT = { pli: 1, fir: 4, afb: 15 } as const;
/** SDES item types (RFC 3550 6.5). */
export const SDES_ITEM = { end: 0, cname: 1, name: 2, email: 3, phone: 4, loc: 5, tool: 6, note: 7, priv: 8 } as const;
/** "REMB" in ASCII, the unique identifier of REMB (draft-alvestrand-rmcat-remb 2.2). */
export const REMB_IDENTIFIER = 0x52454d42;
/** Transport-wide CC time units (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1). */
export const TWCC_DELTA_UNIT_US = 250;
export const TWCC_REFERENCE_UNIT_US = 64_000;

/** Opus TOC frame sizes in 48 kHz samples per configuration number (RFC 6716 3.1, table 2). */
export const OPUS_CONFIG_SAMPLES: readonly number[] = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB/MB/WB
  480, 960, 480, 960, // hybrid SWB/FB
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, // CELT
];
/** An Opus packet of at most this many bytes carries no audio (DTX, RFC 7587 3.1.3). */
export const OPUS_DTX_MAX_BYTES = 2;

export const MESSAGES = {
  rtpTooShort: 'RTP packet shorter than the 12-byte fixed header',
  rtpVersion: 'RTP version is not 2',
  rtpCsrcOverrun: 'CSRC list runs past the end of the packet',
  rtpExtensionHeaderOverrun: 'header extension header runs past the end of the packet',
  rtpExtensionOverrun: 'header extension runs past the end of the packet',
  rtpExtensionElementOverrun: 'header extension element runs past its extension block',
  rtpPaddingZero: 'padding count is zero',
  rtpPaddingOverrun: 'padding count exceeds the payload',
  rtcpTooShort: 'RTCP packet shorter than its 4-byte header',
  rtcpVersion: 'RTCP version is not 2',
  rtcpLengthOverrun: 'RTCP length field runs past the end of the buffer',
  rtcpPaddingOverrun: 'RTCP padding count is zero or exceeds the packet',
  rtcpBodyTooShort: 'RTCP packet body too short for its type',
  rtcpSdesOverrun: 'SDES item runs past the end of its packet',
  rtcpByeReasonOverrun: 'BYE reason runs past the end of its packet',
  rtcpRembIdentifier: 'PSFB application layer feedback is not REMB',
  rtcpRembOverrun: 'REMB SSRC list runs past the end of its packet',
  rtcpTwccChunksOverrun: 'transport-cc packet chunks run past the end of the packet',
  rtcpTwccDeltasOverrun: 'transport-cc receive deltas run past the end of the packet',
  rtcpTwccReservedSymbol: 'transport-cc status symbol 3 is reserved',
  bufferTooSmall: 'target buffer too small',
  extensionIdRange: 'header extension id out of range',
  extensionLength: 'header extension element too long for its form',
  mtuTooSmall: 'MTU too small for the RTP header and an FU-A header',
  capacityPowerOfTwo: 'capacity must be a power of two',
  tooManyCsrcs: 'at most 15 CSRCs fit in an RTP header',
} as const;
