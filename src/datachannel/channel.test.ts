import { createHash } from 'node:crypto';
import { cleanup } from 'node-datachannel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, type ChannelMessage } from './channel.js';
import { ChannelNotOpenError, InvalidChannelOptionError, MessageTooLargeError } from './errors.js';
import { createLoopbackPair, type LoopbackOptions, type LoopbackPair } from './loopback.js';
import type { Reliability } from './reliability.js';
import type { ChannelState } from './state.js';

/**
 * Tests here connect real node-datachannel peers. libdatachannel 0.24.5 (node-datachannel
 * 0.33.4) fails about 1 DTLS handshake in 30-60 on this machine with "certificate verify
 * failed" (a corrupted fingerprint byte; upstream fix paullouisageneau/libdatachannel#1567),
 * so each test may run once more. A second failure is a real one.
 */
const NATIVE_RETRY = { retry: 1 };

const pairs: LoopbackPair[] = [];
function newPair(options?: LoopbackOptions): LoopbackPair {
  const pair = createLoopbackPair(options);
  pairs.push(pair);
  return pair;
}

let pair: LoopbackPair;
beforeAll(() => {
  pair = newPair();
});
afterAll(async () => {
  for (const p of pairs) p.close();
  // Let node-datachannel deliver the close callbacks before tearing the library down.
  await new Promise((resolve) => setTimeout(resolve, 200));
  cleanup();
});

/** Collects the next `count` messages of a channel. */
function collect(channel: Channel, count: number): Promise<ChannelMessage[]> {
  const got: ChannelMessage[] = [];
  return new Promise((resolve) => {
    const off = channel.on('message', (m) => {
      got.push(m);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

/** Sends every message back on the channel it came from. */
function echo(channel: Channel): void {
  channel.on('message', (m) => void channel.send(m));
}

/** Binary messages as plain arrays, text as is: Buffers and Uint8Arrays compare equal this way. */
function plain(messages: ChannelMessage[]): (string | number[])[] {
  return messages.map((m) => (typeof m === 'string' ? m : [...m]));
}

function sha256(messages: Iterable<ChannelMessage>): string {
  const h = createHash('sha256');
  for (const m of messages) h.update(typeof m === 'string' ? Buffer.from(m, 'utf8') : m);
  return h.digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift32), so payloads differ message to message. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('Channel over real node-datachannel peers on loopback', NATIVE_RETRY, () => {
  it('echoes 1,000 text messages in order, verified by SHA-256', async () => {
    const { local, remote } = await pair.openChannel({ label: 'text-echo' });
    echo(remote);
    const sent = Array.from({ length: 1000 }, (_, i) => `message ${i}: ${'é€😀'.repeat(i % 7)} ${i * 7919}`);
    const received = collect(local, sent.length);
    for (const m of sent) await local.send(m);
    const got = await received;
    expect(got.every((m) => typeof m === 'string')).toBe(true);
    expect(sha256(got)).toBe(sha256(sent));
    expect(got).toEqual(sent);
    // Descriptions and candidates crossed without node-datachannel complaining.
    expect(pair.errors).toEqual([]);
  });

  it('echoes 1,000 binary messages in order, verified by SHA-256', async () => {
    const { local, remote } = await pair.openChannel({ label: 'binary-echo' });
    echo(remote);
    const sent = Array.from({ length: 1000 }, (_, i) => bytes(1 + ((i * 37) % 4000), i + 1));
    const received = collect(local, sent.length);
    for (const m of sent) await local.send(m);
    const got = await received;
    expect(got.every((m) => m instanceof Uint8Array)).toBe(true);
    expect(sha256(got)).toBe(sha256(sent));
    expect(got.map((m) => m.length)).toEqual(sent.map((m) => m.length));
  });

  it('an unordered channel delivers every message (same content set)', async () => {
    const { local, remote } = await pair.openChannel({ label: 'unordered', reliability: { kind: 'reliable', ordered: false } });
    expect(local.reliability).toEqual({ kind: 'reliable', ordered: false });
    const sent = Array.from({ length: 500 }, (_, i) => `u${i}`);
    const received = collect(remote, sent.length);
    for (const m of sent) await local.send(m);
    const got = (await received) as string[];
    expect(got).toHaveLength(sent.length);
    expect(new Set(got)).toEqual(new Set(sent));
  });

  it('partially reliable channels open and carry messages in both directions', async () => {
    const modes: Reliability[] = [
      { kind: 'max-retransmits', maxRetransmits: 3, ordered: false },
      { kind: 'max-retransmits', maxRetransmits: 0, ordered: true },
      { kind: 'max-packet-lifetime', maxPacketLifeTime: 150, ordered: false },
      { kind: 'max-packet-lifetime', maxPacketLifeTime: 500, ordered: true },
    ];
    for (const [i, reliability] of modes.entries()) {
      const { local, remote } = await pair.openChannel({ label: `partial-${i}`, reliability, protocol: `proto-${i}` });
      expect(local.reliability).toEqual(reliability);
      // The label and sub-protocol travel in DATA_CHANNEL_OPEN (RFC 8832 section 5.1).
      expect(remote.label).toBe(`partial-${i}`);
      expect(remote.protocol).toBe(`proto-${i}`);
      expect(remote.id).toBe(local.id);
      // node-datachannel 0.33 exposes no reliability getter on the receiving side.
      expect(remote.reliability).toBeUndefined();
      const there = collect(remote, 1);
      await local.send('ping');
      expect(await there).toEqual(['ping']);
      const back = collect(local, 1);
      await remote.send(Uint8Array.of(i, 0xff));
      expect(plain(await back)).toEqual([[i, 0xff]]);
    }
  });

  it('an out-of-band negotiated channel (same id on both peers) carries messages without DCEP', async () => {
    const { local, remote } = await pair.openChannel({ label: 'negotiated', negotiated: { id: 700 } });
    expect(local.id).toBe(700);
    expect(remote.id).toBe(700);
    const got = collect(remote, 2);
    await local.send('a');
    await local.send(Uint8Array.of(1, 2, 3));
    expect(plain(await got)).toEqual(['a', [1, 2, 3]]);
  });

  it('reports state transitions in order, including a close from the remote side', async () => {
    // A fresh pair: on a connected one node-datachannel opens new channels at once.
    const fresh = newPair();
    const local = Channel.create(fresh.offerer, { label: 'states' });
    const localLog: string[] = [];
    local.on('statechange', ({ from, to }) => localLog.push(`${from}->${to}`));
    for (const e of ['open', 'closing', 'closed'] as const) local.on(e, () => localLog.push(e));
    expect(local.state).toBe('connecting');
    const remote = Channel.wrap(await fresh.accept('states'));
    const remoteLog: string[] = [];
    remote.on('statechange', ({ from, to }) => remoteLog.push(`${from}->${to}`));
    await local.opened();
    expect(local.state).toBe('open');
    expect(remote.state).toBe('open');
    // The remote side closes; the local side sees it through the SCTP stream reset.
    remote.close();
    expect(remote.state).toBe('closing');
    await Promise.all([local.closed(), remote.closed()]);
    expect(localLog).toEqual(['connecting->open', 'open', 'open->closing', 'closing', 'closing->closed', 'closed']);
    expect(remoteLog).toEqual(['open->closing', 'closing->closed']);
    const states: ChannelState[] = [local.state, remote.state];
    expect(states).toEqual(['closed', 'closed']);
  });

  it('send on a closed channel rejects with ChannelNotOpenError, sendNow throws it', async () => {
    const { local, remote } = await pair.openChannel({ label: 'closed-send' });
    local.close();
    await Promise.all([local.closed(), remote.closed()]);
    await expect(local.send('late')).rejects.toBeInstanceOf(ChannelNotOpenError);
    await expect(remote.send('late')).rejects.toMatchObject({ state: 'closed', code: 'not-open' });
    expect(() => local.sendNow(Uint8Array.of(1))).toThrow(ChannelNotOpenError);
    expect(local.stats.messagesSent).toBe(0);
  });

  it('send on a channel still connecting rejects with ChannelNotOpenError', async () => {
    const fresh = newPair();
    const local = Channel.create(fresh.offerer, { label: 'early-send' });
    expect(local.state).toBe('connecting');
    const accepted = fresh.accept('early-send');
    await expect(local.send('too early')).rejects.toMatchObject({ name: 'ChannelNotOpenError', state: 'connecting' });
    const remote = Channel.wrap(await accepted);
    await local.opened();
    local.close();
    await remote.closed();
  });

  it('a send waiting for the buffer to drain rejects when the channel closes', async () => {
    const { local, remote } = await pair.openChannel({ label: 'pending', highWaterMark: 64 * 1024, lowWaterMark: 1024 });
    remote.on('message', () => undefined);
    const block = bytes(60_000, 9);
    for (let i = 0; i < 100; i++) local.sendNow(block);
    expect(local.bufferedAmount).toBeGreaterThan(local.highWaterMark);
    const waiting = local.send(block);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The message is waiting for the buffer (6 MB) to drain below 64 KiB.
    expect(local.stats.backpressureWaits).toBe(1);
    expect(local.stats.messagesSent).toBe(100);
    local.close();
    await expect(waiting).rejects.toBeInstanceOf(ChannelNotOpenError);
    expect(local.stats.messagesSent).toBe(100);
    await remote.closed();
  });

  it('Channel.create rejects maxRetransmits together with maxPacketLifeTime before creating anything', () => {
    const both = { kind: 'max-retransmits', maxRetransmits: 2, maxPacketLifeTime: 100, ordered: true } as unknown as Reliability;
    expect(() => Channel.create(pair.offerer, { label: 'both', reliability: both })).toThrow(InvalidChannelOptionError);
    expect(() => Channel.create(pair.offerer, { label: 'bad-marks', highWaterMark: 100, lowWaterMark: 100 })).toThrow(
      InvalidChannelOptionError,
    );
  });
});

describe('maximum message size (RFC 8841 section 6)', NATIVE_RETRY, () => {
  it('a message exactly at the limit arrives; one byte above fails with MessageTooLargeError before anything is sent', async () => {
    const small = newPair({ answerer: { maxMessageSize: 20_000 } });
    const { local, remote } = await small.openChannel({ label: 'max-size' });
    // The offerer reads the answerer's a=max-message-size:20000.
    expect(local.maxMessageSize).toBe(20_000);
    const received = collect(remote, 2);
    await local.send(bytes(20_000, 1));
    const before = { buffered: local.bufferedAmount, sent: local.stats.messagesSent };
    const error = await local.send(bytes(20_001, 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ size: 20_001, limit: 20_000, code: 'message-too-large' });
    // Text counts in UTF-8 bytes: 10,001 two-byte characters are 20,002 bytes.
    expect(() => local.sendNow('é'.repeat(10_001))).toThrow(MessageTooLargeError);
    expect({ buffered: local.bufferedAmount, sent: local.stats.messagesSent }).toEqual(before);
    await local.send('after');
    const got = await received;
    expect((got[0] as Uint8Array).length).toBe(20_000);
    expect(got[1]).toBe('after');
  });

  it('a remote description without a=max-message-size limits messages to 64 KiB', async () => {
    const absent = newPair({
      rewriteDescription: (sdp, _type, from) => (from === 'answerer' ? sdp.replace(/a=max-message-size:\d+\r\n/, '') : sdp),
    });
    const { local, remote } = await absent.openChannel({ label: 'absent' });
    expect(absent.offerer.remoteDescription()?.sdp).not.toContain('max-message-size');
    expect(local.maxMessageSize).toBe(65_536);
    const received = collect(remote, 1);
    await expect(local.send(bytes(65_537, 3))).rejects.toMatchObject({ size: 65_537, limit: 65_536 });
    await local.send(bytes(65_536, 4));
    expect(((await received)[0] as Uint8Array).length).toBe(65_536);
  });

  it('a=max-message-size:0 lifts the remote limit, leaving only the local one', async () => {
    // The answerer can take 400,000 bytes but advertises 0 (no limit); the offerer's own
    // maximum, 300,000, is then the only bound.
    const zero = newPair({
      offerer: { maxMessageSize: 300_000 },
      answerer: { maxMessageSize: 400_000 },
      rewriteDescription: (sdp, _type, from) => (from === 'answerer' ? sdp.replace(/a=max-message-size:\d+/, 'a=max-message-size:0') : sdp),
    });
    const { local, remote } = await zero.openChannel({ label: 'zero' });
    expect(zero.offerer.remoteDescription()?.sdp).toContain('a=max-message-size:0');
    expect(local.maxMessageSize).toBe(300_000);
    const received = collect(remote, 1);
    await local.send(bytes(300_000, 5));
    expect(((await received)[0] as Uint8Array).length).toBe(300_000);
  });
});

describe('backpressure', NATIVE_RETRY, () => {
  it('sending 50 MB through send() never lets bufferedAmount exceed the high-water mark by more than one message', async () => {
    const highWaterMark = 1024 * 1024;
    const size = 64 * 1024;
    const total = 50 * 1024 * 1024;
    const { local, remote } = await pair.openChannel({ label: 'bulk', highWaterMark, lowWaterMark: 256 * 1024 });
    const count = total / size;
    const inHash = createHash('sha256');
    let receivedBytes = 0;
    let receivedMessages = 0;
    const done = new Promise<void>((resolve) => {
      remote.on('message', (m) => {
        inHash.update(m as Uint8Array);
        receivedBytes += (m as Uint8Array).length;
        if (++receivedMessages === count) resolve();
      });
    });
    const outHash = createHash('sha256');
    const block = bytes(size, 77);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, local.bufferedAmount)), 1);
    for (let i = 0; i < count; i++) {
      const chunk = new Uint8Array(block);
      new DataView(chunk.buffer).setUint32(0, i);
      outHash.update(chunk);
      await local.send(chunk);
      peak = Math.max(peak, local.bufferedAmount);
    }
    await done;
    clearInterval(sampler);
    expect(peak).toBeLessThanOrEqual(highWaterMark + size);
    // The buffer really filled up and the producer really waited: the bound was exercised.
    expect(peak).toBeGreaterThan(highWaterMark / 2);
    expect(local.stats.backpressureWaits).toBeGreaterThan(0);
    expect(receivedBytes).toBe(total);
    expect(inHash.digest('hex')).toBe(outHash.digest('hex'));
  });

  it('without send(), sendNow lets the buffer grow far past the high-water mark', async () => {
    const { local, remote } = await pair.openChannel({ label: 'unbounded', highWaterMark: 256 * 1024 });
    const got = collect(remote, 64);
    const block = bytes(64 * 1024, 3);
    for (let i = 0; i < 64; i++) local.sendNow(block);
    expect(local.bufferedAmount).toBeGreaterThan(2 * local.highWaterMark);
    expect(local.stats.backpressureWaits).toBe(0);
    await got;
  });

  it('bufferedamountlow fires once the buffer drains to the low-water mark', async () => {
    const { local, remote } = await pair.openChannel({ label: 'low', highWaterMark: 512 * 1024, lowWaterMark: 128 * 1024 });
    remote.on('message', () => undefined);
    // node-datachannel queues its events: one for a crossing during the loop below can arrive
    // after the loop, when the buffer is full again. Wait for one that finds it drained.
    const low = new Promise<number>((resolve) => {
      local.on('bufferedamountlow', ({ bufferedAmount }) => {
        if (bufferedAmount <= local.lowWaterMark) resolve(bufferedAmount);
      });
    });
    for (let i = 0; i < 40; i++) local.sendNow(bytes(64 * 1024, i));
    expect(local.bufferedAmount).toBeGreaterThan(local.lowWaterMark);
    expect(await low).toBeLessThanOrEqual(local.lowWaterMark);
  }, 10_000);
});
