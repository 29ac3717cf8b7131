/**
 * Numbers and messages of the ICE module in one place: STUN wire constants (RFC 8489),
 * ICE attributes (RFC 8445 section 16.1), type preferences (RFC 8445 section 5.1.2.2),
 * retransmission defaults (RFC 8489 section 6.2.1) and the user-facing error texts.
 */

/** RFC 8489 section 5: the fixed value in bytes 4..7 of every STUN message. */
export const MAGIC_COOKIE = 0x2112a442;

/** RFC 8489 section 5: the STUN header is 20 bytes. */
export const STUN_HEADER_LENGTH = 20;

/** RFC 8489 section 5: transaction IDs are 96 bits. */
export const TRANSACTION_ID_LENGTH = 12;

/** RFC 8489 section 14.7: FINGERPRINT is CRC-32 XOR this value ("STUN"). */
export const FINGERPRINT_XOR = 0x5354554e;

/** RFC 8489 section 5: message classes, the C1 C0 bits of the message type. */
export const StunClass = {
  Request: 0b00,
  Indication: 0b01,
  SuccessResponse: 0b10,
  ErrorResponse: 0b11,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** RFC 8489 section 18.2: methods. Only Binding is defined by STUN itself. */
export const StunMethod = {
  Binding: 0x001,
} as const;

/**
 * Attribute types: RFC 8489 section 18.3 (STUN), RFC 8445 section 16.1 (ICE).
 * Types below 0x8000 are comprehension-required, 0x8000 and above comprehension-optional.
 */
export const StunAttributeType = {
  MappedAddress: 0x0001,
  Username: 0x0006,
  MessageIntegrity: 0x0008,
  ErrorCode: 0x0009,
  UnknownAttributes: 0x000a,
  Realm: 0x0014,
  Nonce: 0x0015,
  MessageIntegritySha256: 0x001c,
  PasswordAlgorithm: 0x001d,
  Userhash: 0x001e,
  XorMappedAddress: 0x0020,
  Priority: 0x0024,
  UseCandidate: 0x0025,
  PasswordAlgorithms: 0x8002,
  AlternateDomain: 0x8003,
  Software: 0x8022,
  AlternateServer: 0x8023,
  Fingerprint: 0x8028,
  IceControlled: 0x8029,
  IceControlling: 0x802a,
} as const;

/** Attribute types this module understands (anything else is reported as unknown). */
export const KNOWN_ATTRIBUTE_TYPES: ReadonlySet<number> = new Set(Object.values(StunAttributeType));

/** RFC 8489 section 14.10 address families. */
export const ADDRESS_FAMILY_IPV4 = 0x01;
export const ADDRESS_FAMILY_IPV6 = 0x02;

/**
 * RFC 8489 sections 14.3, 14.5-14.9: length limits (enforced when encoding; a decoder stays
 * liberal) and fixed sizes of values. USERNAME is "fewer than 509 bytes"; SOFTWARE and the
 * ERROR-CODE reason are fewer than 128 characters, at most 509 bytes when encoding.
 */
export const MAX_USERNAME_BYTES = 508;
export const MAX_SOFTWARE_BYTES = 509;
export const MAX_REASON_PHRASE_BYTES = 509;
export const MESSAGE_INTEGRITY_LENGTH = 20;
export const MESSAGE_INTEGRITY_SHA256_MIN = 16;
export const MESSAGE_INTEGRITY_SHA256_MAX = 32;
export const FINGERPRINT_LENGTH = 4;

/** RFC 8489 section 14.8 / 18.4: error codes this module sends or names. */
export const StunErrorCode = {
  TryAlternate: 300,
  BadRequest: 400,
  Unauthorized: 401,
  UnknownAttribute: 420,
  StaleNonce: 438,
  RoleConflict: 487,
  ServerError: 500,
} as const;

/** Reason phrases sent with the error codes above (RFC 8489 section 14.8, RFC 8445 section 7.3.1.1). */
export const ERROR_REASONS: Readonly<Record<number, string>> = {
  300: 'Try Alternate',
  400: 'Bad Request',
  401: 'Unauthorized',
  420: 'Unknown Attribute',
  438: 'Stale Nonce',
  487: 'Role Conflict',
  500: 'Server Error',
};

/**
 * RFC 8489 section 6.2.1: initial RTO (ms, "SHOULD be greater than 500 ms" is satisfied by the
 * default of exactly 500 in common practice), Rc requests in all, then wait Rm x RTO.
 */
export const DEFAULT_RTO_MS = 500;
export const DEFAULT_RC = 7;
export const DEFAULT_RM = 16;

/** RFC 8445 section 5.1.2.2: recommended type preferences. */
export const TYPE_PREFERENCE = {
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
} as const;

/** RFC 8445 section 5.1.2.1: local preference when an agent has a single IP address. */
export const DEFAULT_LOCAL_PREFERENCE = 65535;

/** RFC 8445 section 5.1.2.1: priority range. */
export const MAX_PRIORITY = 0xffffffff;

/** RFC 8839 section 5.1: a foundation is 1 to 32 ice-chars. */
export const MAX_FOUNDATION_LENGTH = 32;

/** RFC 8839 section 5.1: component IDs are 1 to 256. */
export const MAX_COMPONENT_ID = 256;

/** Candidate extension names with typed fields (RFC 6544 tcptype, Chrome's generation/ufrag/network-*). */
export const KNOWN_CANDIDATE_EXTENSIONS = ['tcptype', 'generation', 'ufrag', 'network-id', 'network-cost'] as const;

/** Messages for typed errors, kept together so wording stays consistent. */
export const MESSAGES = {
  tooShort: (n: number) => `STUN message needs at least 20 bytes, got ${n}`,
  topBits: 'the two most significant bits of a STUN message must be zero',
  lengthNotMultipleOf4: (n: number) => `STUN message length ${n} is not a multiple of 4`,
  lengthMismatch: (declared: number, actual: number) => `STUN header declares ${declared} bytes of attributes but ${actual} follow`,
  badCookie: (cookie: number) => `magic cookie is 0x${cookie.toString(16).padStart(8, '0')}, expected 0x2112a442`,
  attributeHeaderPastEnd: 'attribute header runs past the end of the message',
  attributeValuePastEnd: (type: number, length: number) => `attribute 0x${type.toString(16).padStart(4, '0')} of length ${length} runs past the end of the message`,
  afterFingerprint: 'attribute after FINGERPRINT (it must be the last attribute)',
  badAttributeLength: (name: string, length: number) => `${name} has invalid length ${length}`,
  badAddressFamily: (family: number) => `unknown address family 0x${family.toString(16).padStart(2, '0')}`,
  badErrorClass: (cls: number, number: number) => `ERROR-CODE class ${cls} number ${number} is outside 300..699`,
} as const;

/** Messages of `CandidateParseError` (RFC 8839 section 5.1 grammar). */
export const CANDIDATE_MESSAGES = {
  unexpectedEnd: 'unexpected end of candidate',
  unexpectedSpace: 'unexpected space',
  missing: (what: string) => `missing ${what}`,
  notDigits: (what: string, maxDigits: number, text: string) => `${what} must be 1 to ${maxDigits} digits, got "${text}"`,
  tooLarge: (what: string, value: number, max: number) => `${what} ${value} is above ${max}`,
  badAddress: (what: string, text: string) => `${what} "${text}" is not an IP address or hostname`,
  noCandidatePrefix: 'expected "candidate:" after "a="',
  empty: 'empty candidate',
  badFoundation: (text: string) => `foundation must be 1 to 32 ice-chars, got "${text}"`,
  zeroComponent: 'component ID must be at least 1',
  badTransport: (text: string) => `transport "${text}" is not a token`,
  expectedTyp: (text: string) => `expected "typ", got "${text}"`,
  badType: (text: string) => `candidate type must be host, srflx, prflx or relay, got "${text}"`,
  noValue: (name: string) => `extension "${name}" has no value`,
  forbiddenByte: 'NUL, CR and LF are not allowed in an extension (RFC 4566 byte-string)',
  badTcpType: (text: string) => `tcptype must be active, passive or so, got "${text}"`,
  badUfrag: (text: string) => `ufrag must be ice-chars, got "${text}"`,
  outOfPlace: (name: string) => `"${name}" out of place (raddr comes before rport, both before extensions)`,
} as const;
