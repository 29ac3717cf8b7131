import { describe, expect, it } from 'vitest';
import { StunAttributeType as A, StunClass, StunMethod } from './constants.js';
import { crc32 } from './crc32.js';
import { StunParseError } from './errors.js';
import {
  RFC5769_IPV4_RESPONSE,
  RFC5769_IPV6_RESPONSE,
  RFC5769_LONG_TERM,
  RFC5769_LONG_TERM_REQUEST,
  RFC5769_PASSWORD,
  RFC5769_REQUEST,
  RFC5769_TRANSACTION_ID,
} from './__fixtures__/rfc5769-vectors.js';
import { StunMessageBuilder } from './stun-builder.js';
import { longTermKey, verifyFingerprint, verifyMessageIntegrity, verifyMessageIntegritySha256 } from './stun-integrity.js';
import { joinMessageType, looksLikeStun, splitMessageType, StunMessage } from './stun-message.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function parseError(bytes: Uint8Array, options?: { requireMagicCookie?: boolean }): StunParseError {
  try {
    StunMessage.decode(bytes, options);
  } catch (error) {
    if (error instanceof StunParseError) return error;
    throw error;
  }
  throw new Error('expected a StunParseError');
}

describe('RFC 5769 test vectors', () => {
  it('decodes the RFC 5769 sample request and verifies its integrity and fingerprint', () => {
    const m = StunMessage.decode(RFC5769_REQUEST);
    expect(m.method).toBe(StunMethod.Binding);
    expect(m.cls).toBe(StunClass.Request);
    expect(hex(m.transactionId)).toBe(hex(RFC5769_TRANSACTION_ID));
    expect(m.software).toBe('STUN test client');
    expect(m.priority).toBe(0x6e0001ff);
    expect(m.iceControlled).toBe(0x932ff9b151263b36n);
    expect(m.iceControlling).toBeUndefined();
    expect(m.username).toBe('evtj:h6vY');
    expect(verifyMessageIntegrity(m, RFC5769_PASSWORD)).toBe(true);
    expect(verifyFingerprint(m)).toBe(true);
    expect(m.attributes.map((a) => a.type)).toEqual([A.Software, A.Priority, A.IceControlled, A.Username, A.MessageIntegrity, A.Fingerprint]);
  });

  it('rebuilds the RFC 5769 sample request byte for byte', () => {
    const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, RFC5769_TRANSACTION_ID)
      .software('STUN test client')
      .priority(0x6e0001ff)
      .iceControlled(0x932ff9b151263b36n)
      .username('evtj:h6vY')
      .build({ integrityKey: RFC5769_PASSWORD, fingerprint: true, paddingByte: 0x20 });
    expect(hex(bytes)).toBe(hex(RFC5769_REQUEST));
  });

  it('decodes the RFC 5769 IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853', () => {
    const m = StunMessage.decode(RFC5769_IPV4_RESPONSE);
    expect(m.cls).toBe(StunClass.SuccessResponse);
    expect(m.software).toBe('test vector');
    expect(m.xorMappedAddress).toEqual({ family: 'IPv4', address: '192.0.2.1', port: 32853 });
    expect(verifyMessageIntegrity(m, RFC5769_PASSWORD)).toBe(true);
    expect(verifyFingerprint(m)).toBe(true);
  });

  it('rebuilds the RFC 5769 IPv4 response byte for byte', () => {
    const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, RFC5769_TRANSACTION_ID)
      .software('test vector')
      .xorMappedAddress({ family: 'IPv4', address: '192.0.2.1', port: 32853 })
      .build({ integrityKey: RFC5769_PASSWORD, fingerprint: true, paddingByte: 0x20 });
    expect(hex(bytes)).toBe(hex(RFC5769_IPV4_RESPONSE));
  });

  it('decodes and rebuilds the RFC 5769 IPv6 response byte for byte', () => {
    const m = StunMessage.decode(RFC5769_IPV6_RESPONSE);
    const mapped = { family: 'IPv6' as const, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 };
    expect(m.xorMappedAddress).toEqual(mapped);
    expect(verifyMessageIntegrity(m, RFC5769_PASSWORD)).toBe(true);
    expect(verifyFingerprint(m)).toBe(true);
    const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, RFC5769_TRANSACTION_ID)
      .software('test vector')
      .xorMappedAddress(mapped)
      .build({ integrityKey: RFC5769_PASSWORD, fingerprint: true, paddingByte: 0x20 });
    expect(hex(bytes)).toBe(hex(RFC5769_IPV6_RESPONSE));
  });

  it('verifies and rebuilds the RFC 5769 long-term authentication request byte for byte', () => {
    const L = RFC5769_LONG_TERM;
    const m = StunMessage.decode(RFC5769_LONG_TERM_REQUEST);
    expect(m.username).toBe(L.username);
    expect(m.nonce).toBe(L.nonce);
    expect(m.realm).toBe(L.realm);
    expect(m.has(A.Fingerprint)).toBe(false);
    expect(verifyFingerprint(m)).toBe(false);
    const key = longTermKey(L.username, L.realm, L.password);
    expect(verifyMessageIntegrity(m, key)).toBe(true);
    expect(verifyMessageIntegrity(m, longTermKey(L.username, L.realm, 'thematrix'))).toBe(false);
    const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, L.transactionId)
      .username(L.username)
      .nonce(L.nonce)
      .realm(L.realm)
      .build({ integrityKey: key });
    expect(hex(bytes)).toBe(hex(RFC5769_LONG_TERM_REQUEST));
  });

  it('rejects a wrong password and any flipped bit in a signed vector', () => {
    expect(verifyMessageIntegrity(StunMessage.decode(RFC5769_REQUEST), 'VOkJxbRl1RmTxUk/WvJxBT')).toBe(false);
    // Flip one bit in every byte covered by both MESSAGE-INTEGRITY and FINGERPRINT (except the length field).
    const miOffset = StunMessage.decode(RFC5769_REQUEST).find(A.MessageIntegrity)!.offset;
    for (let i = 0; i < miOffset; i++) {
      if (i === 2 || i === 3) continue;
      const copy = Uint8Array.from(RFC5769_REQUEST);
      copy[i] ^= 0x01;
      let m: StunMessage;
      try {
        m = StunMessage.decode(copy);
      } catch (error) {
        expect(error).toBeInstanceOf(StunParseError);
        continue;
      }
      expect(verifyMessageIntegrity(m, RFC5769_PASSWORD), `byte ${i}`).toBe(false);
      expect(verifyFingerprint(m), `byte ${i}`).toBe(false);
    }
  });
});

describe('STUN header and attributes', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = new TextEncoder().encode('hello, stun');
    expect(crc32(data, 5, data.length, crc32(data, 0, 5))).toBe(crc32(data));
  });

  it('maps method and class bits to the message type as in RFC 8489 figure 3', () => {
    expect(joinMessageType(StunMethod.Binding, StunClass.Request)).toBe(0x0001);
    expect(joinMessageType(StunMethod.Binding, StunClass.Indication)).toBe(0x0011);
    expect(joinMessageType(StunMethod.Binding, StunClass.SuccessResponse)).toBe(0x0101);
    expect(joinMessageType(StunMethod.Binding, StunClass.ErrorResponse)).toBe(0x0111);
    expect(joinMessageType(0x003, StunClass.Request)).toBe(0x0003); // TURN Allocate
    expect(joinMessageType(0xfff, StunClass.ErrorResponse)).toBe(0x3fff);
    for (let method = 0; method <= 0xfff; method += 37) {
      for (const cls of [0, 1, 2, 3] as const) expect(splitMessageType(joinMessageType(method, cls))).toEqual({ method, cls });
    }
  });

  it('round-trips ICE attributes, ERROR-CODE and MESSAGE-INTEGRITY-SHA256', () => {
    const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse)
      .errorCode(487)
      .iceControlling(0xffffffffffffffffn)
      .useCandidate()
      .mappedAddress({ family: 'IPv6', address: '::ffff:192.0.2.9', port: 9 })
      .build({ integrityKey: 'pw', integritySha256Key: 'pw', integritySha256Length: 16, fingerprint: true });
    const m = StunMessage.decode(bytes);
    expect(m.errorCode).toEqual({ code: 487, reason: 'Role Conflict' });
    expect(m.iceControlling).toBe(0xffffffffffffffffn);
    expect(m.useCandidate).toBe(true);
    expect(m.mappedAddress).toEqual({ family: 'IPv6', address: '::ffff:c000:209', port: 9 });
    expect(m.attributes.slice(-3).map((a) => a.type)).toEqual([A.MessageIntegrity, A.MessageIntegritySha256, A.Fingerprint]);
    expect(m.find(A.MessageIntegritySha256)!.length).toBe(16);
    expect(verifyMessageIntegrity(m, 'pw')).toBe(true);
    expect(verifyMessageIntegritySha256(m, 'pw')).toBe(true);
    expect(verifyMessageIntegritySha256(m, 'px')).toBe(false);
    expect(verifyFingerprint(m)).toBe(true);
    expect(bytes.length % 4).toBe(0);
  });

  it('pads every attribute to 4 bytes and counts the padding in the message length', () => {
    for (let n = 0; n < 9; n++) {
      const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).username('u'.repeat(n)).build();
      expect(bytes.length).toBe(20 + 4 + Math.ceil(n / 4) * 4);
      expect(new DataView(bytes.buffer).getUint16(2)).toBe(bytes.length - 20);
      const m = StunMessage.decode(bytes);
      expect(m.find(A.Username)!.length).toBe(n);
      expect(m.username).toBe('u'.repeat(n));
    }
  });

  it('preserves unknown attributes and reports which are comprehension-required', () => {
    const bytes = new StunMessageBuilder(StunMethod.Binding, StunClass.Request)
      .add(0xc057, Uint8Array.of(0, 1, 0, 10)) // Chrome's GOOG-NETWORK-INFO, comprehension-optional
      .add(0x7777, Uint8Array.of(1, 2, 3))
      .build({ fingerprint: true });
    const m = StunMessage.decode(bytes);
    expect(m.unknownAttributes.map((u) => [u.type, u.comprehensionRequired, hex(u.value)])).toEqual([
      [0xc057, false, '0001000a'],
      [0x7777, true, '010203'],
    ]);
    expect(m.unknownComprehensionRequired).toEqual([0x7777]);
  });

  it('ignores attributes after MESSAGE-INTEGRITY except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT', () => {
    const signed = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).username('a:b').build({ integrityKey: 'k' });
    const extra = Uint8Array.of(0x80, 0x22, 0x00, 0x04, 0x65, 0x76, 0x69, 0x6c); // SOFTWARE "evil"
    const tampered = new Uint8Array(signed.length + extra.length);
    tampered.set(signed);
    tampered.set(extra, signed.length);
    new DataView(tampered.buffer).setUint16(2, tampered.length - 20);
    const m = StunMessage.decode(tampered);
    expect(m.software).toBeUndefined();
    expect(m.ignoredAttributes.map((a) => a.type)).toEqual([A.Software]);
    expect(verifyMessageIntegrity(m, 'k')).toBe(true);
  });

  it('tells STUN apart from other datagrams', () => {
    expect(looksLikeStun(RFC5769_REQUEST)).toBe(true);
    expect(looksLikeStun(Uint8Array.of(0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toBe(false); // RTP
    expect(looksLikeStun(RFC5769_REQUEST.subarray(0, 19))).toBe(false);
  });
});

describe('malformed STUN', () => {
  it('throws StunParseError with the byte offset of a bad length', () => {
    expect(parseError(RFC5769_REQUEST.subarray(0, 12)).offset).toBe(12);
    const lengthOff = Uint8Array.from(RFC5769_REQUEST);
    lengthOff[3] = 0x5c; // says 92, 88 follow
    expect(parseError(lengthOff).offset).toBe(2);
    const notMultiple = Uint8Array.from(RFC5769_REQUEST);
    notMultiple[3] = 0x57;
    expect(parseError(notMultiple).offset).toBe(2);
  });

  it('throws at the attribute whose value runs past the end', () => {
    const bytes = Uint8Array.from(RFC5769_IPV4_RESPONSE);
    // XOR-MAPPED-ADDRESS is at offset 36; make its length 0x40.
    bytes[39] = 0x40;
    const e = parseError(bytes);
    expect(e.offset).toBe(38);
    expect(e.message).toContain('0x0020');
    // An attribute header cut in half: keep 2 bytes of the last header.
    const short = Uint8Array.from(RFC5769_IPV4_RESPONSE.subarray(0, RFC5769_IPV4_RESPONSE.length - 6));
    new DataView(short.buffer).setUint16(2, short.length - 20 - 2); // not a multiple of 4
    expect(parseError(short).offset).toBe(2);
    const half = new Uint8Array(28);
    half.set(RFC5769_REQUEST.subarray(0, 20));
    half.set([0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e], 20);
    new DataView(half.buffer).setUint16(2, 8);
    expect(parseError(half).offset).toBe(22);
  });

  it('requires the magic cookie unless told otherwise', () => {
    const bytes = Uint8Array.from(RFC5769_IPV4_RESPONSE);
    bytes[4] = 0x00;
    const e = parseError(bytes);
    expect(e.offset).toBe(4);
    expect(e.message).toContain('magic cookie');
    const m = StunMessage.decode(bytes, { requireMagicCookie: false });
    expect(m.hasMagicCookie).toBe(false);
    expect(verifyMessageIntegrity(m, RFC5769_PASSWORD)).toBe(false);
  });

  it('rejects set top bits, attributes after FINGERPRINT, and bad fixed-size values', () => {
    const top = Uint8Array.from(RFC5769_REQUEST);
    top[0] = 0x40;
    expect(parseError(top).offset).toBe(0);

    const fp = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).build({ fingerprint: true });
    const after = new Uint8Array(fp.length + 4);
    after.set(fp);
    after.set([0x00, 0x25, 0x00, 0x00], fp.length); // USE-CANDIDATE after FINGERPRINT
    new DataView(after.buffer).setUint16(2, after.length - 20);
    expect(parseError(after).offset).toBe(fp.length);

    const badPriority = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).add(A.Priority, Uint8Array.of(1, 2)).build();
    expect(parseError(badPriority).offset).toBe(22);
    const badFamily = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).add(A.XorMappedAddress, Uint8Array.of(0, 3, 0, 0, 1, 2, 3, 4)).build();
    expect(parseError(badFamily).offset).toBe(25);
    const badV6Length = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).add(A.MappedAddress, Uint8Array.of(0, 2, 0, 0, 1, 2, 3, 4)).build();
    expect(parseError(badV6Length).offset).toBe(22);
    const badErrorClass = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse).add(A.ErrorCode, Uint8Array.of(0, 0, 2, 0)).build();
    expect(parseError(badErrorClass).offset).toBe(26);
    const badSha = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).add(A.MessageIntegritySha256, new Uint8Array(18)).build();
    expect(parseError(badSha).offset).toBe(22);
  });

  it('refuses to build values that cannot be encoded', () => {
    const b = () => new StunMessageBuilder(StunMethod.Binding, StunClass.Request);
    expect(() => new StunMessageBuilder(StunMethod.Binding, StunClass.Request, new Uint8Array(11))).toThrow(RangeError);
    expect(() => b().priority(2 ** 32)).toThrow(RangeError);
    expect(() => b().errorCode(200)).toThrow(RangeError);
    expect(() => b().username('x'.repeat(509))).toThrow(RangeError);
    expect(() => b().xorMappedAddress({ family: 'IPv4', address: '::1', port: 1 })).toThrow(RangeError);
    expect(() => b().xorMappedAddress({ family: 'IPv4', address: '1.2.3.4', port: 70000 })).toThrow(RangeError);
    expect(() => b().iceControlling(-1n)).toThrow(RangeError);
    expect(() => b().build({ integritySha256Key: 'k', integritySha256Length: 18 })).toThrow(RangeError);
  });
});
