/**
 * Fuzz targets for the SDP module, seeded with every SDP fixture of the repository.
 * - `sdp.parse`: parse; whatever parses must serialize back to the same text.
 * - `sdp.validate`: parse, read every typed view, validate as offer and answer, change the
 *   direction through the API and re-parse the result.
 * - `sdp.answer`: parse as an offer and build an answer, which must parse and validate.
 * - `sdp.fmtp`: fmtp value parsing and the H.264 / Opus parameter rules on its output.
 * The only error a target may throw is `SdpParseError` from parsing the input itself.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { H264_CONSTRAINED_BASELINE, OPUS, TEST_TRANSPORT, VP8 } from './__fixtures__/capabilities.js';
import {
  SdpParseError,
  createAnswer,
  negotiateH264,
  negotiateOpus,
  parse,
  parseFmtp,
  parseProfileLevelId,
  validate,
  type AnswerOptions,
} from './index.js';

const decoder = new TextDecoder('utf-8', { fatal: false });
const encoder = new TextEncoder();
const fixtures = loadSdpFixtures();
const seeds = fixtures.map((f) => encoder.encode(f.text));
const fmtpSeeds = fixtures
  .flatMap((f) => [...f.text.matchAll(/^a=fmtp:(.*?)\r?$/gm)].map((m) => m[1]))
  .filter((v, i, all) => all.indexOf(v) === i)
  .map((v) => encoder.encode(v));

const isParseError = (error: unknown) => error instanceof SdpParseError && error.line >= 1 && error.column >= 1;

/** Turn any error into an unexpected one (the input already parsed, so nothing may fail). */
function mustNotThrow<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new Error(`${what} threw on input that parsed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

const LOCAL: AnswerOptions = {
  ...TEST_TRANSPORT,
  candidates: ['1 1 udp 2122260223 192.0.2.1 9 typ host'],
  audio: { codecs: [OPUS, { name: 'red', clockRate: 48000, channels: 2 }], ssrc: 1, cname: 'c', msid: { streamId: 's', trackId: 't' } },
  video: {
    codecs: [H264_CONSTRAINED_BASELINE, VP8],
    extensions: ['urn:ietf:params:rtp-hdrext:sdes:mid'],
    ssrc: 2,
    rtxSsrc: 3,
  },
};

export const targets: FuzzTarget[] = [
  {
    name: 'sdp.parse',
    seeds,
    isExpectedError: isParseError,
    run(input) {
      const text = decoder.decode(input);
      const description = parse(text);
      const out = description.toString();
      if (out !== text) throw new Error('round trip changed the text');
      return description;
    },
  },
  {
    name: 'sdp.validate',
    seeds,
    isExpectedError: isParseError,
    run(input) {
      const description = parse(decoder.decode(input));
      return mustNotThrow('typed access, validate or a change', () => {
        for (const media of description.media) {
          void [media.codecs, media.ssrcIds, media.fmtps, media.extmaps, media.candidates, description.transportOf(media)];
        }
        const issues = [...validate(description, { type: 'offer' }), ...validate(description, { type: 'answer', offer: description })];
        for (const media of description.media) media.setDirection('inactive');
        const changed = parse(description.toString());
        if (changed.media.some((m) => m.direction !== 'inactive')) throw new Error('direction change lost');
        return issues;
      });
    },
  },
  {
    name: 'sdp.answer',
    seeds,
    isExpectedError: isParseError,
    run(input) {
      const offer = parse(decoder.decode(input));
      return mustNotThrow('createAnswer', () => {
        const answer = createAnswer(offer, LOCAL);
        // Sections we accepted must carry everything an answer needs.
        const errors = validate(answer, { type: 'answer' }).filter(
          (i) => i.severity === 'error' && answer.media[i.mediaIndex ?? 0]?.port !== 0 && ['missing-ice-ufrag', 'missing-fingerprint', 'bad-setup-role', 'missing-rtpmap'].includes(i.code),
        );
        if (errors.length) throw new Error(`answer invalid: ${errors.map((e) => e.code).join(', ')}`);
        return answer;
      });
    },
  },
  {
    name: 'sdp.fmtp',
    seeds: fmtpSeeds,
    isExpectedError: isParseError,
    run(input) {
      const fmtp = parseFmtp(decoder.decode(input));
      return mustNotThrow('fmtp rules', () => {
        const local = new Map([
          ['packetization-mode', '1'],
          ['profile-level-id', '42e01f'],
          ['level-asymmetry-allowed', '1'],
        ]);
        parseProfileLevelId(fmtp.parameters.get('profile-level-id') ?? '');
        return [negotiateH264(fmtp.parameters, local), negotiateOpus(fmtp.parameters, { stereo: true })];
      });
    },
  },
];
