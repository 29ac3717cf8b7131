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
