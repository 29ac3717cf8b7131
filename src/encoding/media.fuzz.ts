/**
 * Fuzz targets for the encoding module's file readers, seeded with small generated files:
 * - `encoding.y4m`: header and every frame of a .y4m stream.
 * - `encoding.wav`: a .wav file.
 * - `encoding.y4m-file`, `encoding.wav-file`: the same bytes as files streamed from disk by
 *   Y4mFileSource and WavFileSource (read to the end, looped once).
 * - `encoding.pushed-frame`: pushed pixel buffers (format, size, length, timestamp from the
 *   input) and pushed PCM (rate, channels, length).
 * The only errors a target may throw are MediaParseError (with a byte offset) and
 * MediaSourceError (with a stable code).
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PushedAudioSource, WavFileSource } from './audio-source.js';
import { MediaParseError, MediaSourceError } from './errors.js';
import { PIXEL_FORMATS } from './pixels.js';
import { PushedVideoSource, Y4mFileSource } from './video-source.js';
import { SyntheticSource } from './synthetic.js';
import { copyI420Frame } from './frame.js';
import { parseWav, writeWav } from './wav.js';
import { Y4mReader, writeY4m } from './y4m.js';

const isParseError = (e: unknown) => e instanceof MediaParseError && Number.isInteger(e.offset) && e.offset >= 0;
const isSourceError = (e: unknown) => isParseError(e) || (e instanceof MediaSourceError && typeof e.code === 'string' && e.where.length > 0);

/** Slowest case allowed for the targets that write and read a file per case. */
const FILE_CASE_MS = 5000;

/**
 * Run `body` over the input written as a file, removed again when the case ends (however it
 * ends), so that no fuzz run leaves files behind. One shared scratch folder; the file is named
 * by process and thread, as fuzz runs may go on side by side.
 */
function withFile<T>(input: Uint8Array, ext: string, body: (path: string) => T): T {
  const dir = join(tmpdir(), 'spellbook-encoding-fuzz');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `case-${process.pid}-${threadId}.${ext}`);
  writeFileSync(path, input);
  try {
    return body(path);
  } finally {
    rmSync(path, { force: true });
  }
}

/** Pushed frames and samples decoded from fuzz bytes: header bytes pick format, size, timestamp; the rest is data. */
function pushFromBytes(input: Uint8Array): number {
  if (input.length < 6) return 0;
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (input[0]! & 0x80) {
    const audio = new PushedAudioSource({ channels: (input[0]! & 1) + 1 === 1 ? 1 : 2 });
    const rates = [8000, 11025, 16000, 22050, 44100, 48000, 96000, 12345];
    const samples = new Int16Array(input.buffer.slice(input.byteOffset + 6, input.byteOffset + 6 + ((input.length - 6) & ~1)));
    audio.push(samples, rates[input[1]! & 7]!, input[2]! % 10);
    let frames = 0;
    for (let i = 0; i < 3; i++) if (audio.next()) frames++;
    return frames;
  }
  const video = new PushedVideoSource();
  const format = PIXEL_FORMATS[input[0]! & 3]!;
  const width = (input[1]! % 40) + (input[0]! & 4 ? 0 : 1);
  const height = (input[2]! % 40) + 1;
  const timestampUs = input[3]! & 1 ? view.getInt16(4, true) * 1000 : undefined;
  const ok = video.push({ format, width, height, data: input.subarray(6), timestampUs });
  const r = video.reader(16, 16, 30);
  return ok && r.read(performance.now() + 2000) ? 1 : 0;
}



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
    name: 'encoding.y4m-file',
    seeds: y4mSeeds(),
    run(input) {
      return withFile(input, 'y4m', (path) => {
        const src = new Y4mFileSource(path, { loop: true, now: () => 0 });
        try {
          const r = src.reader(16, 16, 30);
          let n = 0;
          for (let t = 0; t < 200 && r.read(t) && n < 20; t += 40) n++;
          return n;
        } finally {
          src.close();
        }
      });
    },
    isExpectedError: isSourceError,
    // Each case writes and reads a file: a disk stall (one case took 1.2 s in a CI run; the same
    // input runs in 1-3 ms) is not a hang, so the limit only catches real ones.
    maxCaseMs: FILE_CASE_MS,
  },
  {
    name: 'encoding.wav-file',
    seeds: wavSeeds(),
    run(input) {
      return withFile(input, 'wav', (path) => {
        const src = new WavFileSource(path, { loop: false });
        try {
          let n = 0;
          while (src.next() && n < 50) n++;
          return n;
        } finally {
          src.close();
        }
      });
    },
    isExpectedError: isSourceError,
    maxCaseMs: FILE_CASE_MS,
  },
  {
    name: 'encoding.pushed-frame',
    seeds: [
      Uint8Array.from([2, 3, 1, 0, 0, 0, ...new Uint8Array(4 * 4 * 2)]),
      Uint8Array.from([0, 3, 3, 1, 10, 0, ...new Uint8Array(24)]),
      Uint8Array.from([0x81, 4, 2, 0, 0, 0, ...new Uint8Array(64)]),
    ],
    run: pushFromBytes,
    isExpectedError: isSourceError,
  },
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
