/**
 * Numeric kinds for the attribute names the parser types, so that each a= line costs one map
 * lookup and an integer switch instead of a chain of string comparisons.
 */

// Shared by the session level and media descriptions.
export const K_DIRECTION = 1;
export const K_ICE_UFRAG = 2;
export const K_ICE_PWD = 3;
export const K_ICE_OPTIONS = 4;
export const K_FINGERPRINT = 5;
export const K_SETUP = 6;
export const K_EXTMAP = 7;
export const K_CANDIDATE = 8;
export const K_END_OF_CANDIDATES = 9;
// Media level.
export const K_MID = 20;
export const K_RTPMAP = 21;
export const K_FMTP = 22;
export const K_RTCP_FB = 23;
export const K_SSRC = 24;
export const K_SSRC_GROUP = 25;
export const K_MSID = 26;
export const K_RTCP = 27;
export const K_RTCP_MUX = 28;
export const K_RTCP_MUX_ONLY = 29;
export const K_RTCP_RSIZE = 30;
export const K_BUNDLE_ONLY = 31;
export const K_SCTP_PORT = 32;
export const K_MAX_MESSAGE_SIZE = 33;
// Session level.
export const K_GROUP = 40;
export const K_ICE_LITE = 41;

/** Attribute name to kind; names not listed are kept untyped. */
export const ATTRIBUTE_KINDS: ReadonlyMap<string, number> = new Map([
  ['sendrecv', K_DIRECTION],
  ['sendonly', K_DIRECTION],
  ['recvonly', K_DIRECTION],
  ['inactive', K_DIRECTION],
  ['ice-ufrag', K_ICE_UFRAG],
  ['ice-pwd', K_ICE_PWD],
  ['ice-options', K_ICE_OPTIONS],
  ['fingerprint', K_FINGERPRINT],
  ['setup', K_SETUP],
  ['extmap', K_EXTMAP],
  ['candidate', K_CANDIDATE],
  ['end-of-candidates', K_END_OF_CANDIDATES],
  ['mid', K_MID],
  ['rtpmap', K_RTPMAP],
  ['fmtp', K_FMTP],
  ['rtcp-fb', K_RTCP_FB],
  ['ssrc', K_SSRC],
  ['ssrc-group', K_SSRC_GROUP],
  ['msid', K_MSID],
  ['rtcp', K_RTCP],
  ['rtcp-mux', K_RTCP_MUX],
  ['rtcp-mux-only', K_RTCP_MUX_ONLY],
  ['rtcp-rsize', K_RTCP_RSIZE],
  ['bundle-only', K_BUNDLE_ONLY],
  ['sctp-port', K_SCTP_PORT],
  ['max-message-size', K_MAX_MESSAGE_SIZE],
  ['group', K_GROUP],
  ['ice-lite', K_ICE_LITE],
]);

/**
 * RFC 8866 section 9: att-field = token; token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E /
 * %x30-39 / %x41-5A / %x5E-7E. 1 marks a token-char.
 */
export const TOKEN_CHAR = new Uint8Array(128);
for (const [from, to] of [[0x21, 0x21], [0x23, 0x27], [0x2a, 0x2b], [0x2d, 0x2e], [0x30, 0x39], [0x41, 0x5a], [0x5e, 0x7e]]) {
  for (let c = from; c <= to; c++) TOKEN_CHAR[c] = 1;
}
