/**
 * CAVLC residual block coding, ITU-T H.264 9.2 (the encoder side of 9.2.1-9.2.4):
 * coeff_token, trailing ones signs, levels with suffixLength adaptation, total_zeros and
 * run_before. Baseline streams keep level_prefix <= 15, so callers clamp levels to
 * +/-MAX_CAVLC_LEVEL.
 */
import type { BitWriter } from './bitwriter.js';
import { CHROMA_DC_COEFF_TOKEN, CHROMA_DC_TOTAL_ZEROS, COEFF_TOKEN, RUN_BEFORE, TOTAL_ZEROS } from './cavlc-tables.js';

/** Largest |level| codable with level_prefix <= 15 whatever the suffixLength (first level, suffixLength 0: levelCode <= 4125). */
export const MAX_CAVLC_LEVEL = 2063;

const levels = new Int32Array(16);
const positions = new Int32Array(16);

/** Which coeff_token table an nC selects (9.2.1): 0..3 for the 4x4 tables, 4 for nC == -1. */
function tokenTable(nC: number): number {
  if (nC < 0) return 4;
  if (nC < 2) return 0;
  if (nC < 4) return 1;
  if (nC < 8) return 2;
  return 3;
}

/**
 * Write residual_block_cavlc() for `maxNumCoeff` coefficients `coef[off .. off+maxNumCoeff)`
 * given in scan order. `nC` is -1 for chroma DC. Returns TotalCoeff.
 */
export function writeResidualBlock(w: BitWriter, coef: Int32Array, off: number, maxNumCoeff: number, nC: number): number {
  let total = 0;
  for (let i = 0; i < maxNumCoeff; i++) {
    const v = coef[off + i];
    if (v !== 0) {
      levels[total] = v;
      positions[total] = i;
      total++;
    }
  }
  let t1 = 0;
  for (let k = total - 1; k >= 0 && t1 < 3; k--) {
    const v = levels[k];
    if (v === 1 || v === -1) t1++;
    else break;
  }
  const ti = tokenTable(nC);
  const table = ti === 4 ? CHROMA_DC_COEFF_TOKEN : COEFF_TOKEN[ti];
  const idx = total * 4 + t1;
  w.u(table.len[idx], table.code[idx]);
  if (total === 0) return 0;

  // trailing_ones_sign_flag, highest frequency first
  for (let k = total - 1; k >= total - t1; k--) w.u(1, levels[k] < 0 ? 1 : 0);

  // levels (9.2.2.1, inverted)
  let suffixLength = total > 10 && t1 < 3 ? 1 : 0;
  for (let k = total - 1 - t1; k >= 0; k--) {
    const level = levels[k];
    let levelCode = level > 0 ? 2 * level - 2 : -2 * level - 1;
    if (k === total - 1 - t1 && t1 < 3) levelCode -= 2;
    if (suffixLength === 0) {
      if (levelCode < 14) {
        w.u(levelCode + 1, 1);
      } else if (levelCode < 30) {
        w.u(15, 1); // prefix 14
        w.u(4, levelCode - 14);
      } else {
        w.u(16, 1); // prefix 15
        w.u(12, levelCode - 30);
      }
    } else {
      if (levelCode < 15 << suffixLength) {
        w.u((levelCode >> suffixLength) + 1, 1);
        w.u(suffixLength, levelCode & ((1 << suffixLength) - 1));
      } else {
        w.u(16, 1);
        w.u(12, levelCode - (15 << suffixLength));
      }
    }
    if (suffixLength === 0) suffixLength = 1;
    const abs = level < 0 ? -level : level;
    if (abs > 3 << (suffixLength - 1) && suffixLength < 6) suffixLength++;
  }

  // total_zeros (9.2.3)
  let zerosLeft = positions[total - 1] + 1 - total;
  if (total < maxNumCoeff) {
    const tz = ti === 4 ? CHROMA_DC_TOTAL_ZEROS : TOTAL_ZEROS;
    const j = (total - 1) * tz.stride + zerosLeft;
    w.u(tz.len[j], tz.code[j]);
  }
  // run_before (9.2.3), highest frequency first, until no zeros remain
  for (let k = total - 1; k > 0 && zerosLeft > 0; k--) {
    const run = positions[k] - positions[k - 1] - 1;
    const j = (zerosLeft > 7 ? 6 : zerosLeft - 1) * RUN_BEFORE.stride + run;
    w.u(RUN_BEFORE.len[j], RUN_BEFORE.code[j]);
    zerosLeft -= run;
  }
  return total;
}
