import { describe, expect, it } from 'vitest';
import { AnnexBWriter, splitAnnexB, unescapeRbsp } from './nal.js';

describe('Annex B NAL framing', () => {
  it('inserts emulation_prevention_three_byte after two zeros before 0..3 (7.4.1)', () => {
    const w = new AnnexBWriter(4);
    w.writeNal(3, 5, Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0x80));
    expect(Array.from(w.toBytes())).toEqual([0, 0, 0, 1, 0x65, 0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 0, 0, 3, 3, 0, 0, 4, 0x80]);
  });

  it('splits a stream back into NAL units whose payloads unescape to the RBSP', () => {
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24) % 5; // lots of 0..3
    const w = new AnnexBWriter(16);
    const rbsps: Uint8Array[] = [];
    for (let n = 0; n < 50; n++) {
      const r = Uint8Array.from({ length: 1 + (n * 37) % 300 }, rnd);
      r[r.length - 1] = 0x80; // an RBSP ends with its stop bit
      rbsps.push(r);
      w.writeNal(n % 4, 1 + (n % 8), r);
    }
    const units = splitAnnexB(w.toBytes());
    expect(units.length).toBe(50);
    units.forEach((u, n) => {
      expect([u.refIdc, u.type]).toEqual([n % 4, 1 + (n % 8)]);
      expect(unescapeRbsp(u.payload)).toEqual(rbsps[n]);
      for (let i = 2; i < u.payload.length; i++) {
        // no start code prefix can appear inside a NAL unit
        expect(u.payload[i - 2] === 0 && u.payload[i - 1] === 0 && u.payload[i] <= 2).toBe(false);
      }
    });
  });
});
