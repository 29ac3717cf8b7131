import { describe, expect, it } from 'vitest';
import { offsetOf } from './__fixtures__/test-support.js';
import { parseWav, writeWav } from './wav.js';


describe('WAV', () => {
  it('reads back 16-bit PCM it writes', () => {
    const s = Int16Array.from({ length: 960 * 2 }, (_, i) => ((i * 977) % 65536) - 32768);
    const a = parseWav(writeWav(s, 48000, 2));
    expect([a.sampleRate, a.channels, a.frames]).toEqual([48000, 2, 960]);
    expect(a.samples).toEqual(s);
  });

  it('skips unknown chunks with their padding and accepts WAVE_FORMAT_EXTENSIBLE PCM', () => {
    const plain = writeWav(Int16Array.of(1, -2, 3), 16000, 1);
    // insert an odd-sized LIST chunk (3 bytes + 1 pad) between RIFF header and fmt
    const list = Uint8Array.of(0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0);
    const withList = new Uint8Array(plain.length + list.length);
    withList.set(plain.subarray(0, 12));
    withList.set(list, 12);
    withList.set(plain.subarray(12), 24);
    expect(Array.from(parseWav(withList).samples)).toEqual([1, -2, 3]);
    // extensible: fmt chunk of 40 bytes, sub-format GUID starting with 0x0001
    const ext = new Uint8Array(12 + 48 + 8 + 4);
    const v = new DataView(ext.buffer);
    ext.set(new TextEncoder().encode('RIFF'), 0);
    v.setUint32(4, ext.length - 8, true);
    ext.set(new TextEncoder().encode('WAVEfmt '), 8);
    v.setUint32(16, 40, true);
    v.setUint16(20, 0xfffe, true);
    v.setUint16(22, 1, true);
    v.setUint32(24, 8000, true);
    v.setUint32(28, 16000, true);
    v.setUint16(32, 2, true);
    v.setUint16(34, 16, true);
    v.setUint16(44, 1, true);
    ext.set(new TextEncoder().encode('data'), 60);
    v.setUint32(64, 4, true);
    v.setInt16(68, 7, true);
    v.setInt16(70, -7, true);
    expect(Array.from(parseWav(ext).samples)).toEqual([7, -7]);
  });

  it('rejects non-PCM, non-16-bit and damaged files with the byte offset', () => {
    const good = writeWav(Int16Array.of(1, 2), 8000, 1);
    expect(offsetOf(() => parseWav(good.subarray(0, 8)))).toBe(0);
    const float = good.slice();
    float[20] = 3;
    expect(offsetOf(() => parseWav(float))).toBe(20);
    const bits8 = good.slice();
    bits8[34] = 8;
    expect(offsetOf(() => parseWav(bits8))).toBe(34);
    const long = good.slice();
    new DataView(long.buffer).setUint32(40, 1000, true);
    expect(offsetOf(() => parseWav(long))).toBe(36);
    const wave = good.slice();
    wave[8] = 0x41;
    expect(offsetOf(() => parseWav(wave))).toBe(8);
  });
});
