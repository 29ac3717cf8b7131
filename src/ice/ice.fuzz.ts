/**
 * Fuzz targets of the ICE module (engine: fuzz/engine.ts). Seeds are the RFC 5769 vectors and
 * real traffic captured from Chromium and node-datachannel (__fixtures__/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { parseCandidate, serializeCandidate } from './candidate.js';
import { StunClass, StunMethod } from './constants.js';
import { CandidateParseError, StunParseError } from './errors.js';
import {
  RFC5769_IPV4_RESPONSE,
  RFC5769_IPV6_RESPONSE,
  RFC5769_LONG_TERM,
  RFC5769_LONG_TERM_REQUEST,
  RFC5769_PASSWORD,
  RFC5769_REQUEST,
} from './__fixtures__/rfc5769-vectors.js';
import { StunMessageBuilder } from './stun-builder.js';
import { longTermKey, verifyFingerprint, verifyMessageIntegrity, verifyMessageIntegritySha256 } from './stun-integrity.js';
import { StunMessage } from './stun-message.js';
import { StunServer } from './stun-server.js';

const fixtures = join(import.meta.dirname, '__fixtures__');
const lines = (name: string) => readFileSync(join(fixtures, name), 'utf8').split('\n').filter(Boolean);
const hexLines = (name: string) => lines(name).map((l) => Uint8Array.from(Buffer.from(l.split(' ').pop()!, 'hex')));

const longTerm = longTermKey(RFC5769_LONG_TERM.username, RFC5769_LONG_TERM.realm, RFC5769_LONG_TERM.password);

/** Messages built by our encoder that exercise attributes the captures lack. */
function builtSeeds(): Uint8Array[] {
  const tid = Uint8Array.from({ length: 12 }, (_, i) => i * 17);
  return [
    new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, tid)
      .errorCode(420)
      .unknownAttributes([0x0777, 0x7fff])
      .mappedAddress({ family: 'IPv6', address: '2001:db8::1', port: 3478 })
      .realm('example.org')
      .nonce('abc')
      .build({ integrityKey: RFC5769_PASSWORD, integritySha256Key: RFC5769_PASSWORD, fingerprint: true }),
    new StunMessageBuilder(StunMethod.Binding, StunClass.Request, tid)
      .username('a:b')
      .priority(1)
      .iceControlling(1n)
      .useCandidate()
      .add(0xc057, Uint8Array.of(0, 1, 0, 10))
      .build({ integrityKey: RFC5769_PASSWORD, fingerprint: true }),
  ];
}

const stunSeeds = [
  RFC5769_REQUEST,
  RFC5769_IPV4_RESPONSE,
  RFC5769_IPV6_RESPONSE,
  RFC5769_LONG_TERM_REQUEST,
  ...hexLines('chrome-connectivity-checks.txt'),
  ...hexLines('chrome-stun-requests.txt'),
  ...hexLines('libjuice-stun.txt'),
  ...builtSeeds(),
];

function isStunParseError(error: unknown): boolean {
  return error instanceof StunParseError && Number.isInteger(error.offset) && error.offset >= 0;
}

/** Decode, read every typed attribute, and run every verification. */
export const stunDecodeTarget: FuzzTarget = {
  name: 'stun.decode',
  seeds: stunSeeds,
  run(input) {
    const m = StunMessage.decode(input, { requireMagicCookie: input.length % 2 === 0 });
    const touched = [
      m.method, m.cls, m.transactionId, m.username, m.software, m.realm, m.nonce, m.priority, m.useCandidate,
      m.iceControlling, m.iceControlled, m.errorCode, m.xorMappedAddress, m.mappedAddress, m.alternateServer,
      m.unknownAttributeList, m.fingerprint, m.unknownAttributes, m.unknownComprehensionRequired,
    ];
    return [
      touched.length,
      verifyMessageIntegrity(m, RFC5769_PASSWORD),
      verifyMessageIntegrity(m, longTerm),
      verifyMessageIntegritySha256(m, RFC5769_PASSWORD),
      verifyFingerprint(m),
    ];
  },
  isExpectedError: isStunParseError,
};

/** The server's whole request path: it must never throw, whatever arrives. */
export const stunServerTarget: FuzzTarget = {
  name: 'stun.server-handle',
  seeds: stunSeeds,
  run(input) {
    const server = new StunServer({ credentials: (u) => (u.length % 2 ? RFC5769_PASSWORD : undefined), software: 'fuzz' });
    const reply = server.handle(input, { family: 'IPv4', address: '192.0.2.1', port: 5000 });
    if (reply.response) StunMessage.decode(reply.response); // our own responses must decode
    return reply.record.outcome;
  },
  isExpectedError: () => false,
};

const candidateSeeds = [
  ...lines('chrome-candidates.txt'),
  ...lines('libjuice-candidates.txt'),
  'candidate:842163049 1 udp 1677729535 203.0.113.5 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag abcd network-cost 999',
  'candidate:1052353022 1 tcp 1518280447 192.0.2.2 9 typ host tcptype active generation 0 network-id 1',
  'candidate:3 1 udp 16777215 2001:db8::10 3478 typ relay raddr 2001:db8::1:2 rport 50000 x-custom foo',
].map((s) => new TextEncoder().encode(s));

const utf8 = new TextDecoder('utf-8');

/** The typed fields, for comparing a candidate with its re-parsed serialization. */
function typedFields(c: ReturnType<typeof parseCandidate>): string {
  const { extensions: _extensions, ...typed } = c;
  return JSON.stringify(typed);
}

/**
 * Parse; whatever parses must serialize to text that parses back to the same typed fields,
 * and serializing that again must give the same text (serialization is a fixed point).
 */
export const candidateTarget: FuzzTarget = {
  name: 'ice.candidate',
  seeds: candidateSeeds,
  run(input) {
    const candidate = parseCandidate(utf8.decode(input));
    const text = serializeCandidate(candidate);
    const again = parseCandidate(text);
    if (typedFields(again) !== typedFields(candidate)) throw new Error(`round trip changed the candidate: ${typedFields(candidate)} -> ${typedFields(again)}`);
    if (serializeCandidate(again) !== text) throw new Error(`serialization is not stable: ${text} -> ${serializeCandidate(again)}`);
    return candidate;
  },
  isExpectedError: (error) => error instanceof CandidateParseError && error.line === 1 && Number.isInteger(error.column) && error.column >= 1,
};

export const targets: FuzzTarget[] = [stunDecodeTarget, stunServerTarget, candidateTarget];
