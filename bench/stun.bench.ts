/**
 * `npm run bench -- stun`: STUN messages per second through our encoder and decoder, with
 * MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT (CRC-32) as ICE connectivity checks use them,
 * plus candidate-attribute parsing. There is no named peer library to race; the naive regex
 * and Node's native zlib.crc32 are printed only for context. Rates are per second of this
 * process's CPU time (the machine is shared, so wall-clock rates swing with other load);
 * the wall-clock rate is printed beside each.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  crc32,
  parseCandidate,
  serializeCandidate,
  StunClass,
  StunMessage,
  StunMessageBuilder,
  StunMethod,
  verifyFingerprint,
  verifyMessageIntegrity,
} from '../src/ice/index.js';
import { printFigure, type Measurement } from './lib.js';

/** Like `measure` in lib.ts, but the rate is per CPU-second of this process; `elapsedMs` stays wall time. */
function measure(name: string, fn: () => void, minMs = 1000): Measurement {
  const warmupEnd = performance.now() + 300;
  while (performance.now() < warmupEnd) fn();
  let iterations = 0;
  let batch = 1;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    if (performance.now() - start < minMs / 10) batch *= 2;
  }
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { name: `${name} (wall ${Math.round((iterations / elapsedMs) * 1000).toLocaleString('en-US')}/s)`, opsPerSecond: iterations / cpuSeconds, iterations, elapsedMs };
}

const PASSWORD = 'spellbookIcePassword0123';
const transactionId = Uint8Array.from({ length: 12 }, (_, i) => i * 21);

function connectivityCheck(): Uint8Array {
  return new StunMessageBuilder(StunMethod.Binding, StunClass.Request, transactionId)
    .username('Xq9a:spbk')
    .priority(1853824767)
    .iceControlling(0x0123456789abcdefn)
    .useCandidate()
    .build({ integrityKey: PASSWORD, fingerprint: true });
}

function successResponse(): Uint8Array {
  return new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, transactionId)
    .xorMappedAddress({ family: 'IPv4', address: '192.0.2.2', port: 54321 })
    .build({ integrityKey: PASSWORD, fingerprint: true });
}

const check = connectivityCheck();
const response = successResponse();
let sink = 0;

printFigure(
  `STUN encode: connectivity check (USERNAME, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE) + MESSAGE-INTEGRITY + FINGERPRINT, ${check.length} bytes`,
  measure('encode check', () => {
    sink += connectivityCheck().length;
  }),
  'messages per CPU-second',
);
printFigure(
  `STUN encode: success response (XOR-MAPPED-ADDRESS) + MESSAGE-INTEGRITY + FINGERPRINT, ${response.length} bytes`,
  measure('encode response', () => {
    sink += successResponse().length;
  }),
  'messages per CPU-second',
);
printFigure(
  'STUN decode + verify MESSAGE-INTEGRITY + verify FINGERPRINT (the check above)',
  measure('decode+verify', () => {
    const m = StunMessage.decode(check);
    if (!verifyMessageIntegrity(m, PASSWORD) || !verifyFingerprint(m)) throw new Error('verification failed');
    sink += m.priority ?? 0;
  }),
  'messages per CPU-second',
);
printFigure(
  'STUN decode only (framing + attribute layout checks, no HMAC)',
  measure('decode', () => {
    sink += StunMessage.decode(check).attributes.length;
  }),
  'messages per CPU-second',
);

const crcInput = check.subarray(0, check.length - 8);
console.log('\nCRC-32 of one check (context: our table-driven CRC vs Node native zlib.crc32)');
for (const m of [
  measure('ours (crc32.ts)', () => {
    sink ^= crc32(crcInput);
  }),
  measure('node:zlib crc32', () => {
    sink ^= zlibCrc32(crcInput);
  }),
]) {
  console.log(`  ${m.name.padEnd(40)} ${Math.round(m.opsPerSecond).toLocaleString('en-US')} per CPU-second`);
}

const CHROME = 'candidate:2415240502 1 udp 1677729535 203.0.113.77 39125 typ srflx raddr 192.0.2.2 rport 39125 generation 0 ufrag 6JCO network-cost 999';
const NAIVE = /^candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ (\S+)(?: raddr (\S+) rport (\d+))?(.*)$/;
console.log('\nCandidate attribute (a Chrome srflx line; context: a naive regex that validates nothing)');
for (const m of [
  measure('parseCandidate', () => {
    sink += parseCandidate(CHROME).port;
  }),
  measure('parse + serialize', () => {
    sink += serializeCandidate(parseCandidate(CHROME)).length;
  }),
  measure('naive regex', () => {
    sink += Number(NAIVE.exec(CHROME)![6]);
  }),
]) {
  console.log(`  ${m.name.padEnd(40)} ${Math.round(m.opsPerSecond).toLocaleString('en-US')} candidates per CPU-second`);
}
if (sink === 0.5) console.log(sink);
