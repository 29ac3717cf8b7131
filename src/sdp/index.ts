/**
 * `spellbook/sdp`: lossless SDP (RFC 8866) parsing and serialization with typed access,
 * WebRTC validation and JSEP (RFC 8829/9429) offer/answer helpers.
 */
export { SdpParseError } from './errors.js';
export { parse } from './parse.js';
export { serialize } from './serialize.js';
export { SessionDescription, type EffectiveTransport } from './session.js';
export { MediaSection } from './media.js';
export type { SdpLine } from './section.js';
export { parseFmtp, parseFmtpParameters, formatFmtpParameters } from './fmtp.js';
export * from './format.js';
export type * from './types.js';
export { validate, isWellFormedFingerprint, type ValidationIssue, type ValidateOptions } from './validate.js';
export { VALIDATION_CODES, type ValidationCode, type Severity } from './constants.js';
export {
  negotiateH264,
  parseProfileLevelId,
  formatProfileLevelId,
  sameProfile,
  levelRank,
  isLevel1b,
  packetizationMode,
  DEFAULT_PROFILE_LEVEL_ID,
  type ProfileLevelId,
  type H264Negotiation,
  type H264Mismatch,
} from './h264.js';
export { negotiateOpus, opusMaxAverageBitrate, type OpusPreferences, type OpusSendConfig, type OpusNegotiation } from './opus.js';
export { negotiateCodecs, type CodecCapability, type NegotiatedCodec, type NegotiatedFeedback } from './negotiate.js';
export { answerDirection, reverseDirection, directionFrom, sends, receives } from './direction.js';
export {
  createAnswer,
  planAnswer,
  type AnswerOptions,
  type AnsweredSection,
  type MediaCapabilities,
  type DataChannelCapabilities,
} from './answer.js';
