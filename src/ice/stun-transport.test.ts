import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StunAttributeType as A, StunClass, StunMethod } from './constants.js';
import { StunErrorResponseError, StunTimeoutError } from './errors.js';
import type { TransportAddress } from './stun-address.js';
import { StunMessageBuilder } from './stun-builder.js';
import { stunBindingRequest } from './stun-client.js';
import { verifyFingerprint, verifyMessageIntegrity } from './stun-integrity.js';
import { StunMessage } from './stun-message.js';
import { StunServer } from './stun-server.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '__fixtures__', name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((h) => Uint8Array.from(Buffer.from(h, 'hex')));
/** Chromium's checks were keyed with this password (see __fixtures__/README.md). */
const CHROME_CHECK_PASSWORD = 'spellbookIcePassword0123';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function udpSocket(address = '127.0.0.1'): Promise<Socket> {
  const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket;
}

async function server(options: ConstructorParameters<typeof StunServer>[0] = {}, address = '127.0.0.1'): Promise<{ server: StunServer; at: TransportAddress }> {
  const s = new StunServer(options);
  const at = await s.listen(0, address);
  closers.push(() => s.close());
  return { server: s, at };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('STUN Binding over UDP', () => {
  it('answers a Binding request with the XOR-MAPPED-ADDRESS the client was seen from', async () => {
    const { server: s, at } = await server({ software: 'spellbook test' });
    const socket = await udpSocket();
    const result = await stunBindingRequest({ destination: at, socket, rto: 100 });
    expect(result.mappedAddress).toEqual({ family: 'IPv4', address: '127.0.0.1', port: socket.address().port });
    expect(result.attempts).toBe(1);
    expect(result.fingerprintVerified).toBe(true);
    expect(result.response.software).toBe('spellbook test');
    expect(s.records).toHaveLength(1);
    expect(s.records[0]).toMatchObject({ outcome: 'success', method: StunMethod.Binding, from: { port: socket.address().port } });
    expect(s.records[0].transactionId).toBe(Buffer.from(StunMessage.decode(result.request).transactionId).toString('hex'));
  });

  it('serves IPv6 on ::1 and can report a configured mapped address', async () => {
    const { at } = await server({ mappedAddress: (from) => ({ family: 'IPv6', address: '2001:db8::77', port: from.port + 1 }) }, '::1');
    expect(at.family).toBe('IPv6');
    const socket = await udpSocket('::1');
    const result = await stunBindingRequest({ destination: at, socket, rto: 100 });
    expect(result.mappedAddress).toEqual({ family: 'IPv6', address: '2001:db8::77', port: socket.address().port + 1 });
  });

  it('checks short-term credentials: 400 without integrity, 401 with a wrong password, success when signed', async () => {
    const passwords: Record<string, string> = { 'srv:cli': 'server-password-123456' };
    const { server: s, at } = await server({ credentials: (u) => passwords[u] });
    const unsigned = (await rejection(stunBindingRequest({ destination: at, username: 'srv:cli', rto: 100 }))) as StunErrorResponseError;
    expect(unsigned).toBeInstanceOf(StunErrorResponseError);
    expect(unsigned.code).toBe(400);
    const wrong = (await rejection(stunBindingRequest({ destination: at, username: 'srv:cli', password: 'nope', rto: 100 }))) as StunErrorResponseError;
    expect(wrong.code).toBe(401);
    const unknownUser = (await rejection(stunBindingRequest({ destination: at, username: 'who:cli', password: 'server-password-123456', rto: 100 }))) as StunErrorResponseError;
    expect(unknownUser.code).toBe(401);
    const ok = await stunBindingRequest({
      destination: at,
      username: 'srv:cli',
      password: 'server-password-123456',
      priority: 1853824767,
      iceControlling: 0x0123456789abcdefn,
      useCandidate: true,
      rto: 100,
    });
    expect(ok.integrityVerified).toBe(true);
    expect(verifyMessageIntegrity(ok.response, 'server-password-123456')).toBe(true);
    const request = StunMessage.decode(ok.request);
    expect(request.attributes.map((a) => a.type)).toEqual([A.Username, A.Priority, A.IceControlling, A.UseCandidate, A.MessageIntegrity, A.Fingerprint]);
    expect(s.records.map((r) => r.errorCode ?? r.outcome)).toEqual([400, 401, 401, 'success']);
  });

  it('answers 420 with UNKNOWN-ATTRIBUTES for unknown comprehension-required attributes', () => {
    const s = new StunServer();
    const request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).add(0x0777, Uint8Array.of(1)).add(0xc001, Uint8Array.of(2)).build();
    const reply = s.handle(request, { family: 'IPv4', address: '192.0.2.1', port: 1 });
    const response = StunMessage.decode(reply.response!);
    expect(response.cls).toBe(StunClass.ErrorResponse);
    expect(response.errorCode).toEqual({ code: 420, reason: 'Unknown Attribute' });
    expect(response.unknownAttributeList).toEqual([0x0777]);
    expect(verifyFingerprint(response)).toBe(true);
  });

  it('drops indications, responses, garbage and requests with a bad FINGERPRINT', () => {
    const s = new StunServer();
    const from: TransportAddress = { family: 'IPv4', address: '192.0.2.1', port: 1 };
    const indication = new StunMessageBuilder(StunMethod.Binding, StunClass.Indication).build();
    const response = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse).build();
    const badFp = new StunMessageBuilder(StunMethod.Binding, StunClass.Request).build({ fingerprint: true });
    badFp[badFp.length - 1] ^= 1;
    for (const datagram of [indication, response, Uint8Array.of(1, 2, 3), badFp]) {
      const reply = s.handle(datagram, from);
      expect(reply.response).toBeUndefined();
      expect(reply.record.outcome).toBe('dropped');
    }
    expect(s.handle(badFp, from).record.reason).toContain('FINGERPRINT');
  });

  it('retransmits with a doubling RTO, then rejects with StunTimeoutError', async () => {
    const silent = await udpSocket();
    const arrivals: number[] = [];
    silent.on('message', () => arrivals.push(performance.now()));
    const rto = 60;
    const error = (await rejection(stunBindingRequest({ destination: { address: '127.0.0.1', port: silent.address().port }, rto, rc: 4, rm: 2 }))) as StunTimeoutError;
    expect(error).toBeInstanceOf(StunTimeoutError);
    expect(error.attempts).toBe(4);
    // Sends at 0, RTO, 3 RTO, 7 RTO; gives up at 7 RTO + 2 RTO.
    expect(error.elapsedMs).toBeGreaterThanOrEqual(9 * rto - 5);
    expect(arrivals).toHaveLength(4);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(rto * 2 ** i - 10);
      expect(gap).toBeLessThan(rto * 2 ** i + 150);
    });
  });

  it('succeeds after lost requests and reports the attempts', async () => {
    const s = new StunServer();
    const lossy = await udpSocket();
    let seen = 0;
    lossy.on('message', (msg, rinfo) => {
      if (++seen <= 2) return; // lose the first two requests
      const reply = s.handle(msg, { family: 'IPv4', address: rinfo.address, port: rinfo.port });
      lossy.send(reply.response!, rinfo.port, rinfo.address);
    });
    const result = await stunBindingRequest({ destination: { address: '127.0.0.1', port: lossy.address().port }, rto: 30 });
    expect(result.attempts).toBe(3);
    expect(seen).toBe(3);
  });

  it('discards responses with bad integrity, bad fingerprint, another transaction or another source', async () => {
    const password = 'right-password-0123456';
    const responder = await udpSocket();
    const stranger = await udpSocket();
    responder.on('message', (msg, rinfo) => {
      const tid = StunMessage.decode(msg).transactionId;
      const mapped: TransportAddress = { family: 'IPv4', address: '198.51.100.9', port: 4242 };
      const make = (id: Uint8Array) => new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, id).xorMappedAddress(mapped);
      const badFp = make(tid).build({ integrityKey: password, fingerprint: true });
      badFp[badFp.length - 1] ^= 0xff;
      const otherTid = Uint8Array.from(tid);
      otherTid[0] ^= 1;
      const sends = [
        make(tid).build({ integrityKey: 'wrong', fingerprint: true }),
        badFp,
        make(otherTid).build({ integrityKey: password, fingerprint: true }),
        make(tid).build({ fingerprint: true }), // no integrity at all
      ];
      stranger.send(make(tid).build({ integrityKey: password, fingerprint: true }), rinfo.port, rinfo.address);
      for (const bytes of sends) responder.send(bytes, rinfo.port, rinfo.address);
      setTimeout(() => responder.send(make(tid).software('good').build({ integrityKey: password, fingerprint: true }), rinfo.port, rinfo.address), 30);
    });
    const result = await stunBindingRequest({ destination: { address: '127.0.0.1', port: responder.address().port }, password, rto: 1000, rc: 1, rm: 1 });
    expect(result.response.software).toBe('good');
    expect(result.integrityVerified).toBe(true);
    expect(result.mappedAddress).toEqual({ family: 'IPv4', address: '198.51.100.9', port: 4242 });
  });
});

describe('real Chromium and libjuice STUN traffic (fixtures)', () => {
  it('verifies real libjuice messages: its STUN server probe, its signed response and its signed check', () => {
    const rows = readFileSync(join(import.meta.dirname, '__fixtures__', 'libjuice-stun.txt'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(' '));
    const byLabel = new Map(rows.map(([label, password, hex]) => [label, { password, message: StunMessage.decode(Uint8Array.from(Buffer.from(hex, 'hex'))) }]));
    const probe = byLabel.get('server-request')!.message;
    expect(probe.cls).toBe(StunClass.Request);
    expect(probe.software).toBe('libjuice');
    expect(verifyFingerprint(probe)).toBe(true);
    const response = byLabel.get('check-response')!;
    expect(response.message.cls).toBe(StunClass.SuccessResponse);
    expect(response.message.xorMappedAddress?.family).toBe('IPv4');
    expect(verifyMessageIntegrity(response.message, response.password)).toBe(true);
    expect(verifyFingerprint(response.message)).toBe(true);
    const check = byLabel.get('check-request')!;
    expect(check.message.username).toMatch(/^spbk:/);
    expect(check.message.iceControlling).toBeTypeOf('bigint');
    expect(verifyMessageIntegrity(check.message, check.password)).toBe(true);
    expect(verifyMessageIntegrity(check.message, response.password)).toBe(false);
    expect(verifyFingerprint(check.message)).toBe(true);
  });

  it('verifies the MESSAGE-INTEGRITY and FINGERPRINT of real Chromium connectivity checks', () => {
    const checks = fixture('chrome-connectivity-checks.txt');
    expect(checks.length).toBeGreaterThan(0);
    for (const bytes of checks) {
      const m = StunMessage.decode(bytes);
      expect(m.cls).toBe(StunClass.Request);
      expect(m.username).toMatch(/^spbk:[A-Za-z0-9+/]{4,}$/);
      expect(m.iceControlling).toBeTypeOf('bigint');
      expect(m.useCandidate).toBe(true);
      expect(m.priority).toBe(0x6e001eff); // prflx, local preference 30, component 1
      expect(m.unknownAttributes.map((u) => [u.type, u.comprehensionRequired])).toEqual([[0xc057, false]]);
      expect(verifyMessageIntegrity(m, CHROME_CHECK_PASSWORD)).toBe(true);
      expect(verifyMessageIntegrity(m, CHROME_CHECK_PASSWORD.toUpperCase())).toBe(false);
      expect(verifyFingerprint(m)).toBe(true);
    }
  });

  it('answers real Chromium requests: gathering probes and credential-checked connectivity checks', () => {
    const from: TransportAddress = { family: 'IPv4', address: '127.0.0.1', port: 40000 };
    for (const bytes of fixture('chrome-stun-requests.txt')) {
      const reply = new StunServer().handle(bytes, from);
      expect(reply.record.outcome).toBe('success');
      expect(StunMessage.decode(reply.response!).xorMappedAddress).toEqual(from);
    }
    const checker = new StunServer({ credentials: (u) => (u.startsWith('spbk:') ? CHROME_CHECK_PASSWORD : undefined) });
    for (const bytes of fixture('chrome-connectivity-checks.txt')) {
      const reply = checker.handle(bytes, from);
      const response = StunMessage.decode(reply.response!);
      expect(response.cls).toBe(StunClass.SuccessResponse);
      expect(verifyMessageIntegrity(response, CHROME_CHECK_PASSWORD)).toBe(true);
      expect(verifyFingerprint(response)).toBe(true);
      expect(Buffer.from(response.transactionId)).toEqual(Buffer.from(bytes.subarray(8, 20)));
    }
  });
});
