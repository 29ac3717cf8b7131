/**
 * Synthetic H.264 access units for tests, fuzz seeds and benchmarks when no captured
 * stream is at hand: NAL unit headers and sizes shaped like a 720p Constrained Baseline
 * stream (one IDR of ~60 kB with SPS and PPS, then P frames of 4-20 kB), bodies filled
 * with seeded pseudo-random bytes. They are not decodable pictures.
 */

export interface SyntheticStreamOptions {
  frames: number;
  /** IDR every `gop` frames (default 60). */
  gop?: number;
  seed?: number;
  idrBytes?: number;
  pBytesMin?: number;
  pBytesMax?: number;
}

export function syntheticAccessUnits(options: SyntheticStreamOptions): Uint8Array[][] {
  let state = (options.seed ?? 1) >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const fill = (header: number, size: number) => {
    const nal = new Uint8Array(size);
    nal[0] = header;
    for (let i = 1; i < size; i++) nal[i] = (random() * 256) | 0;
    return nal;
  };
  const gop = options.gop ?? 60;
  const idrBytes = options.idrBytes ?? 60_000;
  const pMin = options.pBytesMin ?? 4_000;
  const pMax = options.pBytesMax ?? 20_000;
  const out: Uint8Array[][] = [];
  for (let f = 0; f < options.frames; f++) {
    if (f % gop === 0) {
      out.push([
        Uint8Array.of(0x67, 0x42, 0xe0, 0x1f, 0x8c, 0x8d, 0x40, 0x50, 0x05, 0xbb, 0x01, 0x6c, 0x80, 0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x1e, 0x47, 0x8c, 0x19, 0x50),
        Uint8Array.of(0x68, 0xce, 0x3c, 0x80),
        fill(0x65, idrBytes),
      ]);
    } else {
      out.push([fill(0x41, Math.round(pMin + random() * (pMax - pMin)))]);
    }
  }
  return out;
}
