import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyI420Frame, psnr, SyntheticSource, type I420Frame } from '../../src/encoding/index.js';
import { isKeyAccessUnit, WebCodecsDecoder } from './index.js';

let chrome: WebCodecsDecoder;

beforeAll(async () => {
  chrome = await WebCodecsDecoder.launch();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
});

const pack = (f: I420Frame) => {
  const b = new Uint8Array(f.y.length + f.u.length + f.v.length);
  b.set(f.y);
  b.set(f.u, f.y.length);
  b.set(f.v, f.y.length + f.u.length);
  return b;
};

describe('WebCodecs harness', () => {
  it("round-trips pictures through Chromium's VideoEncoder and VideoDecoder", async () => {
    const src = new SyntheticSource({ width: 320, height: 240, clock: () => 0 });
    const frames = Array.from({ length: 6 }, () => copyI420Frame(src.next()));
    const { chunks, encodeMs } = await chrome.encode(frames.map(pack), {
      width: 320,
      height: 240,
      codec: 'avc1.42e01f',
      bitrate: 1_000_000,
      framerate: 30,
      keyInterval: 3,
    });
    expect(chunks.length).toBe(6);
    expect(encodeMs).toBeGreaterThan(0);
    expect(chunks.map((c) => c.key)).toEqual([true, false, false, true, false, false]);
    expect(chunks.map((c) => isKeyAccessUnit(c.data))).toEqual([true, false, false, true, false, false]);
    const pictures = await chrome.decode(chunks.map((c) => c.data), { codec: 'avc1.42e01f' });
    expect(pictures.map((p) => [p.width, p.height, p.timestamp])).toEqual(frames.map((_, i) => [320, 240, i]));
    for (let i = 0; i < 6; i++) expect(psnr(frames[i], { ...pictures[i] }).y).toBeGreaterThan(25);
  });

  it('reports a stream it cannot decode as an error', async () => {
    const garbage = Uint8Array.of(0, 0, 0, 1, 0x65, 0x88, 0x84, 0x21, 0xa0, 0, 0, 0, 1, 0x65, 0xff);
    await expect(chrome.decode([garbage], { codec: 'avc1.42e01f' })).rejects.toThrow(/WebCodecs decode failed/);
  });
});
