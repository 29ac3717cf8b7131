/**
 * STUN message encoder (RFC 8489 sections 5, 6 and 14; ICE attributes of RFC 8445 section 16.1).
 * Attributes are written in the order they were added, each padded to 4 bytes; then
 * MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT in that order (sections 14.5-14.7).
 */
import { randomFillSync } from 'node:crypto';
import {
  ERROR_REASONS,
  MAGIC_COOKIE,
  MAX_REASON_PHRASE_BYTES,
  MAX_SOFTWARE_BYTES,
  MAX_USERNAME_BYTES,
  MESSAGE_INTEGRITY_LENGTH,
  MESSAGE_INTEGRITY_SHA256_MAX,
  MESSAGE_INTEGRITY_SHA256_MIN,
  STUN_HEADER_LENGTH,
  StunAttributeType as A,
  TRANSACTION_ID_LENGTH,
  type StunClass,
} from './constants.js';
import { addressBytes, addressValueLength, writeAddress, type TransportAddress } from './stun-address.js';
import { computeFingerprint, computeIntegrity, type StunKey } from './stun-integrity.js';
import { joinMessageType } from './stun-message.js';

export interface StunEncodeOptions {
  /** Add MESSAGE-INTEGRITY with this key (short-term password, or `longTermKey(...)`). */
  integrityKey?: StunKey;
  /** Add MESSAGE-INTEGRITY-SHA256 with this key. */
  integritySha256Key?: StunKey;
  /** Bytes of HMAC-SHA256 to keep, 16..32 in steps of 4 (section 14.6). Default 32. */
  integritySha256Length?: number;
  /** Add FINGERPRINT (section 14.7). */
  fingerprint?: boolean;
  /** Value of padding bytes (section 14: "MAY be any value"). Default 0. */
  paddingByte?: number;
}

/** A fresh random 96-bit transaction ID (section 5: "uniformly and randomly chosen"). */
export function randomTransactionId(): Uint8Array {
  return randomFillSync(new Uint8Array(TRANSACTION_ID_LENGTH));
}

/** One attribute waiting to be written: raw bytes, a 32- or 64-bit number, or an address. */
interface PendingAttribute {
  type: number;
  length: number;
  value?: Uint8Array;
  uint32?: number;
  uint64?: bigint;
  /** Address bytes from `addressBytes`, with `port` and `xor`. */
  address?: Uint8Array;
  port?: number;
  xor?: boolean;
}

const encoder = new TextEncoder();

/**
 * Builds one STUN message.
 *
 * ```ts
 * const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request)
 *   .username('remoteUfrag:localUfrag').priority(1845501695).iceControlling(tiebreaker)
 *   .build({ integrityKey: remotePassword, fingerprint: true });
 * ```
 * Setters throw `RangeError` on values that cannot be encoded.
 */
export class StunMessageBuilder {
  readonly transactionId: Uint8Array;
  private readonly attributes: PendingAttribute[] = [];

  constructor(
    readonly method: number,
    readonly cls: StunClass,
    transactionId: Uint8Array = randomTransactionId(),
  ) {
    if (transactionId.length !== TRANSACTION_ID_LENGTH) throw new RangeError(`transaction ID must be 12 bytes, got ${transactionId.length}`);
    if (!Number.isInteger(method) || method < 0 || method > 0xfff) throw new RangeError(`method must be 0..0xfff, got ${method}`);
    this.transactionId = transactionId;
  }

  /** Add any attribute with raw value bytes (unknown types included). */
  add(type: number, value: Uint8Array): this {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new RangeError(`attribute type must be 0..0xffff, got ${type}`);
    if (value.length > 0xffff - 4) throw new RangeError(`attribute value too long: ${value.length}`);
    this.attributes.push({ type, length: value.length, value });
    return this;
  }

  private addText(type: number, text: string, max: number, name: string): this {
    const value = encoder.encode(text);
    if (value.length > max) throw new RangeError(`${name} is ${value.length} bytes, at most ${max} allowed`);
    return this.add(type, value);
  }

  private addAddress(type: number, address: TransportAddress, xor: boolean): this {
    const raw = addressBytes(address);
    this.attributes.push({ type, length: addressValueLength(address.family), address: raw, port: address.port, xor });
    return this;
  }

  /** USERNAME (section 14.3). */
  username(username: string): this {
    return this.addText(A.Username, username, MAX_USERNAME_BYTES, 'USERNAME');
  }

  /** SOFTWARE (section 14.14). */
  software(software: string): this {
    return this.addText(A.Software, software, MAX_SOFTWARE_BYTES, 'SOFTWARE');
  }

  /** REALM (section 14.9). */
  realm(realm: string): this {
    return this.addText(A.Realm, realm, 763, 'REALM');
  }

  /** NONCE (section 14.10). */
  nonce(nonce: string): this {
    return this.addText(A.Nonce, nonce, 763, 'NONCE');
  }

  /** XOR-MAPPED-ADDRESS (section 14.2). */
  xorMappedAddress(address: TransportAddress): this {
    return this.addAddress(A.XorMappedAddress, address, true);
  }

  /** MAPPED-ADDRESS (section 14.1). */
  mappedAddress(address: TransportAddress): this {
    return this.addAddress(A.MappedAddress, address, false);
  }

  /** PRIORITY (RFC 8445 section 16.1): the priority a peer-reflexive candidate would get. */
  priority(priority: number): this {
    if (!Number.isInteger(priority) || priority < 0 || priority > 0xffffffff) throw new RangeError(`PRIORITY must be a 32-bit unsigned integer, got ${priority}`);
    this.attributes.push({ type: A.Priority, length: 4, uint32: priority });
    return this;
  }

  /** USE-CANDIDATE (RFC 8445 section 16.1), no value. */
  useCandidate(): this {
    this.attributes.push({ type: A.UseCandidate, length: 0 });
    return this;
  }

  /** ICE-CONTROLLING with a 64-bit tiebreaker (RFC 8445 section 16.1). */
  iceControlling(tiebreaker: bigint): this {
    return this.addTiebreaker(A.IceControlling, tiebreaker);
  }

  /** ICE-CONTROLLED with a 64-bit tiebreaker (RFC 8445 section 16.1). */
  iceControlled(tiebreaker: bigint): this {
    return this.addTiebreaker(A.IceControlled, tiebreaker);
  }

  private addTiebreaker(type: number, tiebreaker: bigint): this {
    if (tiebreaker < 0n || tiebreaker > 0xffffffffffffffffn) throw new RangeError(`tiebreaker must be a 64-bit unsigned integer`);
    this.attributes.push({ type, length: 8, uint64: tiebreaker });
    return this;
  }

  /** ERROR-CODE (section 14.8): code 300..699 and a reason phrase (a standard one by default). */
  errorCode(code: number, reason: string = ERROR_REASONS[code] ?? ''): this {
    if (!Number.isInteger(code) || code < 300 || code > 699) throw new RangeError(`error code must be 300..699, got ${code}`);
    const phrase = encoder.encode(reason);
    if (phrase.length > MAX_REASON_PHRASE_BYTES) throw new RangeError(`reason phrase is ${phrase.length} bytes, at most ${MAX_REASON_PHRASE_BYTES}`);
    const value = new Uint8Array(4 + phrase.length);
    value[2] = Math.floor(code / 100);
    value[3] = code % 100;
    value.set(phrase, 4);
    return this.add(A.ErrorCode, value);
  }

  /** UNKNOWN-ATTRIBUTES (section 14.13): the 16-bit types not understood. */
  unknownAttributes(types: readonly number[]): this {
    const value = new Uint8Array(types.length * 2);
    for (let i = 0; i < types.length; i++) {
      value[2 * i] = types[i] >> 8;
      value[2 * i + 1] = types[i] & 0xff;
    }
    return this.add(A.UnknownAttributes, value);
  }

  /** Encode the message. The builder can be built again (e.g. with other options). */
  build(options: StunEncodeOptions = {}): Uint8Array {
    const sha256Length = options.integritySha256Length ?? MESSAGE_INTEGRITY_SHA256_MAX;
    if (sha256Length < MESSAGE_INTEGRITY_SHA256_MIN || sha256Length > MESSAGE_INTEGRITY_SHA256_MAX || sha256Length % 4 !== 0) {
      throw new RangeError(`MESSAGE-INTEGRITY-SHA256 length must be 16..32 in steps of 4, got ${sha256Length}`);
    }
    let total = STUN_HEADER_LENGTH;
    for (const a of this.attributes) total += 4 + ((a.length + 3) & ~3);
    if (options.integrityKey !== undefined) total += 4 + MESSAGE_INTEGRITY_LENGTH;
    if (options.integritySha256Key !== undefined) total += 4 + sha256Length;
    if (options.fingerprint) total += 8;
    if (total - STUN_HEADER_LENGTH > 0xffff) throw new RangeError(`message too long: ${total} bytes`);

    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    view.setUint16(0, joinMessageType(this.method, this.cls));
    view.setUint32(4, MAGIC_COOKIE);
    out.set(this.transactionId, 8);
    const pad = options.paddingByte ?? 0;
    let offset = STUN_HEADER_LENGTH;
    for (const a of this.attributes) {
      view.setUint16(offset, a.type);
      view.setUint16(offset + 2, a.length);
      if (a.value) out.set(a.value, offset + 4);
      else if (a.uint32 !== undefined) view.setUint32(offset + 4, a.uint32);
      else if (a.uint64 !== undefined) view.setBigUint64(offset + 4, a.uint64);
      else if (a.address) writeAddress(out, offset + 4, a.address, a.port!, a.xor!);
      const end = offset + 4 + a.length;
      offset += 4 + ((a.length + 3) & ~3);
      if (pad) out.fill(pad, end, offset);
    }
    if (options.integrityKey !== undefined) offset = appendIntegrity(out, view, offset, A.MessageIntegrity, 'sha1', MESSAGE_INTEGRITY_LENGTH, options.integrityKey);
    if (options.integritySha256Key !== undefined) {
      offset = appendIntegrity(out, view, offset, A.MessageIntegritySha256, 'sha256', sha256Length, options.integritySha256Key);
    }
    if (options.fingerprint) {
      view.setUint16(2, offset + 8 - STUN_HEADER_LENGTH);
      view.setUint16(offset, A.Fingerprint);
      view.setUint16(offset + 2, 4);
      view.setUint32(offset + 4, computeFingerprint(out, offset));
      offset += 8;
    }
    view.setUint16(2, offset - STUN_HEADER_LENGTH);
    return out;
  }
}

function appendIntegrity(out: Uint8Array, view: DataView, offset: number, type: number, algorithm: 'sha1' | 'sha256', length: number, key: StunKey): number {
  view.setUint16(offset, type);
  view.setUint16(offset + 2, length);
  const mac = computeIntegrity(algorithm, out, offset, length, key);
  out.set(mac.subarray(0, length), offset + 4);
  return offset + 4 + length;
}
