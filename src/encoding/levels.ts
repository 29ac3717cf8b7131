/**
 * Level limits of ITU-T H.264 Annex A, Table A-1 (the columns this encoder needs), and the
 * choice of the lowest level that admits a picture size and frame rate.
 */
export interface LevelLimits {
  /** level_idc (10 * level number, e.g. 31 for 3.1). */
  levelIdc: number;
  /** MaxMBPS: macroblocks per second. */
  maxMbps: number;
  /** MaxFS: macroblocks per frame. */
  maxFs: number;
  /** MaxBR for Baseline (kbit/s, cpbBrVclFactor 1000 is 1 kbit). */
  maxBrKbps: number;
}

/** Table A-1 (level 1b omitted). */
export const LEVELS: readonly LevelLimits[] = [
  { levelIdc: 10, maxMbps: 1485, maxFs: 99, maxBrKbps: 64 },
  { levelIdc: 11, maxMbps: 3000, maxFs: 396, maxBrKbps: 192 },
  { levelIdc: 12, maxMbps: 6000, maxFs: 396, maxBrKbps: 384 },
  { levelIdc: 13, maxMbps: 11880, maxFs: 396, maxBrKbps: 768 },
  { levelIdc: 20, maxMbps: 11880, maxFs: 396, maxBrKbps: 2000 },
  { levelIdc: 21, maxMbps: 19800, maxFs: 792, maxBrKbps: 4000 },
  { levelIdc: 22, maxMbps: 20250, maxFs: 1620, maxBrKbps: 4000 },
  { levelIdc: 30, maxMbps: 40500, maxFs: 1620, maxBrKbps: 10000 },
  { levelIdc: 31, maxMbps: 108000, maxFs: 3600, maxBrKbps: 14000 },
  { levelIdc: 32, maxMbps: 216000, maxFs: 5120, maxBrKbps: 20000 },
  { levelIdc: 40, maxMbps: 245760, maxFs: 8192, maxBrKbps: 20000 },
  { levelIdc: 41, maxMbps: 245760, maxFs: 8192, maxBrKbps: 50000 },
  { levelIdc: 42, maxMbps: 522240, maxFs: 8704, maxBrKbps: 50000 },
  { levelIdc: 50, maxMbps: 589824, maxFs: 22080, maxBrKbps: 135000 },
  { levelIdc: 51, maxMbps: 983040, maxFs: 36864, maxBrKbps: 240000 },
  { levelIdc: 52, maxMbps: 2073600, maxFs: 36864, maxBrKbps: 240000 },
];

/**
 * Lowest level whose MaxFS, MaxMBPS and frame dimension limits (A.3.1: width and height in
 * macroblocks at most sqrt(8 * MaxFS)) admit `widthMbs x heightMbs` at `fps`, and, when a
 * target `bitrate` (bits/s) is given, whose Baseline MaxBR (A.3.1 item i, cpbBrVclFactor
 * 1000) admits it. Throws RangeError when even level 5.2 does not.
 */
export function chooseLevel(widthMbs: number, heightMbs: number, fps: number, bitrate = 0): LevelLimits {
  const fs = widthMbs * heightMbs;
  for (const l of LEVELS) {
    const side = Math.sqrt(8 * l.maxFs);
    if (fs <= l.maxFs && fs * fps <= l.maxMbps && widthMbs <= side && heightMbs <= side && bitrate <= l.maxBrKbps * 1000) return l;
  }
  throw new RangeError(`no H.264 level admits ${widthMbs * 16}x${heightMbs * 16} at ${fps} fps${bitrate ? ` and ${bitrate} bit/s` : ''}`);
}
