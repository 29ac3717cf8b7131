/**
 * WAVE (RIFF) reading for 16-bit PCM audio: the "fmt " chunk (format tag 1, or 0xFFFE
 * WAVE_FORMAT_EXTENSIBLE with a PCM sub-format) and the "data" chunk; other chunks are
 * skipped. Anything else is rejected with MediaParseError. (The Opus encoder that will consume
 * this audio is opus.ts; audio-source.ts streams a file from disk.)
 */
import { MediaParseError } from './errors.js';

export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Interleaved 16-bit samples (a view on a copy of the data chunk). */
  samples: Int16Array;
  /** Frames (samples per channel). */
  frames: number;
}

/** The sample layout a "fmt " chunk declares. */
export interface WavFormat {
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

/**
 * Reads and checks the "fmt " chunk whose 8-byte header is at `pos` of `view` (its body must
 * be in `view`): PCM (or WAVE_FORMAT_EXTENSIBLE with a PCM sub-format), 16 bits, 1..8
 * channels. Throws MediaParseError with the byte offset.
 */
export function parseWavFmt(view: DataView, pos: number, size: number): WavFormat {
  const body = pos + 8;
  if (size < 16) throw new MediaParseError('fmt chunk shorter than 16 bytes', pos);
  let tag = view.getUint16(body, true);
  const channels = view.getUint16(body + 2, true);
  const sampleRate = view.getUint32(body + 4, true);
  const blockAlign = view.getUint16(body + 12, true);
  const bits = view.getUint16(body + 14, true);
  if (tag === 0xfffe) {
    if (size < 40) throw new MediaParseError('WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes', pos);
    tag = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
  }
  if (tag !== 1) throw new MediaParseError(`unsupported format tag ${tag} (PCM only)`, body);
  if (bits !== 16) throw new MediaParseError(`unsupported ${bits}-bit samples (16-bit only)`, body + 14);
  if (channels < 1 || channels > 8) throw new MediaParseError(`unsupported channel count ${channels}`, body + 2);
  if (sampleRate < 1000 || sampleRate > 384000) throw new MediaParseError(`unsupported sample rate ${sampleRate}`, body + 4);
  if (blockAlign !== channels * 2) throw new MediaParseError(`block align ${blockAlign} does not match ${channels} channels of 16 bits`, body + 12);
  return { channels, sampleRate, bits, blockAlign };
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

/** Parse a complete .wav file held in memory. */
export function parseWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12) throw new MediaParseError('too short for a RIFF header', 0);
  if (fourcc(bytes, 0) !== 'RIFF') throw new MediaParseError('not a RIFF file', 0);
  if (fourcc(bytes, 8) !== 'WAVE') throw new MediaParseError('RIFF form is not WAVE', 8);
  let pos = 12;
  let fmt: WavFormat | undefined;
  while (pos + 8 <= bytes.length) {
    const id = fourcc(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (body + size > bytes.length) throw new MediaParseError(`chunk '${id}' of ${size} bytes runs past the end`, pos);
    if (id === 'fmt ') {
      fmt = parseWavFmt(view, pos, size);
    } else if (id === 'data') {
      if (!fmt) throw new MediaParseError('data chunk before fmt chunk', pos);
      const frames = Math.floor(size / fmt.blockAlign);
      const samples = new Int16Array(frames * fmt.channels);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples, frames };
    }
    pos = body + size + (size & 1); // chunks are padded to even sizes
  }
  throw new MediaParseError(fmt ? 'no data chunk' : 'no fmt chunk', pos);
}

/** Serialise 16-bit PCM as a canonical 44-byte-header .wav file. */
export function writeWav(samples: Int16Array, sampleRate: number, channels: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const v = new DataView(out.buffer);
  const text = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  v.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channels * 2, true);
  v.setUint16(32, channels * 2, true);
  v.setUint16(34, 16, true);
  text(36, 'data');
  v.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) v.setInt16(44 + 2 * i, samples[i], true);
  return out;
}
