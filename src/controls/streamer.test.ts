/**
 * The Streamer against real receivers: Peers over node-datachannel (ICE, DTLS, SRTP on
 * 127.0.0.1) to plain node-datachannel receivers that depacketize with src/rtp. Small
 * pictures (320x180 and 160x90) keep the 2-core machine free; one worker per encode.
 */
import { cleanup } from 'node-datachannel';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseSps } from '../../harness/h264-sps.js';
import { GenericNack, PictureLossIndication, ReceiverReport } from '../rtp/index.js';
import { connectedPair, frames, hex, nalTypes, sleep, until, videoPayloadBytes, type Pair } from './__fixtures__/loopback.js';
import { Streamer, type StreamerOptions } from './index.js';

const SMALL = { width: 320, height: 180, frameRate: 30, bitrateBps: 400_000 };
const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

afterAll(async () => {
  await sleep(100);
  cleanup();
});

function streamer(options: StreamerOptions = {}): Streamer {
  const s = new Streamer({ video: SMALL, audio: false, workers: 1, keyframeIntervalS: 0, ...options });
  open.push(s);
  return s;
}

async function pairs(n: number): Promise<Pair[]> {
  const out: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const p = await connectedPair();
    open.push(p);
    out.push(p);
  }
  return out;
}

describe('Streamer over loopback', () => {
  it('subscribers with equal settings share one encode and receive identical access units', async () => {
    const [a, b] = await pairs(2);
    const s = streamer();
    s.subscribe(a!.peer, { id: 'a' });
    s.subscribe(b!.peer, { id: 'b' });
    await s.start();
    await until(() => frames(a!).length >= 15 && frames(b!).length >= 15, 10_000, '15 frames each');
    const stats = s.getStats();
    expect(stats.encodes).toBe(1);
    expect(stats.renditions[0]!.subscribers).toEqual(['a', 'b']);
    const fa = frames(a!).slice(0, 15);
    const fb = frames(b!).slice(0, 15);
    expect(fa[0]!.keyframe).toBe(true);
    expect(fa.map(hex)).toEqual(fb.map(hex));
    // Same capture instants: equal timestamp steps under each stream's own random offset.
    const steps = (f: typeof fa) => f.slice(1).map((x, i) => (x.timestamp - f[i]!.timestamp) >>> 0);
    expect(steps(fa)).toEqual(steps(fb));
    expect(fa.every((f) => f.complete)).toBe(true);
  });
});
