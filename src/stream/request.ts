/**
 * What arrives over HTTP, checked before anything acts on it: the WHEP offer
 * (draft-ietf-wish-whep section 4.1: POST, `Content-Type: application/sdp`, an SDP offer per
 * RFC 8866 / RFC 8829 JSEP), live control requests, and our answer with its candidates.
 */
import { mergeSettings, ControlsError, type VideoSettings } from '../controls/index.js';
import { parse, SdpParseError } from '../sdp/index.js';
import { MAX_CONTROL_BYTES, MAX_OFFER_BYTES, Messages, SDP_CONTENT_TYPE } from './constants.js';
import { StreamServerError } from './errors.js';

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/**
 * Checks a WHEP POST: the media type, the size, and that the body parses as SDP (RFC 8866) with
 * at least one media section. Returns the offer text. Throws StreamServerError
 * `bad-content-type` (415), `too-large` (413), `bad-offer` (400, with the line).
 */
export function checkOffer(contentType: string | undefined, body: string): string {
  if (mediaType(contentType) !== SDP_CONTENT_TYPE) throw new StreamServerError('bad-content-type', Messages.contentType(contentType), 'Content-Type');
  if (Buffer.byteLength(body) > MAX_OFFER_BYTES) throw new StreamServerError('too-large', Messages.tooLarge(MAX_OFFER_BYTES), 'body');
  if (!body.startsWith('v=0')) throw new StreamServerError('bad-offer', Messages.notOffer, 'line 1');
  try {
    const parsed = parse(body);
    if (parsed.media.length === 0) throw new StreamServerError('bad-offer', Messages.badOffer('no media section'), 'body');
  } catch (error) {
    if (error instanceof SdpParseError) throw new StreamServerError('bad-offer', Messages.badOffer(error.message), `line ${error.line}`);
    throw error;
  }
  return body;
}

const CONTROL_FIELDS = ['width', 'height', 'frameRate', 'bitrateBps'] as const;

/**
 * A live control request: a JSON object with any of width, height, frameRate, bitrateBps,
 * checked against `current` by the Streamer's own rules (mergeSettings). Returns the change.
 * Throws StreamServerError `bad-control` (400) naming the field, or `too-large`.
 */
export function parseControl(body: string, current: VideoSettings): Partial<VideoSettings> {
  if (Buffer.byteLength(body) > MAX_CONTROL_BYTES) throw new StreamServerError('too-large', Messages.tooLarge(MAX_CONTROL_BYTES), 'body');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new StreamServerError('bad-control', Messages.badControl(`not JSON (${(error as Error).message})`), 'body');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StreamServerError('bad-control', Messages.badControl('expected a JSON object'), 'body');
  const change: Partial<VideoSettings> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(CONTROL_FIELDS as readonly string[]).includes(key)) throw new StreamServerError('bad-control', Messages.badControl(`unknown field "${key}" (${CONTROL_FIELDS.join(', ')})`), key);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new StreamServerError('bad-control', Messages.badControl(`${key} must be a number`), key);
    change[key as keyof VideoSettings] = v;
  }
  try {
    mergeSettings(current, change);
  } catch (error) {
    if (error instanceof ControlsError) throw new StreamServerError('bad-control', Messages.badControl(error.message), error.field);
    throw error;
  }
  return change;
}

/**
 * Our answer with every candidate we gathered, so the viewer needs no trickle (WHEP section
 * 4.3 lets the server answer with all candidates): `a=candidate` lines (RFC 8839 section 5.1)
 * and `a=end-of-candidates` go at the end of the first media section (the BUNDLE transport,
 * RFC 9143), unless the answer has them already.
 */
export function withCandidates(answer: string, candidates: readonly string[]): string {
  const eol = answer.includes('\r\n') ? '\r\n' : '\n';
  const lines = answer.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const first = lines.findIndex((l) => l.startsWith('m='));
  if (first < 0) return answer;
  let end = lines.findIndex((l, i) => i > first && l.startsWith('m='));
  if (end < 0) end = lines.length;
  const section = lines.slice(first, end);
  const have = new Set(section.filter((l) => l.startsWith('a=candidate:')));
  const add = candidates.map((c) => (c.startsWith('a=') ? c : `a=${c}`)).filter((c) => c.startsWith('a=candidate:') && !have.has(c));
  if (!section.includes('a=end-of-candidates')) add.push('a=end-of-candidates');
  lines.splice(end, 0, ...add);
  return lines.join(eol) + eol;
}
