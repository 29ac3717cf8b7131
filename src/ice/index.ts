/**
 * `spellbook/ice`: ICE candidates (RFC 8839 section 5.1), priorities and foundations
 * (RFC 8445), and a STUN codec, server and client (RFC 8489) checked against RFC 5769.
 */
export {
  MAGIC_COOKIE,
  StunAttributeType,
  StunClass,
  StunErrorCode,
  StunMethod,
  TYPE_PREFERENCE,
} from './constants.js';
export { CandidateParseError, StunErrorResponseError, StunParseError, StunTimeoutError } from './errors.js';
export { formatIpv4, formatIpv6, parseIp, parseIpv4, parseIpv6 } from './ip.js';
export { crc32 } from './crc32.js';
export {
  parseCandidate,
  serializeCandidate,
  type CandidateExtension,
  type CandidateType,
  type IceCandidate,
  type SerializeCandidateOptions,
  type TcpType,
} from './candidate.js';
export {
  computeFoundation,
  computePairPriority,
  computePriority,
  pairPriorityFor,
  type FoundationInput,
  type PriorityInput,
} from './priority.js';
export type { TransportAddress } from './stun-address.js';
export {
  joinMessageType,
  looksLikeStun,
  splitMessageType,
  StunMessage,
  type StunAttributeRef,
  type StunDecodeOptions,
  type StunErrorCodeValue,
  type UnknownStunAttribute,
} from './stun-message.js';
export { randomTransactionId, StunMessageBuilder, type StunEncodeOptions } from './stun-builder.js';
export {
  computeFingerprint,
  computeIntegrity,
  longTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  type StunKey,
} from './stun-integrity.js';
export { StunServer, type StunServerOptions, type StunServerRecord, type StunServerReply } from './stun-server.js';
export { stunBindingRequest, type StunBindingOptions, type StunBindingResult } from './stun-client.js';
