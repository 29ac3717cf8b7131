import { describe, expect, it } from 'vitest';
import { BitWriter } from './bitwriter.js';
import { MAX_CAVLC_LEVEL, writeResidualBlock } from './cavlc.js';
import { RAW_TABLES } from './cavlc-tables.js';

const kraft = (codes: readonly string[]) => codes.filter(Boolean).reduce((s, c) => s + 2 ** -c.length, 0);

function prefixFree(codes: readonly string[]): boolean {
  const c = codes.filter(Boolean);
  for (let i = 0; i < c.length; i++) for (let j = 0; j < c.length; j++) if (i !== j && c[j].startsWith(c[i])) return false;
  return true;
}

/** Bit reader over a string of '0'/'1' (test side only). */
class Bits {
  pos = 0;
  constructor(readonly s: string) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (this.pos >= this.s.length) throw new Error('read past end');
      v = v * 2 + (this.s[this.pos++] === '1' ? 1 : 0);
    }
    return v;
  }
  /** Match one codeword of `table` (flat list, index returned). */
  vlc(table: readonly string[]): number {
    for (let i = 0; i < table.length; i++) if (table[i] && this.s.startsWith(table[i], this.pos)) return (this.pos += table[i].length), i;
    throw new Error(`no codeword at ${this.pos}`);
  }
}

/** residual_block_cavlc() parsing and 9.2 level/run reconstruction, written from the standard. */
function decodeBlock(b: Bits, maxNumCoeff: number, nC: number): number[] {
  const table = nC === -1 ? RAW_TABLES.chromaDcCoeffToken.flat() : nC >= 8 ? fixedLengthTable() : RAW_TABLES.coeffToken[nC < 2 ? 0 : nC < 4 ? 1 : 2].flat();
  const idx = b.vlc(table);
  const totalCoeff = idx >> 2;
  const trailingOnes = idx & 3;
  const coeffLevel = new Array<number>(maxNumCoeff).fill(0);
  if (totalCoeff === 0) return coeffLevel;
  const levelVal: number[] = [];
  let suffixLength = totalCoeff > 10 && trailingOnes < 3 ? 1 : 0;
  for (let i = 0; i < totalCoeff; i++) {
    if (i < trailingOnes) {
      levelVal.push(b.u(1) ? -1 : 1);
      continue;
    }
    let levelPrefix = 0;
    while (b.u(1) === 0) levelPrefix++;
    expect(levelPrefix).toBeLessThanOrEqual(15); // Baseline
    let levelCode = (Math.min(15, levelPrefix) << suffixLength);
    const levelSuffixSize = levelPrefix === 14 && suffixLength === 0 ? 4 : levelPrefix >= 15 ? levelPrefix - 3 : suffixLength;
    if (suffixLength > 0 || levelPrefix >= 14) levelCode += levelSuffixSize ? b.u(levelSuffixSize) : 0;
    if (levelPrefix >= 15 && suffixLength === 0) levelCode += 15;
    if (i === trailingOnes && trailingOnes < 3) levelCode += 2;
    levelVal.push(levelCode % 2 === 0 ? (levelCode + 2) >> 1 : (-levelCode - 1) >> 1);
    if (suffixLength === 0) suffixLength = 1;
    if (Math.abs(levelVal[i]) > 3 << (suffixLength - 1) && suffixLength < 6) suffixLength++;
  }
  let zerosLeft = 0;
  if (totalCoeff < maxNumCoeff) zerosLeft = b.vlc(maxNumCoeff === 4 ? RAW_TABLES.chromaDcTotalZeros[totalCoeff - 1] : RAW_TABLES.totalZeros[totalCoeff - 1]);
  const runVal: number[] = [];
  for (let i = 0; i < totalCoeff - 1; i++) {
    runVal.push(zerosLeft > 0 ? b.vlc(RAW_TABLES.runBefore[Math.min(zerosLeft, 7) - 1]) : 0);
    zerosLeft -= runVal[i];
  }
  runVal.push(zerosLeft);
  let coeffNum = -1;
  for (let i = totalCoeff - 1; i >= 0; i--) {
    coeffNum += runVal[i] + 1;
    coeffLevel[coeffNum] = levelVal[i];
  }
  return coeffLevel;
}

function fixedLengthTable(): string[] {
  const t: string[] = [];
  for (let tc = 0; tc <= 16; tc++)
    for (let t1 = 0; t1 < 4; t1++) t.push(tc === 0 ? (t1 === 0 ? '000011' : '') : t1 > tc ? '' : (((tc - 1) << 2) | t1).toString(2).padStart(6, '0'));
  return t;
}

function bitsOf(w: BitWriter): string {
  const bytes = w.bytes();
  return Array.from(bytes, (x) => x.toString(2).padStart(8, '0')).join('');
}

function encodeToBits(coef: number[], maxNumCoeff: number, nC: number): string {
  const w = new BitWriter(64);
  const n = writeResidualBlock(w, Int32Array.from(coef), 0, maxNumCoeff, nC);
  const used = w.bitLength;
  expect(n).toBe(coef.filter((c) => c !== 0).length);
  w.trailing();
  return bitsOf(w).slice(0, used);
}

describe('CAVLC tables (ITU-T H.264 9.2)', () => {
  it('coeff_token tables are prefix-free with the Kraft sums of Table 9-5', () => {
    const sums = RAW_TABLES.coeffToken.map((t) => kraft(t.flat()));
    expect(sums).toEqual([1 - 2 ** -15, 1 - 2 ** -13, 1 - 2 ** -10]);
    for (const t of RAW_TABLES.coeffToken) expect(prefixFree(t.flat())).toBe(true);
    expect(kraft(RAW_TABLES.chromaDcCoeffToken.flat())).toBe(1);
    expect(prefixFree(RAW_TABLES.chromaDcCoeffToken.flat())).toBe(true);
    expect(prefixFree(fixedLengthTable())).toBe(true);
    // one entry per (TotalCoeff, TrailingOnes) with TrailingOnes <= min(3, TotalCoeff)
    for (const t of RAW_TABLES.coeffToken) t.forEach((row, tc) => row.forEach((c, t1) => expect(c !== '', `${tc},${t1}`).toBe(t1 <= Math.min(3, tc))));
  });

  it('total_zeros and run_before tables are prefix-free and complete', () => {
    RAW_TABLES.totalZeros.forEach((t, i) => {
      expect(t.length).toBe(16 - i); // total_zeros 0..16-TotalCoeff
      expect(prefixFree(t)).toBe(true);
      expect(kraft(t)).toBe(i === 0 ? 1 - 2 ** -9 : 1);
    });
    RAW_TABLES.chromaDcTotalZeros.forEach((t, i) => {
      expect(t.length).toBe(4 - i);
      expect(kraft(t)).toBe(1);
    });
    RAW_TABLES.runBefore.forEach((t, i) => {
      expect(t.length).toBe(i < 6 ? i + 2 : 15);
      expect(prefixFree(t)).toBe(true);
      expect(kraft(t)).toBe(i < 6 ? 1 : 1 - 2 ** -11);
    });
  });
});

describe('writeResidualBlock', () => {
  it('codes a hand-worked 4x4 block with three trailing ones', () => {
    // scan order: 0 3 -1 0 0 -1 1 0 1 0 ...; TotalCoeff 5, T1s 3, total_zeros 4
    const coef = [0, 3, -1, 0, 0, -1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0];
    const expected = ['0000100', '001', '01', '0010', '110', '10', '11', '01', '1'].join('');
    expect(encodeToBits(coef, 16, 0)).toBe(expected);
  });

  it('codes an empty block as the TotalCoeff 0 token of each nC class', () => {
    const zero = new Array(16).fill(0);
    expect(encodeToBits(zero, 16, 0)).toBe('1');
    expect(encodeToBits(zero, 16, 2)).toBe('11');
    expect(encodeToBits(zero, 16, 4)).toBe('1111');
    expect(encodeToBits(zero, 16, 8)).toBe('000011');
    expect(encodeToBits([0, 0, 0, 0], 4, -1)).toBe('01');
  });

  it('round-trips random blocks through a 9.2 decoder for every nC class and block kind', () => {
    let s = 12345;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) / 16777216;
    const kinds: [number, number][] = [
      [16, 0], [16, 1], [16, 2], [16, 3], [16, 5], [16, 8], [16, 17],
      [15, 0], [15, 3], [15, 6], [15, 12],
      [4, -1],
    ];
    for (let trial = 0; trial < 3000; trial++) {
      const [max, nC] = kinds[trial % kinds.length];
      const density = rnd();
      const scale = [1, 2, 4, 40, 600, MAX_CAVLC_LEVEL][Math.floor(rnd() * 6)];
      const coef = Array.from({ length: max }, () => (rnd() < density ? Math.max(1, Math.round(rnd() * scale)) * (rnd() < 0.5 ? -1 : 1) : 0));
      const bits = encodeToBits(coef, max, nC);
      const r = new Bits(bits);
      expect(decodeBlock(r, max, nC), `trial ${trial}`).toEqual(coef);
      expect(r.pos).toBe(bits.length);
    }
  });
});
