/**
 * Fuzz targets for what the stream server reads from HTTP:
 * - `stream.offer`: a WHEP POST body (and, from the first byte, its Content-Type) through checkOffer.
 * - `stream.control`: a live control body through parseControl.
 * - `stream.candidates`: an answer through withCandidates (never throws; adds end-of-candidates once).
 * The only error a target may throw is StreamServerError with an HTTP status and a code.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { StreamServerError } from './errors.js';
import { checkOffer, parseControl, withCandidates } from './request.js';

const isServerError = (e: unknown) => e instanceof StreamServerError && e.status >= 400 && e.status < 500 && typeof e.code === 'string';
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const enc = (s: string) => new TextEncoder().encode(s);

const OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=video 9 UDP/TLS/RTP/SAVPF 102',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=recvonly',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':'),
  'a=setup:actpass',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=recvonly',
  'a=rtpmap:111 opus/48000/2',
  '',
].join('\r\n');

const TYPES = ['application/sdp', 'application/sdp; charset=utf-8', 'text/plain', undefined] as const;

export const targets: FuzzTarget[] = [
  {
    name: 'stream.offer',
    seeds: [enc(`\u0000${OFFER}`), enc('\u0001v=0\r\n')],
    run(input) {
      return checkOffer(TYPES[(input[0] ?? 0) & 3], text(input.subarray(1))).length;
    },
    isExpectedError: isServerError,
  },
  {
    name: 'stream.control',
    seeds: [enc('{"bitrateBps":800000}'), enc('{"width":640,"height":360,"frameRate":15}'), enc('{"frameRate":1e9}')],
    run(input) {
      return parseControl(text(input), { width: 1280, height: 720, frameRate: 30, bitrateBps: 2_500_000 });
    },
    isExpectedError: isServerError,
  },
  {
    name: 'stream.candidates',
    seeds: [enc(OFFER), enc('v=0\nm=audio 9 RTP/AVP 0\n')],
    run(input) {
      const out = withCandidates(text(input), ['candidate:1 1 UDP 2122260223 127.0.0.1 50000 typ host']);
      if (text(input).split(/\r?\n/).some((l) => l.startsWith('m=')) && !out.includes('a=end-of-candidates')) throw new Error('end-of-candidates missing');
      return out.length;
    },
    isExpectedError: () => false,
  },
];
