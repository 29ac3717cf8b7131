/** Settings and option checks: every refusal is a ControlsError with a code and the field at fault. */
import { cleanup } from 'node-datachannel';
import { afterAll, describe, expect, it } from 'vitest';
import { Peer } from '../peer/index.js';
import { ControlsError, DEFAULT_VIDEO_SETTINGS, mergeSettings, settingsKey, Streamer } from './index.js';

const peers: Peer[] = [];
function newPeer(): Peer {
  const p = new Peer({ bindAddress: '127.0.0.1' });
  peers.push(p);
  return p;
}

afterAll(async () => {
  for (const p of peers) p.close();
  await new Promise((r) => setTimeout(r, 50));
  cleanup();
});

function refusal(fn: () => unknown): ControlsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ControlsError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('VideoSettings checks', () => {
  it('the defaults are 1280x720 at 30 fps and 2.5 Mbit/s', () => {
    expect(new Streamer({ audio: false }).video).toEqual({ width: 1280, height: 720, frameRate: 30, bitrateBps: 2_500_000 });
    expect(DEFAULT_VIDEO_SETTINGS).toEqual({ width: 1280, height: 720, frameRate: 30, bitrateBps: 2_500_000 });
  });

  it('bad settings throw ControlsError bad-settings naming the field', () => {
    const cases: [Partial<typeof DEFAULT_VIDEO_SETTINGS>, string][] = [
      [{ width: 641 }, 'width'],
      [{ height: 361 }, 'height'],
      [{ width: 32 }, 'width'],
      [{ width: 1920, height: 1080 }, 'height'],
      [{ width: 640.5 }, 'width'],
      [{ frameRate: 0 }, 'frameRate'],
      [{ frameRate: -30 }, 'frameRate'],
      [{ frameRate: Number.NaN }, 'frameRate'],
      [{ frameRate: 60 }, 'frameRate'],
      [{ bitrateBps: 10_000 }, 'bitrateBps'],
      [{ bitrateBps: 20_000_000 }, 'bitrateBps'],
    ];
    for (const [change, field] of cases) {
      const e = refusal(() => mergeSettings(DEFAULT_VIDEO_SETTINGS, change));
      expect(e.code, JSON.stringify(change)).toBe('bad-settings');
      expect(e.field, JSON.stringify(change)).toBe(field);
    }
    // 1280x720 at 60 fps is over level 3.1's 108,000 macroblocks/s; 640x360 at 60 is not.
    expect(mergeSettings(DEFAULT_VIDEO_SETTINGS, { width: 640, height: 360, frameRate: 60 }).frameRate).toBe(60);
    expect(refusal(() => mergeSettings(DEFAULT_VIDEO_SETTINGS, { foo: 1 } as never)).field).toBe('foo');
  });

  it('equal settings give equal keys, any difference another key', () => {
    const a = mergeSettings(DEFAULT_VIDEO_SETTINGS, { width: 640, height: 360 });
    expect(settingsKey(a)).toBe(settingsKey({ ...a }));
    for (const change of [{ width: 320 }, { height: 180 }, { frameRate: 15 }, { bitrateBps: 800_000 }]) expect(settingsKey(mergeSettings(a, change))).not.toBe(settingsKey(a));
  });
});

describe('Streamer refusals', () => {
  it('bad options, a closed peer, a duplicate or unknown id and a closed streamer throw typed errors', async () => {
    expect(refusal(() => new Streamer({ workers: 0 })).code).toBe('bad-option');
    expect(refusal(() => new Streamer({ keyframeIntervalS: -1 })).code).toBe('bad-option');
    expect(refusal(() => new Streamer({ audio: { bitrateBps: 1000 } })).field).toBe('audio.bitrateBps');
    expect(refusal(() => new Streamer({ video: { width: 100, height: 75 } })).code).toBe('bad-settings');
    const s = new Streamer({ audio: false, workers: 1, video: { width: 320, height: 180 } });
    const closedPeer = newPeer();
    closedPeer.close();
    expect(refusal(() => s.subscribe(closedPeer)).code).toBe('peer-closed');
    const peer = newPeer();
    try {
      const sub = s.subscribe(peer, { id: 'x' });
      expect(sub.settings).toEqual({ width: 320, height: 180, frameRate: 30, bitrateBps: 2_500_000 });
      expect(refusal(() => s.subscribe(newPeer(), { id: 'x' })).code).toBe('duplicate-subscriber');
      expect(refusal(() => s.subscribe(peer, { id: 'y' })).code).toBe('duplicate-subscriber');
      expect(refusal(() => s.setVideo({ bitrateBps: 800_000 }, 'nope')).code).toBe('unknown-subscriber');
      expect(refusal(() => s.unsubscribe('nope')).code).toBe('unknown-subscriber');
      // A refused change leaves everything as it was.
      expect(refusal(() => s.setVideo({ width: 320, height: 181 })).code).toBe('bad-settings');
      expect(s.video.height).toBe(180);
      expect(sub.settings.height).toBe(180);
      expect(refusal(() => sub.recordReceiverLatency(-1)).code).toBe('bad-option');
      expect(s.getStats().encodes).toBe(1);
    } finally {
      await s.close();
      peer.close();
    }
    expect(s.getStats().encodes).toBe(0);
    expect(refusal(() => s.subscribe(newPeer())).code).toBe('closed');
    expect(refusal(() => s.setVideo({ bitrateBps: 800_000 })).code).toBe('closed');
  });
});
