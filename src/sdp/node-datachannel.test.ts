/**
 * Real node-datachannel (libdatachannel) peers: the SDPs they generate must round-trip and
 * validate, a description we re-serialize after changing it must still connect two peers, and
 * an answer from `createAnswer` must be accepted by libdatachannel.
 */
import nodeDataChannel from 'node-datachannel';
import { afterAll, describe, expect, it } from 'vitest';
import { createAnswer, parse, validate } from './index.js';
import { H264_CONSTRAINED_BASELINE, OPUS, TEST_TRANSPORT } from './__fixtures__/capabilities.js';

/**
 * Tests here connect real node-datachannel peers. libdatachannel 0.24.5 (node-datachannel
 * 0.33.4) fails about 1 DTLS handshake in 30-60 on this machine with "certificate verify
 * failed" (a corrupted fingerprint byte; upstream fix paullouisageneau/libdatachannel#1567),
 * so each test may run once more. A second failure is a real one.
 */
const NATIVE_RETRY = { retry: 1 };

const { PeerConnection, Video, Audio, cleanup } = nodeDataChannel;
type Peer = InstanceType<typeof PeerConnection>;

const peers: Peer[] = [];
/**
 * Data channels and tracks stay referenced until their peer is closed: closing a peer whose
 * channel wrapper was already garbage-collected crashes the process (seen here, and noted in
 * src/ice/interop.test.ts).
 */
const children: { close(): void }[] = [];
function peer(name: string): Peer {
  const pc = new PeerConnection(name, { iceServers: [] });
  peers.push(pc);
  return pc;
}
function keep<T extends { close(): void }>(child: T): T {
  children.push(child);
  return child;
}

afterAll(async () => {
  for (const child of children) child.close();
  for (const pc of peers) pc.close();
  // Let libdatachannel finish closing before its threads are torn down.
  await new Promise((resolve) => setTimeout(resolve, 200));
  cleanup();
});

function within<T>(ms: number, what: string, start: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    start((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** The local description once ICE gathering is complete (candidates included). */
async function gathered(pc: Peer): Promise<{ sdp: string; type: string }> {
  if (pc.gatheringState() !== 'complete') {
    await within(5000, 'ICE gathering', (resolve) => pc.onGatheringStateChange((state) => state === 'complete' && resolve(undefined)));
  }
  return pc.localDescription()!;
}

function avOfferer(name: string): Peer {
  const pc = peer(name);
  const video = new Video('video', 'SendOnly');
  video.addH264Codec(96);
  video.addSSRC(4242, 'spellbook', 'stream', 'video-track');
  keep(pc.addTrack(video));
  const audio = new Audio('audio', 'SendRecv');
  audio.addOpusCodec(111);
  keep(pc.addTrack(audio));
  keep(pc.createDataChannel('chat'));
  return pc;
}

describe('node-datachannel SDP', NATIVE_RETRY, () => {
  it('round-trips and validates a generated data-only offer', async () => {
    const pc = peer('data-offer');
    keep(pc.createDataChannel('x'));
    const { sdp, type } = await gathered(pc);
    expect(type).toBe('offer');
    const description = parse(sdp);
    expect(description.toString()).toBe(sdp);
    expect(description.media.map((m) => m.isDataChannel)).toEqual([true]);
    expect(validate(description, { type: 'offer' })).toEqual([]);
  });

  it('round-trips and validates a generated audio, video and data offer', async () => {
    const pc = avOfferer('av-offer');
    const { sdp } = await gathered(pc);
    const description = parse(sdp);
    expect(description.toString()).toBe(sdp);
    expect(description.media.map((m) => [m.kind, m.mid])).toEqual([
      ['video', 'video'],
      ['audio', 'audio'],
      ['application', '0'],
    ]);
    const video = description.media[0];
    expect(video.direction).toBe('sendonly');
    expect(video.ssrcIds).toEqual([4242]);
    expect(video.fmtp(96)?.parameters.get('packetization-mode')).toBe('1');
    expect(description.media[0].candidates.length).toBeGreaterThan(0);
    expect(validate(description, { type: 'offer' })).toEqual([]);
  });

  it('round-trips and validates the answer node-datachannel generates', async () => {
    const offerer = avOfferer('answer-source');
    const offer = await gathered(offerer);
    const answerer = peer('answerer');
    answerer.setRemoteDescription(offer.sdp, 'offer');
    const answer = await gathered(answerer);
    expect(answer.type).toBe('answer');
    const description = parse(answer.sdp);
    expect(description.toString()).toBe(answer.sdp);
    const errors = validate(description, { type: 'answer', offer: parse(offer.sdp) }).filter((i) => i.severity === 'error');
    expect(errors).toEqual([]);
    expect(description.media[0].direction).toBe('recvonly');
  });

  it('connects two peers through descriptions changed and re-serialized by us', async () => {
    const a = peer('a');
    const b = peer('b');
    const channel = keep(a.createDataChannel('through-sdp'));
    const received = within<string>(10000, 'a message over the data channel', (resolve) =>
      b.onDataChannel((dc) => keep(dc).onMessage((msg) => resolve(String(msg)))),
    );
    const opened = within<void>(10000, 'the data channel to open', (resolve) => channel.onOpen(() => resolve()));
    // Awaited below; marked handled so a failure before that point is reported once, not twice.
    received.catch(() => undefined);

    const offer = parse((await gathered(a)).sdp);
    offer.setOrigin({ sessionVersion: '1' });
    offer.media[0].addAttribute('x-spellbook', 'kept');
    const offerText = offer.toString();
    expect(offerText).toContain('a=x-spellbook:kept');
    b.setRemoteDescription(offerText, 'offer');

    const answer = parse((await gathered(b)).sdp);
    answer.media[0].setAttribute('max-message-size', '65536');
    try {
      a.setRemoteDescription(answer.toString(), 'answer');
      await opened;
    } catch (error) {
      // Seen once in about 40 runs on the loaded 2-core machine: keep what explains it.
      const state = (pc: Peer) => `state ${pc.state()}, ice ${pc.iceState()}, signaling ${pc.signalingState()}, gathering ${pc.gatheringState()}`;
      throw new Error(`${(error as Error).message}\noffer side: ${state(a)}\nanswer side: ${state(b)}\noffer:\n${offerText}\nanswer:\n${answer}`);
    }
    channel.sendMessage('hello through our SDP');
    expect(await received).toBe('hello through our SDP');
    expect(a.maxMessageSize()).toBe(65536);
  });

  it('builds an answer node-datachannel accepts for its own audio, video and data offer', async () => {
    const pc = avOfferer('offerer-for-us');
    const offer = parse((await gathered(pc)).sdp);
    const answer = createAnswer(offer, {
      ...TEST_TRANSPORT,
      audio: { codecs: [OPUS] },
      video: { codecs: [H264_CONSTRAINED_BASELINE] },
    });
    expect(validate(answer, { type: 'answer', offer })).toEqual([]);
    pc.setRemoteDescription(answer.toString(), 'answer');
    expect(pc.signalingState()).toBe('stable');
    // libdatachannel re-writes the remote description it applied; read it back with our parser.
    const applied = parse(pc.remoteDescription()!.sdp);
    expect(applied.media.map((m) => [m.mid, m.direction, m.formats.join(' ')])).toEqual([
      ['video', 'recvonly', '96'],
      ['audio', 'sendrecv', '111'],
      ['0', 'sendrecv', 'webrtc-datachannel'],
    ]);
    expect(applied.transportOf(applied.media[0]).fingerprints[0].value).toBe(answer.media[0].fingerprints[0].value);
  });
});
