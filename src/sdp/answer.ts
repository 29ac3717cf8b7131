/**
 * Building an answer from an offer and local capabilities, in the shape JSEP gives it
 * (RFC 8829 section 5.3.1 "Initial Answers", RFC 3264 section 6):
 * - one m= section per offered one, same order and mid; a section we cannot or will not take
 *   is rejected with port 0 and the offered formats (RFC 3264 section 6);
 * - accepted RTP sections carry the codec intersection with the offer's payload types, the
 *   header extensions both support with the offer's ids (RFC 8285 section 6), the answered
 *   direction (RFC 8829 section 5.3.1), rtcp-mux and rtcp-rsize when offered;
 * - data channel sections carry sctp-port and max-message-size (RFC 8841 section 6);
 * - every accepted section carries ice-ufrag/ice-pwd/ice-options (RFC 8839 section 5.4),
 *   fingerprint (RFC 8122 section 5) and setup (active unless the offer forces another,
 *   RFC 8842 section 5);
 * - BUNDLE (RFC 8843 section 7.3): one group per offered group, listing the accepted mids in
 *   the offer's order; candidates go in the section that carries each transport.
 */
import { randomBytes } from 'node:crypto';
import { CRLF, DEFAULT_ANSWER_MAX_MESSAGE_SIZE, DEFAULT_SCTP_PORT, ICE_PWD_MAX, ICE_PWD_MIN, ICE_UFRAG_MAX, ICE_UFRAG_MIN } from './constants.js';
import { answerDirection, sends } from './direction.js';
import { formatAttribute, formatExtmap, formatFmtp, formatGroup, formatMediaLine, formatMsid, formatRtcpFeedback, formatRtpmap } from './format.js';
import type { MediaSection } from './media.js';
import { negotiateCodecs, type CodecCapability, type NegotiatedCodec } from './negotiate.js';
import { parse } from './parse.js';
import type { SessionDescription } from './session.js';
import type { Direction } from './types.js';
import { isWellFormedFingerprint } from './validate.js';

export interface MediaCapabilities {
  readonly codecs: readonly CodecCapability[];
  /** Our transceiver direction (default sendrecv). */
  readonly direction?: Direction;
  /** RTP header extension URIs we support (RFC 8285). */
  readonly extensions?: readonly string[];
  /** When we send: our SSRC and CNAME (RFC 7022), RTX SSRC, and msid (RFC 8830). */
  readonly ssrc?: number;
  readonly rtxSsrc?: number;
  readonly cname?: string;
  readonly msid?: { readonly streamId: string; readonly trackId: string };
}

export interface DataChannelCapabilities {
  readonly sctpPort?: number;
  readonly maxMessageSize?: number;
}

export interface AnswerOptions {
  readonly iceUfrag: string;
  readonly icePwd: string;
  readonly fingerprint: { readonly algorithm: string; readonly value: string };
  /** Our DTLS role when the offer says actpass (default active, RFC 8829 section 5.3.1). */
  readonly setup?: 'active' | 'passive';
  /** ice-options (default `trickle`). */
  readonly iceOptions?: readonly string[];
  /** Candidate attribute values (without `candidate:`), placed in each transport's section. */
  readonly candidates?: readonly string[];
  /** Add a=end-of-candidates after the candidates (RFC 8840). */
  readonly endOfCandidates?: boolean;
  readonly audio?: MediaCapabilities;
  readonly video?: MediaCapabilities;
  /** Accept data channels (default true). */
  readonly dataChannel?: boolean | DataChannelCapabilities;
  /** o= session id (default: random). */
  readonly sessionId?: string;
}

/** What was decided for one offered m= section. */
export interface AnsweredSection {
  readonly mid: string | undefined;
  readonly kind: string;
  readonly accepted: boolean;
  readonly direction: Direction;
  readonly codecs: readonly NegotiatedCodec[];
}

function checkOptions(options: AnswerOptions): void {
  const ice = /^[A-Za-z0-9+/]*$/;
  if (!ice.test(options.iceUfrag) || options.iceUfrag.length < ICE_UFRAG_MIN || options.iceUfrag.length > ICE_UFRAG_MAX) {
    throw new RangeError(`ice-ufrag must be ${ICE_UFRAG_MIN}-${ICE_UFRAG_MAX} ice-chars (RFC 8839 section 5.4)`);
  }
  if (!ice.test(options.icePwd) || options.icePwd.length < ICE_PWD_MIN || options.icePwd.length > ICE_PWD_MAX) {
    throw new RangeError(`ice-pwd must be ${ICE_PWD_MIN}-${ICE_PWD_MAX} ice-chars (RFC 8839 section 5.4)`);
  }
  if (!isWellFormedFingerprint(options.fingerprint)) throw new RangeError('fingerprint must be colon-separated hex bytes of its hash length (RFC 8122 section 5)');
}

function randomSessionId(): string {
  // 63 bits, as browsers use: positive in a signed 64-bit integer.
  return (randomBytes(8).readBigUInt64BE() >> 1n).toString();
}

/** Our DTLS role: the offer may force one side (RFC 8842 section 5); else our preference. */
function answerSetup(offered: string | undefined, preferred: 'active' | 'passive'): 'active' | 'passive' {
  if (offered === 'active') return 'passive';
  if (offered === 'passive') return 'active';
  return preferred;
}

function dataChannelCapabilities(option: AnswerOptions['dataChannel']): DataChannelCapabilities | undefined {
  if (option === false) return undefined;
  return option === undefined || option === true ? {} : option;
}

/** Decide every section of the answer (no text yet). Exposed for callers that need the codecs. */
export function planAnswer(offer: SessionDescription, options: AnswerOptions): AnsweredSection[] {
  return offer.media.map((media) => {
    const base = { mid: media.mid, kind: media.kind };
    const rejected = { ...base, accepted: false, direction: 'inactive' as Direction, codecs: [] };
    if (media.isRejected) return rejected;
    if (media.isDataChannel) {
      const ok = dataChannelCapabilities(options.dataChannel) !== undefined && media.protocol.includes('DTLS/SCTP');
      return ok ? { ...base, accepted: true, direction: offer.directionOf(media), codecs: [] } : rejected;
    }
    const caps = media.kind === 'audio' ? options.audio : media.kind === 'video' ? options.video : undefined;
    if (!caps || !media.isRtp) return rejected;
    const codecs = negotiateCodecs(media.codecs, caps.codecs);
    if (!codecs.some((c) => c.associatedPayloadType === undefined)) return rejected;
    return { ...base, accepted: true, direction: answerDirection(offer.directionOf(media), caps.direction ?? 'sendrecv'), codecs };
  });
}

/**
 * Build an answer to `offer` (text or parsed) with our ICE credentials, DTLS fingerprint and
 * codec capabilities. The result passes `validate(answer, { type: 'answer', offer })` for an
 * offer that itself validates.
 */
export function createAnswer(offer: SessionDescription | string, options: AnswerOptions): SessionDescription {
  checkOptions(options);
  const parsed = typeof offer === 'string' ? parse(offer) : offer;
  const plan = planAnswer(parsed, options);

  const acceptedMids = new Set(plan.filter((p) => p.accepted && p.mid !== undefined).map((p) => p.mid as string));
  const groups = parsed.bundleGroups.map((g) => g.mids.filter((mid) => acceptedMids.has(mid))).filter((mids) => mids.length > 0);
  const grouped = new Set(groups.flat());
  const tags = new Set(groups.map((g) => g[0]));

  const out: string[] = [
    'v=0',
    `o=- ${options.sessionId ?? randomSessionId()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
  ];
  for (const mids of groups) out.push(formatAttribute('group', formatGroup({ semantics: 'BUNDLE', mids })));
  if (parsed.attribute('extmap-allow-mixed') !== undefined) out.push('a=extmap-allow-mixed');

  parsed.media.forEach((media, index) => {
    const section = plan[index];
    if (!section.accepted) {
      out.push(`m=${formatMediaLine({ kind: media.kind, port: 0, protocol: media.protocol, formats: media.formats })}`);
      out.push('c=IN IP4 0.0.0.0');
      if (media.mid !== undefined) out.push(formatAttribute('mid', media.mid));
      return;
    }
    const formats = media.isDataChannel ? media.formats : section.codecs.map((c) => String(c.payloadType));
    out.push(`m=${formatMediaLine({ kind: media.kind, port: 9, protocol: media.protocol, formats })}`);
    out.push('c=IN IP4 0.0.0.0');
    pushTransport(out, parsed, media, options, section.mid === undefined || !grouped.has(section.mid) || tags.has(section.mid));
    if (media.mid !== undefined) out.push(formatAttribute('mid', media.mid));
    if (media.isDataChannel) {
      const caps = dataChannelCapabilities(options.dataChannel) ?? {};
      out.push(formatAttribute('sctp-port', String(caps.sctpPort ?? DEFAULT_SCTP_PORT)));
      out.push(formatAttribute('max-message-size', String(caps.maxMessageSize ?? DEFAULT_ANSWER_MAX_MESSAGE_SIZE)));
      return;
    }
    const caps = (media.kind === 'audio' ? options.audio : options.video) as MediaCapabilities;
    pushRtp(out, media, section, caps);
  });
  return parse(out.join(CRLF) + CRLF);
}

function pushTransport(out: string[], offer: SessionDescription, media: MediaSection, options: AnswerOptions, ownsTransport: boolean): void {
  out.push(formatAttribute('ice-ufrag', options.iceUfrag));
  out.push(formatAttribute('ice-pwd', options.icePwd));
  const iceOptions = options.iceOptions ?? ['trickle'];
  if (iceOptions.length) out.push(formatAttribute('ice-options', iceOptions.join(' ')));
  out.push(formatAttribute('fingerprint', `${options.fingerprint.algorithm} ${options.fingerprint.value}`));
  out.push(formatAttribute('setup', answerSetup(offer.transportOf(media).setup?.value, options.setup ?? 'active')));
  if (ownsTransport) {
    for (const candidate of options.candidates ?? []) out.push(formatAttribute('candidate', candidate));
    if (options.endOfCandidates) out.push('a=end-of-candidates');
  }
}

function pushRtp(out: string[], media: MediaSection, section: AnsweredSection, caps: MediaCapabilities): void {
  const supported = new Set(caps.extensions ?? []);
  const usedUris = new Set<string>();
  for (const ext of media.extmaps) {
    if (!supported.has(ext.uri) || usedUris.has(ext.uri)) continue;
    usedUris.add(ext.uri);
    out.push(formatAttribute('extmap', formatExtmap({ id: ext.id, direction: undefined, uri: ext.uri, attributes: undefined })));
  }
  out.push(`a=${section.direction}`);
  const sending = sends(section.direction);
  if (sending && caps.msid) out.push(formatAttribute('msid', formatMsid(caps.msid)));
  if (media.rtcpMux) out.push('a=rtcp-mux');
  if (media.rtcpRsize) out.push('a=rtcp-rsize');
  for (const codec of section.codecs) {
    out.push(formatAttribute('rtpmap', formatRtpmap({ payloadType: codec.payloadType, encodingName: codec.name, clockRate: codec.clockRate, channels: codec.channels })));
    for (const fb of codec.feedback) out.push(formatAttribute('rtcp-fb', formatRtcpFeedback({ payloadType: codec.payloadType, ...fb })));
    if (codec.parameters.size) out.push(formatAttribute('fmtp', formatFmtp(codec.payloadType, codec.parameters)));
  }
  if (sending && caps.ssrc !== undefined) {
    const cname = caps.cname ?? 'spellbook';
    const rtx = caps.rtxSsrc !== undefined && section.codecs.some((c) => c.associatedPayloadType !== undefined);
    if (rtx) out.push(formatAttribute('ssrc-group', `FID ${caps.ssrc} ${caps.rtxSsrc}`));
    out.push(formatAttribute('ssrc', `${caps.ssrc} cname:${cname}`));
    if (rtx) out.push(formatAttribute('ssrc', `${caps.rtxSsrc} cname:${cname}`));
  }
}
