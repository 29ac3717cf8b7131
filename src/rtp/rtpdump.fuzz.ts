import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { readRtpDump, RtpDumpError } from './rtpdump.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/chrome/rtp/${name}`, import.meta.url))));

/** Bytes kept from the large video dump, so mutations stay cheap. */
const VIDEO_SEED_BYTES = 8192;

/** rtpdump reader: only RtpDumpError (with a byte offset) may escape. */
export const targets: FuzzTarget[] = [
  {
    name: 'capture.rtpdump.read',
    seeds: [
      fixture('chrome-rtcp-feedback.rtpdump'),
      fixture('chrome-h264-720p.rtpdump').subarray(0, VIDEO_SEED_BYTES),
    ],
    run: (input) => readRtpDump(input),
    isExpectedError: (error) => error instanceof RtpDumpError && Number.isInteger(error.offset),
    maxLength: 16384,
  },
];
