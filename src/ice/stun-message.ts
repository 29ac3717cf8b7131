/**
 * STUN message decoder (RFC 8489 sections 5 and 14): a read-only view over the bytes.
 */
import {
  FINGERPRINT_LENGTH,
  KNOWN_ATTRIBUTE_TYPES,
  MAGIC_COOKIE,
  MESSAGE_INTEGRITY_LENGTH,
  MESSAGE_INTEGRITY_SHA256_MAX,
  MESSAGE_INTEGRITY_SHA256_MIN,
  MESSAGES,
  ADDRESS_FAMILY_IPV4,
  ADDRESS_FAMILY_IPV6,
  STUN_HEADER_LENGTH,
  StunAttributeType as A,
  type StunClass,
} from './constants.js';
import { StunParseError } from './errors.js';
import { readAddress, type TransportAddress } from './stun-address.js';

/** Where one attribute sits in the message. */
export interface StunAttributeRef {
  /** Attribute type (RFC 8489 section 14). */
  readonly type: number;
  /** Byte offset of the attribute's 4-byte header within the message. */
  readonly offset: number;
  /** Value length in bytes, before padding. */
  readonly length: number;
}

/** An attribute type this module does not understand (RFC 8489 section 14: 0x0000-0x7FFF must be understood). */
export interface UnknownStunAttribute {
  readonly type: number;
  readonly comprehensionRequired: boolean;
  readonly value: Uint8Array;
}

/** ERROR-CODE value (RFC 8489 section 14.8). */
export interface StunErrorCodeValue {
  code: number;
  reason: string;
}

export interface StunDecodeOptions {
  /**
   * Reject messages without the magic cookie (RFC 8489 section 5). Default true; false accepts
   * RFC 3489-style headers (the 16 bytes after the length are then all transaction ID).
   */
  requireMagicCookie?: boolean;
}

const utf8 = new TextDecoder('utf-8');

/** Decode an RFC 8489 message type into method and class (section 5, figure 3). */
export function splitMessageType(type: number): { method: number; cls: StunClass } {
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = (((type >> 4) & 1) | ((type >> 7) & 2)) as StunClass;
  return { method, cls };
}

/** Encode method and class into the 14-bit message type (section 5, figure 3). */
export function joinMessageType(method: number, cls: StunClass): number {
  return (method & 0x000f) | ((method & 0x0070) << 1) | ((method & 0x0f80) << 2) | ((cls & 1) << 4) | ((cls & 2) << 7);
}

/** Quick test (RFC 7983 demultiplexing plus the cookie): does this datagram look like STUN? */
export function looksLikeStun(bytes: Uint8Array): boolean {
  return (
    bytes.length >= STUN_HEADER_LENGTH &&
    bytes[0] < 4 &&
    bytes[4] === 0x21 &&
    bytes[5] === 0x12 &&
    bytes[6] === 0xa4 &&
    bytes[7] === 0x42 &&
    (bytes[3] & 3) === 0
  );
}

/**
 * A decoded STUN message. Construction validates framing and the fixed layouts of every
 * attribute this module knows, so the typed getters never fail afterwards.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Magic Cookie                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * |                     Transaction ID (96 bits)                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Type                  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Value (variable)                ....
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Attributes after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are
 * listed in `ignoredAttributes` and invisible to the getters (section 14.5); FINGERPRINT must
 * be last (section 14.7). Throws `StunParseError` with the byte offset of the problem.
 */
export class StunMessage {
  /** Exactly the message's bytes (a view, not a copy). */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** The 14-bit message type. */
  readonly type: number;
  readonly method: number;
  readonly cls: StunClass;
  /** True when bytes 4..7 hold the magic cookie. */
  readonly hasMagicCookie: boolean;
  /** The attributes that count, in order. */
  readonly attributes: readonly StunAttributeRef[];
  /** Attributes after MESSAGE-INTEGRITY that RFC 8489 section 14.5 says to ignore. */
  readonly ignoredAttributes: readonly StunAttributeRef[];

  private constructor(bytes: Uint8Array, view: DataView, attributes: StunAttributeRef[], ignored: StunAttributeRef[], type: number, hasCookie: boolean) {
    this.bytes = bytes;
    this.view = view;
    this.type = type;
    const { method, cls } = splitMessageType(type);
    this.method = method;
    this.cls = cls;
    this.hasMagicCookie = hasCookie;
    this.attributes = attributes;
    this.ignoredAttributes = ignored;
  }

  /** Decode one whole message; `bytes` must hold exactly the message (one UDP datagram). */
  static decode(bytes: Uint8Array, options: StunDecodeOptions = {}): StunMessage {
    if (bytes.length < STUN_HEADER_LENGTH) throw new StunParseError(MESSAGES.tooShort(bytes.length), bytes.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const typeField = view.getUint16(0);
    if (typeField & 0xc000) throw new StunParseError(MESSAGES.topBits, 0);
    const length = view.getUint16(2);
    if (length % 4 !== 0) throw new StunParseError(MESSAGES.lengthNotMultipleOf4(length), 2);
    if (length !== bytes.length - STUN_HEADER_LENGTH) {
      throw new StunParseError(MESSAGES.lengthMismatch(length, bytes.length - STUN_HEADER_LENGTH), 2);
    }
    const cookie = view.getUint32(4);
    const hasCookie = cookie === MAGIC_COOKIE;
    if (!hasCookie && options.requireMagicCookie !== false) throw new StunParseError(MESSAGES.badCookie(cookie), 4);

    const attributes: StunAttributeRef[] = [];
    const ignored: StunAttributeRef[] = [];
    let afterIntegrity = false;
    let offset = STUN_HEADER_LENGTH;
    const end = bytes.length;
    while (offset < end) {
      if (offset + 4 > end) throw new StunParseError(MESSAGES.attributeHeaderPastEnd, offset);
      const type = view.getUint16(offset);
      const attrLength = view.getUint16(offset + 2);
      const padded = (attrLength + 3) & ~3;
      if (offset + 4 + padded > end) throw new StunParseError(MESSAGES.attributeValuePastEnd(type, attrLength), offset + 2);
      const ref: StunAttributeRef = { type, offset, length: attrLength };
      const last = attributes.length ? attributes[attributes.length - 1] : undefined;
      if (last && last.type === A.Fingerprint) throw new StunParseError(MESSAGES.afterFingerprint, offset);
      if (afterIntegrity && type !== A.MessageIntegritySha256 && type !== A.Fingerprint) {
        ignored.push(ref);
      } else {
        checkAttribute(bytes, type, attrLength, offset);
        attributes.push(ref);
        if (type === A.MessageIntegrity || type === A.MessageIntegritySha256) afterIntegrity = true;
      }
      offset += 4 + padded;
    }
    return new StunMessage(bytes, view, attributes, ignored, typeField, hasCookie);
  }

  /** Total length in bytes (header included). */
  get byteLength(): number {
    return this.bytes.length;
  }

  /** The 12-byte transaction ID (a view). */
  get transactionId(): Uint8Array {
    return this.bytes.subarray(8, 20);
  }

  /** The first attribute of `type` that counts, or undefined. */
  find(type: number): StunAttributeRef | undefined {
    for (const a of this.attributes) if (a.type === type) return a;
    return undefined;
  }

  /** Value bytes of the first attribute of `type` (a view), or undefined. */
  get(type: number): Uint8Array | undefined {
    const a = this.find(type);
    return a ? this.bytes.subarray(a.offset + 4, a.offset + 4 + a.length) : undefined;
  }

  /** Value bytes of every attribute of `type`, in order. */
  getAll(type: number): Uint8Array[] {
    return this.attributes.filter((a) => a.type === type).map((a) => this.bytes.subarray(a.offset + 4, a.offset + 4 + a.length));
  }

  has(type: number): boolean {
    return this.find(type) !== undefined;
  }

  private text(type: number): string | undefined {
    const value = this.get(type);
    return value ? utf8.decode(value) : undefined;
  }

  /** XOR-MAPPED-ADDRESS (section 14.2), un-XORed. */
  get xorMappedAddress(): TransportAddress | undefined {
    const a = this.find(A.XorMappedAddress);
    return a ? readAddress(this.bytes, a.offset + 4, true) : undefined;
  }

  /** MAPPED-ADDRESS (section 14.1). */
  get mappedAddress(): TransportAddress | undefined {
    const a = this.find(A.MappedAddress);
    return a ? readAddress(this.bytes, a.offset + 4, false) : undefined;
  }

  /** ALTERNATE-SERVER (section 14.15). */
  get alternateServer(): TransportAddress | undefined {
    const a = this.find(A.AlternateServer);
    return a ? readAddress(this.bytes, a.offset + 4, false) : undefined;
  }

  /** USERNAME (section 14.3); for ICE, "remoteUfrag:localUfrag" of the sender (RFC 8445 section 7.2.2). */
  get username(): string | undefined {
    return this.text(A.Username);
  }

  /** SOFTWARE (section 14.14). */
  get software(): string | undefined {
    return this.text(A.Software);
  }

  /** REALM (section 14.9). */
  get realm(): string | undefined {
    return this.text(A.Realm);
  }

  /** NONCE (section 14.10). */
  get nonce(): string | undefined {
    return this.text(A.Nonce);
  }

  /** PRIORITY (RFC 8445 section 16.1). */
  get priority(): number | undefined {
    const a = this.find(A.Priority);
    return a ? this.view.getUint32(a.offset + 4) : undefined;
  }

  /** USE-CANDIDATE present (RFC 8445 section 16.1). */
  get useCandidate(): boolean {
    return this.has(A.UseCandidate);
  }

  /** ICE-CONTROLLING tiebreaker (RFC 8445 section 16.1). */
  get iceControlling(): bigint | undefined {
    const a = this.find(A.IceControlling);
    return a ? this.view.getBigUint64(a.offset + 4) : undefined;
  }

  /** ICE-CONTROLLED tiebreaker (RFC 8445 section 16.1). */
  get iceControlled(): bigint | undefined {
    const a = this.find(A.IceControlled);
    return a ? this.view.getBigUint64(a.offset + 4) : undefined;
  }

  /** ERROR-CODE (section 14.8): code = class x 100 + number. */
  get errorCode(): StunErrorCodeValue | undefined {
    const a = this.find(A.ErrorCode);
    if (!a) return undefined;
    const v = a.offset + 4;
    const code = (this.bytes[v + 2] & 0x07) * 100 + this.bytes[v + 3];
    return { code, reason: utf8.decode(this.bytes.subarray(v + 4, v + a.length)) };
  }

  /** UNKNOWN-ATTRIBUTES (section 14.13): the types a server did not understand. */
  get unknownAttributeList(): number[] | undefined {
    const a = this.find(A.UnknownAttributes);
    if (!a) return undefined;
    const out: number[] = [];
    for (let i = 0; i + 1 < a.length; i += 2) out.push(this.view.getUint16(a.offset + 4 + i));
    return out;
  }

  /** FINGERPRINT value as sent (section 14.7), or undefined. */
  get fingerprint(): number | undefined {
    const a = this.find(A.Fingerprint);
    return a ? this.view.getUint32(a.offset + 4) : undefined;
  }

  /** Attributes of types this module does not know, preserved with their values. */
  get unknownAttributes(): UnknownStunAttribute[] {
    const out: UnknownStunAttribute[] = [];
    for (const a of this.attributes) {
      if (KNOWN_ATTRIBUTE_TYPES.has(a.type)) continue;
      out.push({ type: a.type, comprehensionRequired: a.type < 0x8000, value: this.bytes.subarray(a.offset + 4, a.offset + 4 + a.length) });
    }
    return out;
  }

  /** Types of unknown comprehension-required attributes (a server answers these with 420, section 6.3.1). */
  get unknownComprehensionRequired(): number[] {
    return this.unknownAttributes.filter((u) => u.comprehensionRequired).map((u) => u.type);
  }
}

const NAMES: Record<number, string> = {
  [A.MappedAddress]: 'MAPPED-ADDRESS',
  [A.XorMappedAddress]: 'XOR-MAPPED-ADDRESS',
  [A.AlternateServer]: 'ALTERNATE-SERVER',
  [A.MessageIntegrity]: 'MESSAGE-INTEGRITY',
  [A.MessageIntegritySha256]: 'MESSAGE-INTEGRITY-SHA256',
  [A.Fingerprint]: 'FINGERPRINT',
  [A.Priority]: 'PRIORITY',
  [A.UseCandidate]: 'USE-CANDIDATE',
  [A.IceControlled]: 'ICE-CONTROLLED',
  [A.IceControlling]: 'ICE-CONTROLLING',
  [A.ErrorCode]: 'ERROR-CODE',
  [A.UnknownAttributes]: 'UNKNOWN-ATTRIBUTES',
};

function badLength(type: number, length: number, offset: number): StunParseError {
  return new StunParseError(MESSAGES.badAttributeLength(NAMES[type] ?? String(type), length), offset + 2);
}

/**
 * Check the fixed layout of one attribute this module knows (RFC 8489 section 14, RFC 8445
 * section 16.1). Hot path: no closures (tsx's keep-names wraps each one in a defineProperty call).
 */
function checkAttribute(bytes: Uint8Array, type: number, length: number, offset: number): void {
  const v = offset + 4;
  switch (type) {
    case A.MappedAddress:
    case A.XorMappedAddress:
    case A.AlternateServer: {
      if (length < 4) throw badLength(type, length, offset);
      const family = bytes[v + 1];
      if (family === ADDRESS_FAMILY_IPV4) {
        if (length !== 8) throw badLength(type, length, offset);
      } else if (family === ADDRESS_FAMILY_IPV6) {
        if (length !== 20) throw badLength(type, length, offset);
      } else throw new StunParseError(MESSAGES.badAddressFamily(family), v + 1);
      return;
    }
    case A.MessageIntegrity:
      if (length !== MESSAGE_INTEGRITY_LENGTH) throw badLength(type, length, offset);
      return;
    case A.MessageIntegritySha256:
      if (length < MESSAGE_INTEGRITY_SHA256_MIN || length > MESSAGE_INTEGRITY_SHA256_MAX || length % 4 !== 0) throw badLength(type, length, offset);
      return;
    case A.Fingerprint:
      if (length !== FINGERPRINT_LENGTH) throw badLength(type, length, offset);
      return;
    case A.Priority:
      if (length !== 4) throw badLength(type, length, offset);
      return;
    case A.UseCandidate:
      if (length !== 0) throw badLength(type, length, offset);
      return;
    case A.IceControlled:
    case A.IceControlling:
      if (length !== 8) throw badLength(type, length, offset);
      return;
    case A.ErrorCode: {
      if (length < 4) throw badLength(type, length, offset);
      const cls = bytes[v + 2] & 0x07;
      const number = bytes[v + 3];
      if (cls < 3 || cls > 6 || number > 99) throw new StunParseError(MESSAGES.badErrorClass(cls, number), v + 2);
      return;
    }
    case A.UnknownAttributes:
      if (length % 2 !== 0) throw badLength(type, length, offset);
      return;
    default:
      return;
  }
}
