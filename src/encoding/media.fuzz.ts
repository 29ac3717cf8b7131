/**
 * Fuzz targets for the encoding module's file readers, seeded with small generated files:
 * - `encoding.y4m`: header and every frame of a .y4m stream.
 * - `encoding.wav`: a .wav file.
 * The only error a target may throw is MediaParseError (which carries a byte offset).
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { MediaParseError } from './errors.js';
import { SyntheticSource } from './synthetic.js';
import { copyI420Frame } from './frame.js';
import { parseWav, writeWav } from './wav.js';
import { Y4mReader, writeY4m } from './y4m.js';

const isParseError = (e: unknown) => e instanceof MediaParseError && Number.isInteger(e.offset) && e.offset >= 0;

function y4mSeeds(): Uint8Array[] {
  const src = new SyntheticSource({ width: 16, height: 16, pattern: 'noisy', stamp: false });
  const frames = [copyI420Frame(src.next()), copyI420Frame(src.next())];
  const text = new TextEncoder();
  const withParams = text.encode('YUV4MPEG2 W16 H16 F30000:1001 Ip A1:1 C420 XYSCSS=420JPEG\nFRAME Ixyz\n');
  const raw = new Uint8Array(withParams.length + 384);
  raw.set(withParams);
  return [writeY4m(frames, 30), writeY4m(frames.slice(0, 1), 25, 1), raw];
}

function wavSeeds(): Uint8Array[] {
  const s = Int16Array.from({ length: 64 }, (_, i) => Math.round(8000 * Math.sin(i / 3)));
  return [writeWav(s, 48000, 2), writeWav(s.subarray(0, 10), 8000, 1)];
}

export const targets: FuzzTarget[] = [
  {
    name: 'encoding.y4m',
    seeds: y4mSeeds(),
    run(input) {
      const r = new Y4mReader(input);
      let n = 0;
      while (r.next()) n++;
      return n;
    },
    isExpectedError: isParseError,
  },
  {
    name: 'encoding.wav',
    seeds: wavSeeds(),
    run(input) {
      return parseWav(input).frames;
    },
    isExpectedError: isParseError,
  },
];
