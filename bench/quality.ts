/**
 * Pure pieces of `encoder-quality.bench.ts` (kept apart so that they can be tested): a
 * deterministic camera-like textured scene, and an inline-SVG grouped bar chart for the
 * self-contained HTML report.
 */
import { createRandom } from '../fuzz/engine.js';
import { createI420Frame, type I420Frame } from '../src/encoding/index.js';
import { formatNumber, htmlEscape, svgChartFrame } from '../harness/report-html.js';

/** mulberry32, the fuzz engine's seeded PRNG: the same seed gives the same sequence on every machine. */
export const seededRandom = createRandom;

/**
 * Fractal value noise on a `width` x `height` grid: `octaves` layers of bilinearly (smoothstep)
 * interpolated random lattices, the first with cells of `cell` samples, each next layer half the
 * cell and `persistence` times the amplitude. Values in 0..1 (normalised to the sum of the
 * amplitudes), deterministic for a seed.
 */
export function valueNoise(width: number, height: number, seed: number, cell: number, octaves: number, persistence: number): Float32Array {
  const out = new Float32Array(width * height);
  const rnd = seededRandom(seed);
  let amp = 1;
  let total = 0;
  for (let o = 0, c = cell; o < octaves && c >= 1; o++, c /= 2) {
    const gw = Math.ceil(width / c) + 2;
    const gh = Math.ceil(height / c) + 2;
    const lattice = new Float32Array(gw * gh);
    for (let i = 0; i < lattice.length; i++) lattice[i] = rnd();
    for (let y = 0; y < height; y++) {
      const fy = y / c;
      const gy = Math.floor(fy);
      let ty = fy - gy;
      ty = ty * ty * (3 - 2 * ty);
      for (let x = 0; x < width; x++) {
        const fx = x / c;
        const gx = Math.floor(fx);
        let tx = fx - gx;
        tx = tx * tx * (3 - 2 * tx);
        const i = gy * gw + gx;
        const top = lattice[i] + (lattice[i + 1] - lattice[i]) * tx;
        const bottom = lattice[i + gw] + (lattice[i + gw + 1] - lattice[i + gw]) * tx;
        out[y * width + x] += amp * (top + (bottom - top) * ty);
      }
    }
    total += amp;
    amp *= persistence;
  }
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

export interface TexturedSceneOptions {
  width: number;
  height: number;
  /** Same seed, same pictures. Default 1. */
  seed?: number;
  /** Standard deviation of the sensor-like noise added to luma every picture (chroma gets half). Default 2.5. */
  noise?: number;
}

const clamp8 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * A photo-like scene seen by a slowly panning, slightly shaking camera: a still "photo" (fractal
 * value noise with hard-edged textured objects and a fabric-like grating, colour from
 * low-frequency noise) larger than the picture, cropped at a sub-sample offset that moves about
 * 1.6 samples right and 0.5 down per picture (bilinear resampling, as a real pan blurs a little),
 * plus fresh Gaussian sensor noise per picture. Picture n depends only on the seed and n.
 */
export class TexturedScene {
  readonly width: number;
  readonly height: number;
  private readonly seed: number;
  private readonly noise: number;
  private readonly sw: number;
  private readonly sh: number;
  private readonly luma: Float32Array;
  private readonly cb: Float32Array;
  private readonly cr: Float32Array;

  constructor(opts: TexturedSceneOptions) {
    const { width, height } = opts;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16 || width % 2 || height % 2) throw new RangeError(`size must be even integers >= 16, got ${width}x${height}`);
    this.width = width;
    this.height = height;
    this.seed = opts.seed ?? 1;
    this.noise = opts.noise ?? 2.5;
    // Room for 300 pictures of pan (wrapping beyond) plus the shake.
    this.sw = width + Math.ceil(width * 0.4) + 8;
    this.sh = height + Math.ceil(height * 0.25) + 8;
    const scale = width / 1280;
    const base = valueNoise(this.sw, this.sh, this.seed, Math.max(8, 192 * scale), 7, 0.58);
    const detail = valueNoise(this.sw, this.sh, this.seed + 101, Math.max(2, 6 * scale), 2, 0.5);
    const luma = new Float32Array(this.sw * this.sh);
    for (let i = 0; i < luma.length; i++) luma[i] = 30 + 200 * Math.min(1, Math.max(0, (base[i] - 0.5) * 1.8 + 0.5)) + 24 * (detail[i] - 0.5);
    // Objects: discs and rectangles with their own texture (hard edges, as in a real room).
    const rnd = seededRandom(this.seed + 7);
    for (let k = 0; k < 14; k++) {
      const cx = rnd() * this.sw;
      const cy = rnd() * this.sh;
      const r = (30 + rnd() * 110) * scale + 4;
      const level = 20 + rnd() * 210;
      const rect = rnd() < 0.5;
      const freq = (0.15 + rnd() * 0.5) / Math.max(scale, 0.25);
      const angle = rnd() * Math.PI;
      const ca = Math.cos(angle) * freq;
      const sa = Math.sin(angle) * freq;
      const x0 = Math.max(0, Math.floor(cx - r));
      const x1 = Math.min(this.sw, Math.ceil(cx + r));
      const y0 = Math.max(0, Math.floor(cy - r));
      const y1 = Math.min(this.sh, Math.ceil(cy + r));
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const dx = x - cx;
          const dy = y - cy;
          if (!rect && dx * dx + dy * dy > r * r) continue;
          // fabric-like grating on half of the objects, flat with the photo's detail on the rest
          const grating = k % 2 ? 22 * Math.sin(x * ca + y * sa) : 0;
          luma[y * this.sw + x] = level + grating + 0.35 * (luma[y * this.sw + x] - 128);
        }
      }
    }
    this.luma = luma;
    const cw = this.sw >> 1;
    const ch = this.sh >> 1;
    const nb = valueNoise(cw, ch, this.seed + 202, Math.max(8, 160 * scale), 3, 0.5);
    const nr = valueNoise(cw, ch, this.seed + 303, Math.max(8, 160 * scale), 3, 0.5);
    this.cb = new Float32Array(cw * ch);
    this.cr = new Float32Array(cw * ch);
    for (let i = 0; i < nb.length; i++) {
      this.cb[i] = 128 + 70 * (nb[i] - 0.5);
      this.cr[i] = 128 + 70 * (nr[i] - 0.5);
    }
  }

  /** The pan offset (in luma samples) of picture n. */
  offset(n: number): { x: number; y: number } {
    const maxX = this.sw - this.width - 4;
    const maxY = this.sh - this.height - 4;
    const scale = this.width / 1280;
    const px = (1.6 * scale * n + 1.5 * Math.sin(n * 0.37)) % maxX;
    const py = (0.5 * scale * n + 1.0 * Math.sin(n * 0.23 + 1)) % maxY;
    return { x: 2 + Math.abs(px), y: 2 + Math.abs(py) };
  }

  /** Render picture n into `into` (or a new frame). */
  frame(n: number, into?: I420Frame): I420Frame {
    const f = into ?? createI420Frame(this.width, this.height);
    const { x: ox, y: oy } = this.offset(n);
    const rnd = seededRandom(this.seed * 100003 + n + 1);
    // Box-Muller pairs; sigma scaled per plane.
    let spare = NaN;
    const gauss = () => {
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      const u = Math.max(rnd(), 1e-12);
      const v = rnd();
      const m = Math.sqrt(-2 * Math.log(u));
      spare = m * Math.sin(2 * Math.PI * v);
      return m * Math.cos(2 * Math.PI * v);
    };
    sample(this.luma, this.sw, ox, oy, f.y, this.width, this.height, () => this.noise * gauss());
    const cw = this.width >> 1;
    const chh = this.height >> 1;
    sample(this.cb, this.sw >> 1, ox / 2, oy / 2, f.u, cw, chh, () => 0.5 * this.noise * gauss());
    sample(this.cr, this.sw >> 1, ox / 2, oy / 2, f.v, cw, chh, () => 0.5 * this.noise * gauss());
    return f;
  }
}

/** Bilinear crop of `src` (stride `sw`) at (ox, oy) into `dst` (w x h), plus noise(). */
function sample(src: Float32Array, sw: number, ox: number, oy: number, dst: Uint8Array, w: number, h: number, noise: () => number): void {
  const ix = Math.floor(ox);
  const iy = Math.floor(oy);
  const fx = ox - ix;
  const fy = oy - iy;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  for (let y = 0; y < h; y++) {
    const r = (iy + y) * sw + ix;
    for (let x = 0; x < w; x++) {
      const i = r + x;
      dst[y * w + x] = clamp8(w00 * src[i] + w01 * src[i + 1] + w10 * src[i + sw] + w11 * src[i + sw + 1] + noise());
    }
  }
}

export interface BarGroup {
  /** Group label under the x axis (e.g. "800 kbit/s"). */
  label: string;
  /** One value per series, in the order of `series`. */
  values: number[];
}

const BAR_COLOURS = ['#888888', '#1f77b4', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/**
 * A grouped bar chart as one inline `<svg>` (no scripts, no external assets). The y axis starts
 * at `yMin` (default: a round figure below the smallest value, so that differences of a few
 * tenths of a dB are visible) and each bar carries its value as text.
 */
export function barChartSvg(title: string, series: string[], groups: BarGroup[], opts: { unit?: string; yMin?: number; digits?: number } = {}): string {
  const legendWidth = series.reduce((n, s) => n + 30 + Math.ceil(s.length * 6.5), 0);
  const width = Math.max(120 + groups.length * (series.length * 44 + 36), 76 + legendWidth);
  const height = 260;
  const m = { left: 56, right: 12, top: 28, bottom: 56 };
  const ph = height - m.top - m.bottom;
  const vals = groups.flatMap((g) => g.values).filter(Number.isFinite);
  const vMax0 = vals.length ? Math.max(...vals) : 1;
  const vMin0 = vals.length ? Math.min(...vals) : 0;
  const span = Math.max(vMax0 - vMin0, Math.abs(vMax0) * 0.01, 1e-6);
  const yMin = opts.yMin ?? vMin0 - span * 0.6;
  const yMax = vMax0 + span * 0.15;
  const y = (v: number) => m.top + ph - ((v - yMin) / (yMax - yMin)) * ph;
  const digits = opts.digits ?? 2;
  const full = `${title}${opts.unit ? ` (${opts.unit})` : ''}`;
  const p = svgChartFrame({ cls: 'bars', title: full, width, height, left: m.left, right: m.right, titleY: 16, yMin, yMax, y });
  let x = m.left + 18;
  for (const g of groups) {
    const gx = x;
    g.values.forEach((v, k) => {
      if (!Number.isFinite(v)) return;
      const top = Math.min(y(v), m.top + ph);
      const h = m.top + ph - top;
      const bx = gx + k * 44;
      p.push(`<rect x="${bx}" y="${top.toFixed(1)}" width="36" height="${h.toFixed(1)}" fill="${BAR_COLOURS[k % BAR_COLOURS.length]}"><title>${htmlEscape(`${g.label}, ${series[k]}: ${v.toFixed(digits)}`)}</title></rect>`);
      p.push(`<text x="${bx + 18}" y="${(top - 3).toFixed(1)}" class="bv">${v.toFixed(digits)}</text>`);
    });
    p.push(`<text x="${gx + (series.length * 44 - 8) / 2}" y="${height - m.bottom + 16}" class="xl">${htmlEscape(g.label)}</text>`);
    x += series.length * 44 + 36;
  }
  // legend: each entry as wide as its label (about 6.5 px per character at 11 px)
  let lx = m.left;
  series.forEach((s, k) => {
    p.push(`<rect x="${lx}" y="${height - 22}" width="12" height="12" fill="${BAR_COLOURS[k % BAR_COLOURS.length]}"/>`);
    p.push(`<text x="${lx + 16}" y="${height - 12}" class="lg">${htmlEscape(s)}</text>`);
    lx += 30 + Math.ceil(s.length * 6.5);
  });
  p.push('</svg>');
  return p.join('');
}
