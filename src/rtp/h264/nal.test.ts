import { describe, expect, it } from 'vitest';
import { containsIdr, nalRefIdc, nalUnitType, splitAnnexB, toAnnexB } from './nal.js';

describe('Annex B', () => {
  it('splits on 3- and 4-byte start codes and drops trailing zero bytes', () => {
    const au = Uint8Array.from([0xff, 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 0, 1, 0x65, 4, 5, 6]);
    const nals = splitAnnexB(au);
    expect(nals.map((n) => Array.from(n))).toEqual([[0x67, 1, 2], [0x68, 3], [0x65, 4, 5, 6]]);
    expect(nals.map(nalUnitType)).toEqual([7, 8, 5]);
    expect(nalRefIdc(nals[2])).toBe(3);
    expect(containsIdr(nals)).toBe(true);
  });

  it('keeps 0x000002 and 0x000003 sequences inside a NAL unit', () => {
    const au = Uint8Array.from([0, 0, 1, 0x41, 0, 0, 3, 1, 0, 0, 2, 9]);
    expect(splitAnnexB(au).map((n) => Array.from(n))).toEqual([[0x41, 0, 0, 3, 1, 0, 0, 2, 9]]);
  });

  it('joins NAL units back into a stream that splits to the same units', () => {
    const nals = [Uint8Array.of(0x67, 0x42), Uint8Array.of(0x68, 0xce), Uint8Array.of(0x65, 0x88, 0x84)];
    const joined = toAnnexB(nals);
    expect(joined.length).toBe(4 * 3 + 7);
    expect(splitAnnexB(joined)).toEqual(nals);
    expect(containsIdr(nals.slice(0, 2))).toBe(false);
  });
});
