/**
 * Real receivers for the Streamer tests: a Peer connected on 127.0.0.1 to a plain
 * node-datachannel receiver (src/peer/__fixtures__/receiver.ts: receive-only H.264 and Opus
 * tracks, our H264Depacketizer, RTCP built with src/rtp), with the once-retry for
 * libdatachannel's occasional DTLS failure (docs/peer.md).
 */
import { Peer } from '../../peer/index.js';
import { NodeReceiver, until } from '../../peer/__fixtures__/receiver.js';
import type { H264Frame } from '../../rtp/index.js';

export { until };

export interface Pair {
  peer: Peer;
  receiver: NodeReceiver;
  close(): void;
}

const CONNECT_MS = 8_000;

/** A Peer and a receiver whose tracks are all open; `beforeConnect` sees each new Peer before negotiation. */
export async function connectedPair(beforeConnect?: (peer: Peer) => void | Promise<void>): Promise<Pair> {
  for (let attempt = 1; ; attempt++) {
    const peer = new Peer({ bindAddress: '127.0.0.1', srIntervalMs: 200 });
    const receiver = new NodeReceiver();
    const close = () => {
      peer.close();
      receiver.close();
    };
    await beforeConnect?.(peer);
    await receiver.connect(peer);
    const ready = () => peer.connectionState === 'connected' && !!peer.video?.isOpen && !!peer.audio?.isOpen && receiver.videoTrack.isOpen() && receiver.audioTrack.isOpen();
    const failed = () => ['failed', 'closed'].includes(peer.connectionState) || ['failed', 'closed'].includes(receiver.pc.state());
    await until(() => ready() || failed(), CONNECT_MS, 'connected').catch(() => undefined);
    if (ready()) return { peer, receiver, close };
    close();
    if (attempt === 2) throw new Error('no loopback connection twice in a row');
  }
}

/** Frames the receiver has reassembled so far (complete ones are released on their marker packet). */
export function frames(pair: Pair): H264Frame[] {
  return pair.receiver.frames;
}

/** Video RTP payload bytes received so far. */
export function videoPayloadBytes(pair: Pair): number {
  return pair.receiver.videoPackets.reduce((n, p) => n + p.payload.length, 0);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** NAL unit type (ITU-T H.264 7.4.1) of each NAL unit of a frame. */
export function nalTypes(frame: H264Frame): number[] {
  return frame.nalUnits.map((n) => n[0]! & 0x1f);
}

export function hex(frame: H264Frame): string {
  return frame.nalUnits.map((n) => Buffer.from(n).toString('hex')).join('|');
}
