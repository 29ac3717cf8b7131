/**
 * Synthetic I420 capture source: moving textured content that exercises intra and inter
 * coding, with a machine-readable stamp (frame number and capture time as big black/white
 * blocks in the top-left corner) that survives compression, and `readStamp` to read it back.
 */
import { DEFAULT_FPS, DEFAULT_HEIGHT, DEFAULT_WIDTH } from './constants.js';
import { createI420Frame, type I420Frame } from './frame.js';

/**
 * - `moving`: scrolling gradient, a moving checker texture band and bouncing shapes.
 * - `flat`: uniform grey (only the stamp changes).
 * - `noisy`: `moving` plus fresh random noise every frame.
 * - `scenecut`: alternates between two unrelated scenes every `sceneLength` frames.
 */
export type SyntheticPattern = 'moving' | 'flat' | 'noisy' | 'scenecut';

export interface SyntheticSourceOptions {
  width?: number;
  height?: number;
  fps?: number;
  pattern?: SyntheticPattern;
  /** Frames per scene for `scenecut`. Default 10. */
  sceneLength?: number;
  /** Frame buffers recycled by `next()`; a frame stays valid for this many calls. Default 2. */
  poolSize?: number;
  /** Clock giving the capture time in milliseconds. Default `Date.now`. */
  clock?: () => number;
  /** Draw the stamp. Default true. */
  stamp?: boolean;
}

/** A produced frame: the pooled I420 buffer plus its timing. */
export interface CapturedFrame extends I420Frame {
  /** 0-based frame number. */
  index: number;
  /** Presentation time from the nominal rate, microseconds. */
  timestampUs: number;
  /** Capture clock reading modulo 2^32, milliseconds (what the stamp carries). */
  captureTimeMs: number;
}

/** What `readStamp` recovers. */
export interface Stamp {
  /** Frame number modulo 2^24. */
  frame: number;
  /** Capture time modulo 2^32, milliseconds. */
  captureTimeMs: number;
}

/** Stamp layout: 8 x 8 cells = 24-bit frame number, 32-bit time, CRC-8. */
const STAMP_COLS = 8;
const STAMP_ROWS = 8;
const BLACK = 16;
const WHITE = 235;

/** Cell size of the stamp for a frame width: 16 samples (one macroblock) from 512 wide, else 8. */
export function stampCellSize(width: number): number {
  return width >= 512 ? 16 : 8;
}

/** CRC-8 (polynomial x^8 + x^2 + x + 1) of `n` bytes. */
function crc8(bytes: Uint8Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) {
    c ^= bytes[i];
    for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}

const stampBytes = new Uint8Array(8);

function packStamp(frame: number, time: number): Uint8Array {
  const b = stampBytes;
  b[0] = (frame >>> 16) & 0xff;
  b[1] = (frame >>> 8) & 0xff;
  b[2] = frame & 0xff;
  b[3] = (time >>> 24) & 0xff;
  b[4] = (time >>> 16) & 0xff;
  b[5] = (time >>> 8) & 0xff;
  b[6] = time & 0xff;
  b[7] = crc8(b, 7);
  return b;
}

/** Draw the stamp for (`frame`, `time`) into the top-left corner of `f`. */
export function drawStamp(f: I420Frame, frame: number, time: number): void {
  const cell = stampCellSize(f.width);
  if (cell * STAMP_COLS > f.width || cell * STAMP_ROWS > f.height) throw new RangeError(`frame ${f.width}x${f.height} too small for the stamp`);
  const bytes = packStamp(frame & 0xffffff, time >>> 0);
  const cw = (f.width + 1) >> 1;
  for (let bit = 0; bit < 64; bit++) {
    const on = (bytes[bit >> 3] >> (7 - (bit & 7))) & 1;
    const x0 = (bit % STAMP_COLS) * cell;
    const y0 = Math.floor(bit / STAMP_COLS) * cell;
    for (let y = 0; y < cell; y++) f.y.fill(on ? WHITE : BLACK, (y0 + y) * f.width + x0, (y0 + y) * f.width + x0 + cell);
    for (let y = 0; y < cell >> 1; y++) {
      const o = ((y0 >> 1) + y) * cw + (x0 >> 1);
      f.u.fill(128, o, o + (cell >> 1));
      f.v.fill(128, o, o + (cell >> 1));
    }
  }
}

/** Read the stamp back from a (possibly compressed) frame; null when absent or its CRC fails. */
export function readStamp(f: I420Frame): Stamp | null {
  const cell = stampCellSize(f.width);
  if (cell * STAMP_COLS > f.width || cell * STAMP_ROWS > f.height) return null;
  const b = new Uint8Array(8);
  const q = cell >> 2; // sample the central half of each cell
  for (let bit = 0; bit < 64; bit++) {
    const x0 = (bit % STAMP_COLS) * cell + q;
    const y0 = Math.floor(bit / STAMP_COLS) * cell + q;
    let s = 0;
    for (let y = 0; y < 2 * q; y++) for (let x = 0; x < 2 * q; x++) s += f.y[(y0 + y) * f.width + x0 + x];
    if (s / (4 * q * q) >= 128) b[bit >> 3] |= 1 << (7 - (bit & 7));
  }
  if (crc8(b, 7) !== b[7]) return null;
  return { frame: (b[0] << 16) | (b[1] << 8) | b[2], captureTimeMs: ((b[3] << 24) | (b[4] << 16) | (b[5] << 8) | b[6]) >>> 0 };
}

/** Triangle wave bouncing in [0, span]. */
function bounce(t: number, span: number): number {
  if (span <= 0) return 0;
  const p = ((t % (2 * span)) + 2 * span) % (2 * span);
  return p <= span ? p : 2 * span - p;
}

/** Deterministic synthetic camera. `next()` renders the following frame into a pooled buffer. */
export class SyntheticSource {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly pattern: SyntheticPattern;
  private readonly sceneLength: number;
  private readonly pool: CapturedFrame[];
  private readonly clock: () => number;
  private readonly stamp: boolean;
  private index = 0;
  /** Scene 0: the plane row where each distinct luma row (16 background ripples, 2 band parities) and V row (64) was first drawn this frame. */
  private readonly firstLumaRow = new Int32Array(18);
  private readonly firstVRow = new Int32Array(64);

  constructor(opts: SyntheticSourceOptions = {}) {
    this.width = opts.width ?? DEFAULT_WIDTH;
    this.height = opts.height ?? DEFAULT_HEIGHT;
    if (this.width % 2 || this.height % 2 || this.width < 16 || this.height < 16) throw new RangeError(`size must be even and at least 16x16, got ${this.width}x${this.height}`);
    this.fps = opts.fps ?? DEFAULT_FPS;
    this.pattern = opts.pattern ?? 'moving';
    this.sceneLength = opts.sceneLength ?? 10;
    this.clock = opts.clock ?? Date.now;
    this.stamp = opts.stamp ?? true;
    const n = Math.max(1, opts.poolSize ?? 2);
    this.pool = Array.from({ length: n }, () => ({ ...createI420Frame(this.width, this.height), index: 0, timestampUs: 0, captureTimeMs: 0 }));
  }

  /** Render the next frame (frame numbers count from 0). The buffer is reused `poolSize` calls later. */
  next(): CapturedFrame {
    const n = this.index++;
    const f = this.pool[n % this.pool.length];
    this.render(f, n);
    f.index = n;
    f.timestampUs = Math.round((n * 1e6) / this.fps);
    f.captureTimeMs = this.clock() % 4294967296 >>> 0;
    if (this.stamp) drawStamp(f, n, f.captureTimeMs);
    return f;
  }

  private render(f: I420Frame, n: number): void {
    switch (this.pattern) {
      case 'flat':
        f.y.fill(128);
        f.u.fill(128);
        f.v.fill(128);
        return;
      case 'moving':
        this.renderScene(f, n, 0);
        return;
      case 'noisy':
        this.renderScene(f, n, 0);
        addNoise(f, n);
        return;
      case 'scenecut':
        this.renderScene(f, n, Math.floor(n / this.sceneLength) & 1);
        return;
    }
  }

  private renderScene(f: I420Frame, n: number, scene: number): void {
    const { width: w, height: h } = this;
    const cw = w >> 1;
    const ch = h >> 1;
    const Y = f.y;
    const U = f.u;
    const V = f.v;
    const bandTop = (h / 3) | 0;
    const bandBottom = (h / 2) | 0;
    // background and texture band
    if (scene === 0) {
      // Scene 0 rows repeat: the band by (y >> 2) parity, the background by its ripple
      // (y * 7) & 15, the chroma U row everywhere and V by (y * 3) & 63. Each distinct row is
      // drawn once per frame with the per-sample formula where it first occurs, and later rows
      // copy it within the plane (copyWithin: no views, no allocation).
      const firstLuma = this.firstLumaRow.fill(-1);
      for (let y = 0; y < h; y++) {
        const inBand = y >= bandTop && y < bandBottom;
        const key = inBand ? 16 + ((y >> 2) & 1) : (y * 7) & 15;
        const row = y * w;
        const first = firstLuma[key]!;
        if (first >= 0) {
          Y.copyWithin(row, first * w, first * w + w);
          continue;
        }
        firstLuma[key] = y;
        if (inBand) {
          const parity = key - 16;
          for (let x = 0; x < w; x++) Y[row + x] = (((x + 4 * n) >> 2) ^ parity) & 1 ? 200 : 60;
        } else {
          for (let x = 0; x < w; x++) Y[row + x] = 40 + key + (((x + 4 * n) & 255) * 5) / 8;
        }
      }
      for (let x = 0; x < cw; x++) U[x] = 96 + ((x + 2 * n) & 63);
      for (let y = 1; y < ch; y++) U.copyWithin(y * cw, 0, cw);
      const firstV = this.firstVRow.fill(-1);
      for (let y = 0; y < ch; y++) {
        const k = (y * 3) & 63;
        const row = y * cw;
        const first = firstV[k]!;
        if (first >= 0) {
          V.copyWithin(row, first * cw, first * cw + cw);
          continue;
        }
        firstV[k] = y;
        for (let x = 0; x < cw; x++) V[row + x] = 96 + ((((x + 2 * n) >> 1) + k) & 63);
      }
    } else {
      for (let y = 0; y < h; y++) {
        const row = y * w;
        if (y >= bandTop && y < bandBottom) {
          for (let x = 0; x < w; x++) Y[row + x] = ((x + y + 2 * n) >> 3) & 1 ? 200 : 60;
        } else {
          for (let x = 0; x < w; x++) Y[row + x] = 235 - ((((y + 2 * n) * 2 + (x >> 2)) & 255) * 3) / 4;
        }
      }
      for (let y = 0; y < ch; y++) {
        const row = y * cw;
        // chroma moves with the luma background (2 up per frame)
        for (let x = 0; x < cw; x++) {
          U[row + x] = 180 - ((y + n) & 63);
          V[row + x] = 70 + ((x + y + n) & 63);
        }
      }
    }
    // bouncing shapes: two rectangles and a disc
    const sw = Math.max(8, (w / 8) | 0) & ~1;
    const sh = Math.max(8, (h / 6) | 0) & ~1;
    const shapes = scene === 0 ? [[3, 2, 220, 60, 200], [-5, 3, 90, 200, 80]] : [[7, -4, 30, 150, 150], [2, 6, 250, 100, 40]];
    for (const [vx, vy, cy, cu, cv] of shapes) {
      const x0 = bounce(n * vx + w / 3, w - sw) & ~1;
      const y0 = bounce(n * vy + h / 4, h - sh) & ~1;
      fillRect(f, x0, y0, sw, sh, cy, cu, cv);
    }
    const r = Math.max(6, (Math.min(w, h) / 10) | 0);
    const dx = bounce(n * 4 + r, w - 2 * r) + r;
    const dy = bounce(n * 3 + h / 2, h - 2 * r) + r;
    for (let y = Math.max(0, dy - r); y < Math.min(h, dy + r); y++) {
      for (let x = Math.max(0, dx - r); x < Math.min(w, dx + r); x++) {
        const d2 = (x - dx) * (x - dx) + (y - dy) * (y - dy);
        if (d2 < r * r) {
          Y[y * w + x] = 160 + (((x - dx) ^ (y - dy)) & 31);
          if (((x | y) & 1) === 0) {
            U[(y >> 1) * cw + (x >> 1)] = 40;
            V[(y >> 1) * cw + (x >> 1)] = 220;
          }
        }
      }
    }
  }
}

function fillRect(f: I420Frame, x0: number, y0: number, sw: number, sh: number, y: number, u: number, v: number): void {
  const cw = f.width >> 1;
  for (let j = 0; j < sh; j++) f.y.fill(y, (y0 + j) * f.width + x0, (y0 + j) * f.width + x0 + sw);
  for (let j = 0; j < sh >> 1; j++) {
    const o = ((y0 >> 1) + j) * cw + (x0 >> 1);
    f.u.fill(u, o, o + (sw >> 1));
    f.v.fill(v, o, o + (sw >> 1));
  }
}

/** Add fresh uniform noise (luma +/-16, chroma +/-8), seeded by the frame number. */
function addNoise(f: I420Frame, n: number): void {
  let s = (n * 2654435761 + 1) >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
  const add = (p: Uint8Array, amp: number) => {
    for (let i = 0; i < p.length; i++) {
      const v = p[i] + ((rnd() & (2 * amp - 1)) - amp);
      p[i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  };
  add(f.y, 16);
  add(f.u, 8);
  add(f.v, 8);
}
