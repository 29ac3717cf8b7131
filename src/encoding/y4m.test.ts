import { describe, expect, it } from 'vitest';
import { offsetOf } from './__fixtures__/test-support.js';
import { copyI420Frame } from './frame.js';
import { SyntheticSource } from './synthetic.js';
import { Y4mReader, parseY4mHeader, writeY4m } from './y4m.js';

const text = (s: string) => new TextEncoder().encode(s);


describe('Y4M', () => {
  it('reads back the frames it writes, reusing one frame buffer', () => {
    const src = new SyntheticSource({ width: 96, height: 64, clock: () => 3 });
    const frames = [copyI420Frame(src.next()), copyI420Frame(src.next()), copyI420Frame(src.next())];
    const reader = new Y4mReader(writeY4m(frames, 30000, 1001));
    expect(reader.header).toMatchObject({ width: 96, height: 64, fpsNum: 30000, fpsDen: 1001, interlace: 'p', colorSpace: '420jpeg' });
    expect(reader.fps).toBeCloseTo(29.97, 2);
    const a = reader.next();
    expect(a && copyI420Frame(a)).toEqual(frames[0]);
    const b = reader.next();
    expect(b).toBe(a);
    expect(b && copyI420Frame(b)).toEqual(frames[1]);
    expect(reader.next() && true).toBe(true);
    expect(reader.next()).toBeNull();
  });

  it('parses the header ffmpeg writes, with frame parameters', () => {
    const h = parseY4mHeader(text('YUV4MPEG2 W1280 H720 F30:1 Ip A1:1 C420jpeg XYSCSS=420JPEG\n'));
    expect([h.width, h.height, h.fpsNum, h.fpsDen, h.headerLength]).toEqual([1280, 720, 30, 1, 59]);
    const head = text('YUV4MPEG2 W2 H2 F25:1 C420mpeg2\nFRAME Ixx\n');
    const bytes = new Uint8Array(head.length + 6);
    bytes.set(head);
    bytes.set([1, 2, 3, 4, 5, 6], head.length);
    const r = new Y4mReader(bytes);
    const f = r.next();
    expect(f && [Array.from(f.y), Array.from(f.u), Array.from(f.v)]).toEqual([[1, 2, 3, 4], [5], [6]]);
    expect(r.next()).toBeNull();
  });

  it('rejects other formats and damaged streams with the byte offset', () => {
    expect(offsetOf(() => parseY4mHeader(text('YUV4MPEG W2 H2 F1:1\n')))).toBe(0);
    expect(offsetOf(() => parseY4mHeader(text('YUV4MPEG2 W2 H2 F1:1 C422\n')))).toBe(0);
    expect(offsetOf(() => parseY4mHeader(text('YUV4MPEG2 W2 H2 F1:1 It\n')))).toBe(0);
    expect(offsetOf(() => parseY4mHeader(text('YUV4MPEG2 W2 Hx F1:1\n')))).toBe(13);
    expect(offsetOf(() => parseY4mHeader(text('YUV4MPEG2 W2 H2 F1:1')))).toBe(0);
    expect(() => parseY4mHeader(text('YUV4MPEG2 W3 H2 F1:1\n'))).toThrow(/size 3x2/);
    const good = writeY4m([copyI420Frame(new SyntheticSource({ width: 16, height: 16, stamp: false }).next())], 30);
    const truncated = good.subarray(0, good.length - 1);
    const r = new Y4mReader(truncated);
    const header = r.header.headerLength;
    expect(offsetOf(() => r.next())).toBe(header + 6);
    const bad = good.slice();
    bad[header + 4] = 0x58; // FRAMX
    expect(offsetOf(() => new Y4mReader(bad).next())).toBe(header);
  });
});
