/**
 * YUV4MPEG2 (.y4m) reading and writing for 8-bit 4:2:0 video: a stream header line
 * ("YUV4MPEG2 W<w> H<h> F<n>:<d> ..."), then per frame a "FRAME[ params]\n" line and the
 * Y, U, V planes. Colour spaces 420, 420jpeg, 420paldv and 420mpeg2 are accepted (they differ
 * only in chroma siting); anything else is rejected with MediaParseError.
 */
import { MediaParseError } from './errors.js';
import { createI420Frame, type I420Frame } from './frame.js';

export interface Y4mHeader {
  width: number;
  height: number;
  /** Frame rate as a fraction. */
  fpsNum: number;
  fpsDen: number;
  /** Interlacing code from the I parameter ('p' progressive when absent). */
  interlace: string;
  colorSpace: string;
  /** Bytes of the stream header, newline included. */
  headerLength: number;
}

const MAGIC = 'YUV4MPEG2';
const ACCEPTED = new Set(['420', '420jpeg', '420paldv', '420mpeg2']);
const MAX_DIMENSION = 16384;
const MAX_LINE = 1024;

function lineEnd(bytes: Uint8Array, start: number): number {
  const limit = Math.min(bytes.length, start + MAX_LINE);
  for (let i = start; i < limit; i++) if (bytes[i] === 0x0a) return i;
  throw new MediaParseError(limit === bytes.length ? 'line not terminated by a newline' : 'line too long', start);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Parse the stream header at the start of `bytes`. */
export function parseY4mHeader(bytes: Uint8Array): Y4mHeader {
  const end = lineEnd(bytes, 0);
  const line = ascii(bytes, 0, end);
  const tokens = line.split(' ');
  if (tokens[0] !== MAGIC) throw new MediaParseError('not a YUV4MPEG2 stream', 0);
  let width = 0;
  let height = 0;
  let fpsNum = 0;
  let fpsDen = 0;
  let interlace = 'p';
  let colorSpace = '420jpeg';
  let at = MAGIC.length + 1;
  for (const t of tokens.slice(1)) {
    const key = t[0];
    const value = t.slice(1);
    const int = (v: string) => {
      if (!/^\d{1,9}$/.test(v)) throw new MediaParseError(`bad number '${v}' in ${key} parameter`, at);
      return Number(v);
    };
    switch (key) {
      case 'W':
        width = int(value);
        break;
      case 'H':
        height = int(value);
        break;
      case 'F': {
        const [n, d] = value.split(':');
        fpsNum = int(n ?? '');
        fpsDen = int(d ?? '');
        break;
      }
      case 'I':
        interlace = value;
        break;
      case 'C':
        colorSpace = value;
        break;
      case 'A':
      case 'X':
        break;
      default:
        throw new MediaParseError(`unknown stream parameter '${t}'`, at);
    }
    at += t.length + 1;
  }
  if (width < 2 || height < 2 || width > MAX_DIMENSION || height > MAX_DIMENSION || width % 2 || height % 2) {
    throw new MediaParseError(`unsupported size ${width}x${height} (even, 2..${MAX_DIMENSION})`, 0);
  }
  if (fpsNum <= 0 || fpsDen <= 0) throw new MediaParseError('missing or zero frame rate (F parameter)', 0);
  if (!ACCEPTED.has(colorSpace)) throw new MediaParseError(`unsupported colour space C${colorSpace} (8-bit 4:2:0 only)`, 0);
  if (interlace !== 'p' && interlace !== '?') throw new MediaParseError(`interlaced streams (I${interlace}) are not supported`, 0);
  return { width, height, fpsNum, fpsDen, interlace, colorSpace, headerLength: end + 1 };
}

/** Reads the frames of an in-memory .y4m stream one after another into a reused frame. */
export class Y4mReader {
  readonly header: Y4mHeader;
  private pos: number;
  private readonly frame: I420Frame;

  constructor(private readonly bytes: Uint8Array) {
    this.header = parseY4mHeader(bytes);
    this.pos = this.header.headerLength;
    this.frame = createI420Frame(this.header.width, this.header.height);
  }

  get fps(): number {
    return this.header.fpsNum / this.header.fpsDen;
  }

  /** The next frame (the same object every call, overwritten), or null at the end of the stream. */
  next(): I420Frame | null {
    const b = this.bytes;
    if (this.pos >= b.length) return null;
    const start = this.pos;
    const end = lineEnd(b, start);
    if (ascii(b, start, Math.min(end, start + 5)) !== 'FRAME' || (end > start + 5 && b[start + 5] !== 0x20)) {
      throw new MediaParseError('expected a FRAME line', start);
    }
    const f = this.frame;
    const size = f.y.length + f.u.length + f.v.length;
    let p = end + 1;
    if (p + size > b.length) throw new MediaParseError(`truncated frame: ${size} bytes needed, ${b.length - p} left`, p);
    f.y.set(b.subarray(p, p + f.y.length));
    p += f.y.length;
    f.u.set(b.subarray(p, p + f.u.length));
    p += f.u.length;
    f.v.set(b.subarray(p, p + f.v.length));
    this.pos = p + f.v.length;
    return f;
  }
}

/** Writes a .y4m stream frame by frame (progressive, C420jpeg), so a long clip never sits in memory. */
export class Y4mWriter {
  private static readonly FRAME = new TextEncoder().encode('FRAME\n');

  constructor(
    readonly width: number,
    readonly height: number,
    readonly fpsNum: number,
    readonly fpsDen = 1,
  ) {}

  /** The stream header, written once before the first frame. */
  header(): Uint8Array {
    return new TextEncoder().encode(`${MAGIC} W${this.width} H${this.height} F${this.fpsNum}:${this.fpsDen} Ip A1:1 C420jpeg\n`);
  }

  /** One frame's bytes, in order (no copy of the planes). */
  frame(f: I420Frame): Uint8Array[] {
    if (f.width !== this.width || f.height !== this.height) throw new RangeError(`frame is ${f.width}x${f.height}; the stream is ${this.width}x${this.height}`);
    return [Y4mWriter.FRAME, f.y, f.u, f.v];
  }
}

/** Serialise frames as one in-memory .y4m stream. */
export function writeY4m(frames: I420Frame[], fpsNum: number, fpsDen = 1): Uint8Array {
  if (frames.length === 0) throw new RangeError('no frames');
  const writer = new Y4mWriter(frames[0].width, frames[0].height, fpsNum, fpsDen);
  const chunks = [writer.header(), ...frames.flatMap((f) => writer.frame(f))];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
