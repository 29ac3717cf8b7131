import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzTarget } from '../fuzz/engine.js';
import { readRtpDump } from '../src/rtp/index.js';
import { H264Depacketizer } from '../src/rtp/index.js';
import { parseSps, SpsParseError } from './h264-sps.js';

/** The SPS NAL units of Chromium's real H.264 capture (fixtures/chrome/rtp). */
export function capturedSpsUnits(): Uint8Array[] {
  const path = fileURLToPath(new URL('../fixtures/chrome/rtp/chrome-h264-720p.rtpdump', import.meta.url));
  const dump = readRtpDump(new Uint8Array(readFileSync(path)));
  const depacketizer = new H264Depacketizer();
  const out: Uint8Array[] = [];
  const take = (frames: ReturnType<H264Depacketizer['push']>) => {
    for (const f of frames) for (const n of f.nalUnits) if ((n[0]! & 0x1f) === 7) out.push(n);
  };
  for (const p of dump.packets) if (!p.isRtcp) take(depacketizer.push(p.data));
  take(depacketizer.flush());
  return out;
}

/** SPS reader: only SpsParseError (with a byte offset) may escape. */
export const targets: FuzzTarget[] = [
  {
    name: 'harness.h264.sps',
    seeds: capturedSpsUnits().slice(0, 1),
    run: (input) => parseSps(input),
    isExpectedError: (error) => error instanceof SpsParseError && Number.isInteger(error.offset),
    maxLength: 256,
  },
];
