import { describe, expect, it } from 'vitest';
import { BitWriter, seBits, ueBits } from './bitwriter.js';

function bits(f: (w: BitWriter) => void): string {
  const w = new BitWriter(4);
  f(w);
  const n = w.bitLength;
  w.trailing();
  return Array.from(w.bytes(), (x) => x.toString(2).padStart(8, '0')).join('').slice(0, n);
}

describe('BitWriter', () => {
  it('writes Exp-Golomb ue(v) and se(v) codes of Table 9-2 and 9-3', () => {
    expect([0, 1, 2, 3, 4, 7, 8].map((k) => bits((w) => w.ue(k)))).toEqual(['1', '010', '011', '00100', '00101', '0001000', '0001001']);
    expect([0, 1, -1, 2, -2, 3].map((v) => bits((w) => w.se(v)))).toEqual(['1', '010', '011', '00100', '00101', '00110']);
    for (const k of [0, 1, 5, 100, 65534, 65535, 1 << 20]) expect(bits((w) => w.ue(k)).length).toBe(ueBits(k));
    for (const v of [0, 7, -7, 1000, -1000]) expect(bits((w) => w.se(v)).length).toBe(seBits(v));
    expect(bits((w) => w.ue(65535))).toBe('0'.repeat(16) + (65536).toString(2));
  });

  it('writes fixed-width fields up to 32 bits, grows its buffer and aligns with rbsp_trailing_bits', () => {
    const w = new BitWriter(2);
    w.u(3, 5);
    w.u(32, 0x89abcdef);
    w.u(1, 1);
    w.trailing();
    expect(w.byteAligned).toBe(true);
    expect(Array.from(w.bytes())).toEqual([0b10110001, 0b00110101, 0b01111001, 0b10111101, 0b11111000]);
    w.reset();
    expect(w.bitLength).toBe(0);
    for (let i = 0; i < 1000; i++) w.u(8, i & 255);
    expect(w.bytes().length).toBe(1000);
    expect(w.bytes()[999]).toBe(999 & 255);
  });
});
