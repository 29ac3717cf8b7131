/**
 * Thresholds, defaults and user-facing messages of the SDP module, in one place.
 */

/** RFC 8839 section 5.4: ice-ufrag is 4 to 256 ice-chars, ice-pwd 22 to 256. */
export const ICE_UFRAG_MIN = 4;
export const ICE_UFRAG_MAX = 256;
export const ICE_PWD_MIN = 22;
export const ICE_PWD_MAX = 256;

/** RFC 8285 section 4.3: two-byte header ids go up to 255 (one-byte ids are 1-14). */
export const EXTMAP_ID_MAX = 255;

/** RFC 3550 section 5.1: the payload type is a 7-bit field. */
export const PAYLOAD_TYPE_MAX = 127;
/** RFC 3550 section 5.1: SSRC is a 32-bit field. */
export const SSRC_MAX = 0xffffffff;
export const PORT_MAX = 65535;

/**
 * RFC 3551 section 6, tables 4 and 5: payload types with a static encoding, which an m= line
 * may list without an rtpmap (name, clock rate, channels). Every other payload type needs one.
 */
export const STATIC_PAYLOAD_TYPES: ReadonlyMap<number, readonly [string, number, number | undefined]> = new Map([
  [0, ['PCMU', 8000, 1]], [3, ['GSM', 8000, 1]], [4, ['G723', 8000, 1]], [5, ['DVI4', 8000, 1]],
  [6, ['DVI4', 16000, 1]], [7, ['LPC', 8000, 1]], [8, ['PCMA', 8000, 1]], [9, ['G722', 8000, 1]],
  [10, ['L16', 44100, 2]], [11, ['L16', 44100, 1]], [12, ['QCELP', 8000, 1]], [13, ['CN', 8000, 1]],
  [14, ['MPA', 90000, undefined]], [15, ['G728', 8000, 1]], [16, ['DVI4', 11025, 1]], [17, ['DVI4', 22050, 1]],
  [18, ['G729', 8000, 1]], [25, ['CelB', 90000, undefined]], [26, ['JPEG', 90000, undefined]],
  [28, ['nv', 90000, undefined]], [31, ['H261', 90000, undefined]], [32, ['MPV', 90000, undefined]],
  [33, ['MP2T', 90000, undefined]], [34, ['H263', 90000, undefined]],
]);

/** RFC 7587 section 6.1: maxaveragebitrate range. */
export const OPUS_MIN_AVERAGE_BITRATE = 6000;
export const OPUS_MAX_AVERAGE_BITRATE = 510000;

/** RFC 8841 section 6.1: the implied max-message-size when the attribute is absent. */
export const DEFAULT_MAX_MESSAGE_SIZE = 65536;
/** Defaults used by `createAnswer` for data channels (the values libwebrtc uses). */
export const DEFAULT_SCTP_PORT = 5000;
export const DEFAULT_ANSWER_MAX_MESSAGE_SIZE = 262144;

/** The line ending used for SDP we generate (RFC 8866 section 5: CRLF). */
export const CRLF = '\r\n';

/** Parse error messages. */
export const PARSE_MESSAGES = {
  empty: 'SDP text is empty',
  firstLine: 'SDP must start with a v= line',
  version: 'unsupported SDP version (only v=0 exists)',
  versionRepeated: 'v= may only appear as the first line',
  noEquals: 'line is not of the form <type>=<value>',
  badType: 'line type must be one letter',
  controlChar: 'control character in line',
  badNumber: (what: string) => `${what} is not a decimal number`,
  outOfRange: (what: string, max: number) => `${what} is larger than ${max}`,
  missing: (what: string) => `missing ${what}`,
  badAttributeName: 'attribute name is empty or has a character outside token-char',
  badBandwidth: 'b= line must be <bwtype>:<bandwidth>',
  badMediaPort: 'm= port must be <port> or <port>/<number of ports>',
  expected: (what: string) => `expected ${what}`,
} as const;

/** Severity of each validation code: errors make the SDP unusable for WebRTC. */
export type Severity = 'error' | 'warning';

/**
 * Every validation code with its severity and a one-line description (the docs table is
 * written from this list).
 */
export const VALIDATION_CODES = {
  'missing-origin': ['error', 'no o= line (RFC 8866 section 5.2)'],
  'missing-session-name': ['error', 'no s= line (RFC 8866 section 5.3)'],
  'missing-timing': ['error', 'no t= line (RFC 8866 section 5.9)'],
  'missing-connection': ['error', 'media section with no c= line and none at session level (RFC 8866 section 5.7)'],
  'missing-mid': ['error', 'm= section without a=mid (RFC 8829 section 5.2.1)'],
  'duplicate-mid': ['error', 'two m= sections share a mid (RFC 5888 section 4)'],
  'mid-not-in-bundle': ['warning', 'a BUNDLE group exists but this active m= section is in none (RFC 8843 section 7)'],
  'bundle-unknown-mid': ['error', 'a=group lists a mid no m= section has (RFC 5888 section 5)'],
  'duplicate-bundle-mid': ['error', 'a mid is in more than one BUNDLE group (RFC 8843 section 6)'],
  'missing-ice-ufrag': ['error', 'no a=ice-ufrag at media or session level (RFC 8839 section 5.4)'],
  'missing-ice-pwd': ['error', 'no a=ice-pwd at media or session level (RFC 8839 section 5.4)'],
  'bad-ice-ufrag': ['error', 'ice-ufrag is not 4-256 ice-chars (RFC 8839 section 5.4)'],
  'bad-ice-pwd': ['error', 'ice-pwd is not 22-256 ice-chars (RFC 8839 section 5.4)'],
  'missing-fingerprint': ['error', 'no a=fingerprint at media or session level (RFC 8122 section 5)'],
  'bad-fingerprint': ['error', 'fingerprint is not colon-separated hex bytes of its hash length (RFC 8122 section 5)'],
  'missing-setup': ['error', 'no a=setup at media or session level (RFC 8842 section 5, RFC 4145 section 4)'],
  'bad-setup-role': ['error', 'setup role not allowed: offers use actpass, answers active or passive (RFC 8829 sections 5.2.1 and 5.3.1)'],
  'multiple-directions': ['error', 'more than one direction attribute in one section (RFC 8866 section 6.7)'],
  'missing-rtpmap': ['error', 'dynamic payload type on the m= line without a=rtpmap (RFC 8866 section 6.6)'],
  'duplicate-rtpmap': ['error', 'two a=rtpmap lines for one payload type (RFC 8866 section 6.6)'],
  'rtpmap-unknown-pt': ['error', 'a=rtpmap for a payload type not on the m= line (RFC 8866 section 6.6)'],
  'fmtp-unknown-pt': ['error', 'a=fmtp for a format not on the m= line (RFC 8866 section 6.15)'],
  'duplicate-fmtp': ['error', 'two a=fmtp lines for one format (RFC 8866 section 6.15)'],
  'rtcp-fb-unknown-pt': ['error', 'a=rtcp-fb for a payload type not on the m= line (RFC 4585 section 4.2)'],
  'missing-rtcp-mux': ['error', 'RTP m= section without a=rtcp-mux (RFC 8829 section 5.2.1, RFC 5761 section 5.1.1)'],
  'bad-extmap-id': ['error', 'extmap id 0, which is padding and never an id (RFC 8285 sections 4.2 and 4.3)'],
  'duplicate-extmap-id': ['error', 'one extmap id used for two URIs in a section (RFC 8285 section 5)'],
  'ssrc-group-unknown-ssrc': ['warning', 'a=ssrc-group names an SSRC with no a=ssrc line (RFC 5576 section 4.2)'],
  'missing-sctp-port': ['error', 'data channel m= section without a=sctp-port (RFC 8841 section 5)'],
  'answer-media-count': ['error', 'answer has a different number of m= sections than the offer (RFC 8829 section 5.3.1)'],
  'answer-mid-mismatch': ['error', 'answer m= section has a different mid or media type than the offer (RFC 8829 section 5.3.1)'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type ValidationCode = keyof typeof VALIDATION_CODES;

/** RFC 8122 section 5 hash functions and their output length in bytes. */
export const FINGERPRINT_LENGTHS: ReadonlyMap<string, number> = new Map([
  ['md2', 16], ['md5', 16], ['sha-1', 20], ['sha-224', 28], ['sha-256', 32], ['sha-384', 48], ['sha-512', 64],
]);
