/**
 * The playout-delay header extension (webrtc.org experiments): negotiated only where the
 * remote offers it, and stamped with the asked delays on every video packet we send.
 */
import { cleanup } from 'node-datachannel';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChromeH264 } from './__fixtures__/media.js';
import { NodeReceiver, until } from './__fixtures__/receiver.js';
import { playoutDelayBytes } from './constants.js';
import { Peer } from './peer.js';

const media = loadChromeH264();
const open: { close(): void }[] = [];
afterAll(async () => {
  for (const o of open.splice(0).reverse()) o.close();
  await new Promise((r) => setTimeout(r, 100));
  cleanup();
});

/** A connected pair (a second try after libdatachannel's occasional DTLS failure, docs/peer.md). */
async function connected(peerDelay: { minMs: number; maxMs: number } | undefined, offeredId: number | undefined): Promise<{ peer: Peer; receiver: NodeReceiver; answer: string }> {
  for (let attempt = 1; ; attempt++) {
    const peer = new Peer({ bindAddress: '127.0.0.1', playoutDelay: peerDelay });
    const receiver = new NodeReceiver({ playoutDelayId: offeredId });
    open.push(peer, receiver);
    await receiver.connect(peer);
    const answer = receiver.answer;
    const ready = () => peer.connectionState === 'connected' && peer.video!.isOpen && receiver.videoTrack.isOpen();
    const failed = () => ['failed', 'closed'].includes(peer.connectionState) || ['failed', 'closed'].includes(receiver.pc.state());
    await until(() => ready() || failed(), 8_000, 'connected').catch(() => undefined);
    if (ready()) return { peer, receiver, answer };
    if (attempt === 2) throw new Error(`no connection twice in a row (${peer.connectionState})`);
    console.warn('[playout-delay.test] no connection; libdatachannel DTLS failure? retrying with a new pair');
  }
}

function sendSome(peer: Peer): void {
  for (const unit of media.units.slice(0, 10)) peer.video!.sendAccessUnit(unit.nalUnits, Math.round(unit.atMs * 90));
}

describe('playout delay', () => {
  it('encodes minimum and maximum as two 12-bit counts of 10 ms', () => {
    expect([...playoutDelayBytes(0, 0)]).toEqual([0, 0, 0]);
    expect([...playoutDelayBytes(100, 400)]).toEqual([0x00, 0xa0, 0x28]);
    expect([...playoutDelayBytes(40_950, 40_950)]).toEqual([0xff, 0xff, 0xff]);
  });

  it('refuses delays the extension cannot carry', () => {
    expect(() => new Peer({ playoutDelay: { minMs: 50, maxMs: 10 } })).toThrow(RangeError);
    expect(() => new Peer({ playoutDelay: { minMs: 0, maxMs: 50_000 } })).toThrow(RangeError);
    expect(() => new Peer({ playoutDelay: { minMs: -10, maxMs: 0 } })).toThrow(RangeError);
  });

  it('answers an offer carrying the extension with it and stamps every video packet with the asked delays', async () => {
    const { peer, receiver, answer } = await connected({ minMs: 0, maxMs: 100 }, 7);
    expect(answer).toMatch(/a=extmap:7 http:\/\/www\.webrtc\.org\/experiments\/rtp-hdrext\/playout-delay/);
    sendSome(peer);
    await until(() => receiver.videoPackets.length >= 10, 10_000, '10 video packets');
    for (const p of receiver.videoPackets) expect([...(p.getExtension(7) ?? [])]).toEqual([0x00, 0x00, 0x0a]);
  }, 30_000);

  it('sends no such extension when the offer lacks it, or when not asked to', async () => {
    for (const [delay, offered] of [[{ minMs: 0, maxMs: 0 }, undefined], [undefined, 7]] as const) {
      const { peer, receiver, answer } = await connected(delay, offered);
      expect(answer).not.toMatch(/playout-delay/);
      sendSome(peer);
      await until(() => receiver.videoPackets.length >= 10, 10_000, '10 video packets');
      for (const p of receiver.videoPackets) expect(p.getExtension(7)).toBeUndefined();
    }
  }, 60_000);
});
