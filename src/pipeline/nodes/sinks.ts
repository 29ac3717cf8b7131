/**
 * Our own sinks. WavSinkNode streams 16-bit PCM to a .wav file (header patched with the final
 * sizes at the end, so memory stays constant however long the stream). FileSinkNode writes data
 * frames' bytes as they come (an Annex B .h264 stream, Opus packets), and events or text as
 * JSON lines.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { writeWav } from '../../encoding/index.js';
import type { Frame } from '../frame.js';
import { floatToInt16 } from './util.js';

export function wavSink(nodeId: string, path: string) {
  let fd: number | undefined;
  let format: { sampleRate: number; channels: number } | undefined;
  let bytes = 0;
  return {
    open() {
      fd = openSync(path, 'w');
    },
    process(frame: Frame) {
      if (frame.kind !== 'audio') return;
      if (!format) {
        format = { sampleRate: frame.sampleRate, channels: frame.channels };
        writeSync(fd!, writeWav(new Int16Array(0), format.sampleRate, format.channels));
      } else if (format.sampleRate !== frame.sampleRate || format.channels !== frame.channels) {
        throw new Error(`node '${nodeId}': the audio format changed mid-stream`);
      }
      const pcm = floatToInt16(frame.samples);
      writeSync(fd!, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      bytes += pcm.byteLength;
    },
    flush() {
      if (fd === undefined || !format) return;
      const header = writeWav(new Int16Array(0), format.sampleRate, format.channels);
      const v = new DataView(header.buffer);
      v.setUint32(4, 36 + bytes, true);
      v.setUint32(40, bytes, true);
      writeSync(fd, header, 0, header.length, 0);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

export function fileSink(path: string) {
  let fd: number | undefined;
  return {
    open() {
      fd = openSync(path, 'w');
    },
    process(frame: Frame) {
      if (frame.kind === 'data' && frame.bytes) writeSync(fd!, frame.bytes);
      else if (frame.kind === 'data') writeSync(fd!, `${JSON.stringify({ media_time_us: frame.mediaTimeUs, value: frame.value ?? null })}\n`);
      else if (frame.kind === 'text') writeSync(fd!, `${JSON.stringify({ media_time_us: frame.mediaTimeUs, text: frame.text })}\n`);
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
