/**
 * Receiving Opus: two of our Peers on loopback (real ICE, DTLS, SRTP through node-datachannel),
 * each sending a tone to the other on one send-and-receive audio track, and a receive-only
 * answer to a send-only offer. The ReorderBuffer and the AudioReceiver's parsing are tested
 * without the network in reorder.test.ts.
 */
import { cleanup } from 'node-datachannel';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePackets, measureTone, ToneFeed } from './__fixtures__/audio.js';
import { until } from './__fixtures__/receiver.js';
import { Peer, type PeerOptions } from './peer.js';
import type { AudioPacket } from './receiver.js';

const open: { close(): void }[] = [];
/** ICE on loopback takes 15 ms to 1 s here; the 2-core machine is shared, so allow more. */
const CONNECT_MS = 10_000;
/** 2 s of 20 ms packets. */
const PACKETS = 100;

afterAll(async () => {
  for (const o of open) o.close();
  await new Promise((r) => setTimeout(r, 100));
  cleanup();
});

/**
 * Offerer and answerer on loopback, candidates trickled both ways. libdatachannel 0.24.5 now
 * and then fails the DTLS handshake between two peers of one process (docs/peer.md), more often
 * on a loaded machine (twice in a row seen in CI): then the pair is dropped and made again, up
 * to three times.
 */
async function connectPair(offerer: PeerOptions, answerer: PeerOptions): Promise<{ a: Peer; b: Peer; offer: string; answer: string }> {
  for (let attempt = 1; ; attempt++) {
    const a = new Peer({ bindAddress: '127.0.0.1', video: false, srIntervalMs: 200, ...offerer, name: 'offerer' });
    const b = new Peer({ bindAddress: '127.0.0.1', video: false, srIntervalMs: 200, ...answerer, name: 'answerer' });
    open.push(a, b);
    a.on('candidate', ({ candidate, mid }) => !b.closed && b.addRemoteCandidate(candidate, mid));
    b.on('candidate', ({ candidate, mid }) => !a.closed && a.addRemoteCandidate(candidate, mid));
    const offer = await a.createOffer();
    const answer = await b.acceptOffer(offer.sdp);
    await a.acceptAnswer(answer.sdp);
    const tracksOpen = (p: Peer) => p.connectionState === 'connected' && (p.audio?.isOpen ?? true);
    const ready = () => tracksOpen(a) && tracksOpen(b);
    const failed = () => [a, b].some((p) => ['failed', 'closed'].includes(p.connectionState));
    await until(() => ready() || failed(), CONNECT_MS, 'connected').catch(() => undefined);
    if (ready()) return { a, b, offer: offer.sdp, answer: answer.sdp };
    const states = `offerer ${a.connectionState}/${a.iceConnectionState}, answerer ${b.connectionState}/${b.iceConnectionState}`;
    a.close();
    b.close();
    if (attempt === 3) throw new Error(`no connection three times in a row (${states})`);
    console.warn(`[receive.test] no connection (${states}); libdatachannel's DTLS failure? retrying with a new pair`);
  }
}

/** Sends `count` packets of a `frequency` Hz tone from `from`'s AudioSender (real time). */
async function feedTone(from: Peer, frequency: number, count: number): Promise<void> {
  const feed = new ToneFeed(from.audio!, frequency, count);
  open.push({ close: () => feed.stop() });
  await feed.done;
}

/** Sends a tone from `from` and returns the first `count` packets `to` delivered. */
async function sendTone(from: Peer, to: Peer, frequency: number, count: number): Promise<AudioPacket[]> {
  const got: AudioPacket[] = [];
  to.on('audioPacket', (p) => got.push(p));
  await feedTone(from, frequency, count);
  await until(() => got.length >= count, 10_000, `${count} packets (got ${got.length})`);
  return got.slice(0, count);
}

const audioDirection = (sdp: string) => /m=audio[\s\S]*?a=(sendrecv|sendonly|recvonly|inactive)/.exec(sdp)?.[1];

describe('Peer receiving Opus from another Peer over loopback', () => {
  it('two Peers send each other 2 s of Opus tone on one sendrecv track: every packet arrives in order, none lost, and decodes to the tone sent (440 Hz one way, 1000 Hz the other)', async () => {
    const { a, b, offer, answer } = await connectPair({ receiveAudio: true }, { receiveAudio: true });
    expect(audioDirection(offer)).toBe('sendrecv');
    expect(audioDirection(answer)).toBe('sendrecv');
    const atA: AudioPacket[] = [];
    const atB: AudioPacket[] = [];
    a.on('audioPacket', (p) => atA.push(p));
    b.on('audioPacket', (p) => atB.push(p));
    const feeds = [new ToneFeed(a.audio!, 440, PACKETS), new ToneFeed(b.audio!, 1000, PACKETS)];
    open.push(...feeds.map((f) => ({ close: () => f.stop() })));
    await Promise.all(feeds.map((f) => f.done));
    await until(() => atA.length >= PACKETS && atB.length >= PACKETS, 10_000, `${PACKETS} packets each way (A has ${atA.length}, B has ${atB.length})`);
    // Our SRs carry the report block about the other's stream (RFC 3550 6.4.1): wait for one each way.
    await until(() => a.audio!.remote.reports > 0 && b.audio!.remote.reports > 0, 5000, 'report blocks about each stream');
    const figures: string[] = [];
    for (const [name, got, from, frequency] of [['A', atA, b, 1000], ['B', atB, a, 440]] as const) {
      expect(got.length).toBe(PACKETS);
      expect(got.every((p) => p.lost === 0)).toBe(true);
      got.forEach((p, i) => {
        expect(p.sequenceNumber).toBe((got[0]!.sequenceNumber + i) & 0xffff);
        expect(p.rtpTimestamp).toBe((0x1000 + i * 960) >>> 0);
        expect(p.ssrc).toBe(from.audio!.ssrc);
        expect(p.samples).toBe(960);
      });
      const tone = measureTone(decodePackets(got).subarray(4800));
      figures.push(`${name} got ${got.length} packets, ${tone.frequency.toFixed(2)} Hz, RMS ${tone.rms.toFixed(3)}`);
      expect(Math.abs(tone.frequency - frequency)).toBeLessThan(2);
      expect(Math.abs(tone.rms - 0.5 / Math.SQRT2)).toBeLessThan(0.07);
    }
    for (const [peer, other] of [[a, b], [b, a]] as const) {
      const r = peer.getStats().receivers[0]!;
      expect(r).toMatchObject({ kind: 'audio', ssrc: other.audio!.ssrc, packetsReceived: PACKETS, packetsDelivered: PACKETS, lost: 0, duplicate: 0, late: 0, malformed: 0, otherPayloadType: 0, held: 0 });
      expect(r.senderReports).toBeGreaterThan(0);
      expect(r.receiverReportsSent).toBeGreaterThan(0);
      // RTP and RTCP share the track's message callback: nothing of the RTP reached the RTCP parser.
      const s = peer.audio!.getStats();
      expect(s.rtcp.malformed).toBe(0);
      expect(s.rtpIgnored).toBe(0);
      expect(s.remote.cumulativeLost).toBe(0);
    }
    console.log(`[receive] ${figures.join('; ')}; A's receiver ${JSON.stringify(a.getStats().receivers[0])}`);
  }, 30_000);

  it('under 10 % seeded loss at the sender every gap comes out as lost on the next packet, the counts match the drops, and the concealed tone keeps its frequency', async () => {
    const { a, b } = await connectPair({}, { receiveAudio: true });
    a.audio!.setLoss({ rate: 0.1, seed: 11 });
    const got: AudioPacket[] = [];
    b.on('audioPacket', (p) => got.push(p));
    await feedTone(a, 440, PACKETS);
    const dropped = a.audio!.loss.dropped;
    // Every packet not dropped arrives (loopback); the packet index is in its RTP timestamp.
    await until(() => got.length >= PACKETS - dropped, 10_000, `the ${PACKETS - dropped} packets not dropped (got ${got.length})`);
    const index = (p: AudioPacket) => (p.rtpTimestamp - 0x1000) / 960;
    const indices = got.map(index);
    const first = indices[0]!;
    const last = indices[indices.length - 1]!;
    const missing = last - first + 1 - got.length;
    got.forEach((p, i) => i > 0 && expect(p.lost).toBe(indices[i]! - indices[i - 1]! - 1));
    expect(got.reduce((n, p) => n + p.lost, 0)).toBe(missing);
    // Drops before the first or after the last packet received are no gap the receiver can see.
    expect(missing + first + (PACKETS - 1 - last)).toBe(dropped);
    expect(missing).toBeGreaterThan(0);
    const stats = b.getStats().receivers[0]!;
    expect(stats).toMatchObject({ lost: missing, duplicate: 0, late: 0, held: 0, packetsDelivered: got.length });
    // Our RR tells the sender (RFC 3550 A.3 cumulative lost).
    await until(() => a.audio!.remote.cumulativeLost === missing, 5000, `an RR with cumulative lost ${missing} (last ${a.audio!.remote.cumulativeLost})`);
    const tone = measureTone(decodePackets(got).subarray(4800));
    console.log(`[receive] 10 % loss: ${dropped} of ${PACKETS} dropped, ${missing} reported lost between the first and last packet received; concealed by libopus PLC: ${tone.frequency.toFixed(2)} Hz, RMS ${tone.rms.toFixed(3)}`);
    expect(Math.abs(tone.frequency - 440)).toBeLessThan(6);
  }, 30_000);

  it('answers a send-only audio offer recvonly when receiving, receives every packet and reports on it with its own RRs', async () => {
    const { a, b, offer, answer } = await connectPair({}, { receiveAudio: true });
    expect(audioDirection(offer)).toBe('sendonly');
    expect(audioDirection(answer)).toBe('recvonly');
    expect(b.audio).toBeUndefined();
    expect(b.audioReceiver).toBeDefined();
    const got = await sendTone(a, b, 440, 50);
    await until(() => a.audio!.remote.reports > 0, 5000, "the answerer's RR about our stream");
    expect(got.map((p) => p.lost)).toEqual(Array(50).fill(0));
    expect(Math.abs(measureTone(decodePackets(got).subarray(4800)).frequency - 440)).toBeLessThan(2);
    expect(b.getStats().receivers[0]).toMatchObject({ packetsDelivered: 50, lost: 0 });
    expect(b.getStats().receivers[0]!.receiverReportsSent).toBeGreaterThan(0);
    // The offerer's SRs reach the receive-only track on the same callback as its RTP.
    expect(b.getStats().receivers[0]!.senderReports).toBeGreaterThan(0);
    expect(a.audio!.remote.cumulativeLost).toBe(0);
  }, 30_000);

  it('a Peer without receiveAudio answers a sendrecv audio offer send-only; the offerer takes that answer and receives, and what it sends anyway never reaches the answerer', async () => {
    const { a, b, offer, answer } = await connectPair({ receiveAudio: true }, {});
    expect(audioDirection(offer)).toBe('sendrecv');
    expect(audioDirection(answer)).toBe('sendonly');
    expect(b.audioReceiver).toBeUndefined();
    const got = await sendTone(b, a, 1000, 25);
    expect(got.map((p) => p.lost)).toEqual(Array(25).fill(0));
    // The other way the answer says B does not receive. A's native track still takes the packets
    // (sendMessageBinary says yes), yet nothing reaches B's track callback: libdatachannel keeps
    // media off a track whose direction does not receive. node-datachannel's bytesSent and
    // bytesReceived stay 0 here: they count SCTP only (this pair has no data channel).
    await feedTone(a, 440, 25);
    await new Promise((r) => setTimeout(r, 500));
    const sentByA = a.audio!.getStats();
    const atB = b.audio!.getStats();
    console.log(`[receive] A to B on a section B answered sendonly: A sent ${sentByA.packetsSent} (send failures ${sentByA.sendFailures}); B's track got ${atB.rtpIgnored} RTP, ${atB.rtcp.malformed} malformed; transport bytes A sent ${a.getStats().transport.bytesSent}, B received ${b.getStats().transport.bytesReceived}`);
    expect(sentByA.packetsSent).toBe(25);
    expect(atB.rtpIgnored).toBe(0);
    expect(atB.rtcp.malformed).toBe(0);
  }, 30_000);
});
