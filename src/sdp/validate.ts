/**
 * Checks a parsed description against what WebRTC endpoints need (RFC 8829 JSEP sections 5.2
 * and 5.3, RFC 8839 ICE attributes, RFC 8122 fingerprint, RFC 8843 BUNDLE, RFC 8866 SDP) and
 * returns every problem found, each with a code, the line it concerns and the attribute.
 * Parsing already rejected malformed lines; these are problems of meaning.
 */
import {
  FINGERPRINT_LENGTHS,
  ICE_PWD_MAX,
  ICE_PWD_MIN,
  ICE_UFRAG_MAX,
  ICE_UFRAG_MIN,
  STATIC_PAYLOAD_TYPES,
  VALIDATION_CODES,
  type Severity,
  type ValidationCode,
} from './constants.js';
import type { MediaSection } from './media.js';
import type { SessionDescription } from './session.js';
import type { Fingerprint, LocatedValue } from './types.js';

export interface ValidationIssue {
  readonly code: ValidationCode;
  readonly severity: Severity;
  readonly message: string;
  /** 1-based line the issue is about (for something missing: the m= line, or line 1). */
  readonly line: number;
  /** The attribute (or line type) concerned, e.g. `ice-ufrag`, `rtpmap`, `o`. */
  readonly attribute: string;
  /** Index of the media section, when the issue is in one. */
  readonly mediaIndex?: number;
  readonly mid?: string;
}

export interface ValidateOptions {
  /** Offers must use setup actpass; answers active or passive. Unset: any of the three. */
  readonly type?: 'offer' | 'answer' | 'pranswer';
  /** For an answer: the offer it answers (m= count, order, mids and media types are compared). */
  readonly offer?: SessionDescription;
}

/** RFC 8839 section 5.4: ice-char = ALPHA / DIGIT / "+" / "/". */
function isIceChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return true;
}

/** RFC 8122 section 5: fingerprint = 2UHEX *(":" 2UHEX), of the hash's length when known. */
export function isWellFormedFingerprint(fingerprint: Pick<Fingerprint, 'algorithm' | 'value'>): boolean {
  const parts = fingerprint.value.split(':');
  for (const part of parts) if (part.length !== 2 || !/^[0-9A-Fa-f]{2}$/.test(part)) return false;
  const expected = FINGERPRINT_LENGTHS.get(fingerprint.algorithm.toLowerCase());
  return expected === undefined || expected === parts.length;
}

/** Validate a description; an empty list means no problem was found. */
export function validate(description: SessionDescription, options: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (code: ValidationCode, line: number, attribute: string, detail?: string, media?: { index: number; mid?: string }) => {
    const [severity, text] = VALIDATION_CODES[code];
    issues.push({
      code,
      severity,
      message: detail ? `${text}: ${detail}` : text,
      line,
      attribute,
      ...(media ? { mediaIndex: media.index, ...(media.mid !== undefined ? { mid: media.mid } : {}) } : {}),
    });
  };

  // Session level (RFC 8866 sections 5.2, 5.3, 5.9).
  if (!description.origin) add('missing-origin', 1, 'o');
  if (description.sessionName === undefined) add('missing-session-name', 1, 's');
  if (description.timings.length === 0) add('missing-timing', 1, 't');
  checkTransportValues(description.iceUfrag, description.icePwd, description.fingerprints, description.setup, options, add);

  // BUNDLE groups (RFC 8843 sections 6 and 7, RFC 5888 section 5).
  const mids = new Set(description.media.map((m) => m.mid).filter((m): m is string => m !== undefined));
  const bundled = new Map<string, number>();
  for (const group of description.bundleGroups) {
    for (const mid of group.mids) {
      if (!mids.has(mid)) add('bundle-unknown-mid', group.line, 'group', `"${mid}"`);
      if (bundled.has(mid)) add('duplicate-bundle-mid', group.line, 'group', `"${mid}"`);
      else bundled.set(mid, group.line);
    }
  }
  const hasBundle = description.bundleGroups.length > 0;
  const bundleTags = new Set(description.bundleGroups.map((g) => g.mids[0]).filter((m) => m !== undefined));

  const seenMids = new Set<string>();
  description.media.forEach((media, index) => {
    const where = { index, mid: media.mid };
    const mLine = media.line;
    if (media.mid === undefined) add('missing-mid', mLine, 'mid', undefined, where);
    else if (seenMids.has(media.mid)) add('duplicate-mid', media.midLine ?? mLine, 'mid', `"${media.mid}"`, where);
    else seenMids.add(media.mid);
    if (media.isRejected) return;

    if (hasBundle && media.mid !== undefined && !bundled.has(media.mid)) add('mid-not-in-bundle', media.midLine ?? mLine, 'mid', `"${media.mid}"`, where);
    if (!media.connection && !description.connection) add('missing-connection', mLine, 'c', undefined, where);
    if (media.directions.length > 1) add('multiple-directions', media.directions[1].line, media.directions[1].value, undefined, where);

    // Transport: required in a section that owns its transport, i.e. not bundled behind the
    // BUNDLE-tagged section (RFC 8843 section 7.1.3); values checked wherever they appear.
    const transport = description.transportOf(media);
    const ownsTransport = media.mid === undefined || !bundled.has(media.mid) || bundleTags.has(media.mid);
    if (ownsTransport) {
      if (!transport.iceUfrag) add('missing-ice-ufrag', mLine, 'ice-ufrag', undefined, where);
      if (!transport.icePwd) add('missing-ice-pwd', mLine, 'ice-pwd', undefined, where);
      if (transport.fingerprints.length === 0) add('missing-fingerprint', mLine, 'fingerprint', undefined, where);
      if (!transport.setup) add('missing-setup', mLine, 'setup', undefined, where);
    }
    checkTransportValues(media.iceUfrag, media.icePwd, media.fingerprints, media.setup, options, add, where);

    if (media.isRtp) checkRtp(media, add, where);
    if (media.isDataChannel && media.sctpPort === undefined) add('missing-sctp-port', mLine, 'sctp-port', undefined, where);
  });

  if (options.offer) checkAgainstOffer(description, options.offer, add);
  return issues;
}

type Add = (code: ValidationCode, line: number, attribute: string, detail?: string, media?: { index: number; mid?: string }) => void;

function checkTransportValues(
  ufrag: LocatedValue<string> | undefined,
  pwd: LocatedValue<string> | undefined,
  fingerprints: readonly Fingerprint[],
  setup: LocatedValue<string> | undefined,
  options: ValidateOptions,
  add: Add,
  where?: { index: number; mid?: string },
): void {
  if (ufrag && (ufrag.value.length < ICE_UFRAG_MIN || ufrag.value.length > ICE_UFRAG_MAX || !isIceChars(ufrag.value))) {
    add('bad-ice-ufrag', ufrag.line, 'ice-ufrag', `"${ufrag.value}"`, where);
  }
  if (pwd && (pwd.value.length < ICE_PWD_MIN || pwd.value.length > ICE_PWD_MAX || !isIceChars(pwd.value))) {
    add('bad-ice-pwd', pwd.line, 'ice-pwd', `${pwd.value.length} characters`, where);
  }
  for (const fp of fingerprints) if (!isWellFormedFingerprint(fp)) add('bad-fingerprint', fp.line, 'fingerprint', fp.algorithm, where);
  if (setup) {
    const role = setup.value;
    const allowed = options.type === 'offer' ? ['actpass'] : options.type === undefined ? ['actpass', 'active', 'passive'] : ['active', 'passive'];
    if (!allowed.includes(role)) add('bad-setup-role', setup.line, 'setup', `"${role}" in ${options.type ?? 'a description'}`, where);
  }
}

/** RTP section checks: RFC 8866 sections 6.6 and 6.15, RFC 4585 section 4.2, RFC 8285, RFC 5576. */
function checkRtp(media: MediaSection, add: Add, where: { index: number; mid?: string }): void {
  if (!media.rtcpMux) add('missing-rtcp-mux', media.line, 'rtcp-mux', undefined, where);
  const pts = new Set(media.payloadTypes);
  const mapped = new Set<number>();
  for (const r of media.rtpmaps) {
    if (!pts.has(r.payloadType)) add('rtpmap-unknown-pt', r.line, 'rtpmap', `payload type ${r.payloadType}`, where);
    if (mapped.has(r.payloadType)) add('duplicate-rtpmap', r.line, 'rtpmap', `payload type ${r.payloadType}`, where);
    mapped.add(r.payloadType);
  }
  for (const pt of media.payloadTypes) {
    if (!mapped.has(pt) && !STATIC_PAYLOAD_TYPES.has(pt)) add('missing-rtpmap', media.line, 'rtpmap', `payload type ${pt}`, where);
  }
  const formats = new Set(media.formats);
  const withFmtp = new Set<string>();
  for (const f of media.fmtps) {
    if (!formats.has(f.format)) add('fmtp-unknown-pt', f.line, 'fmtp', `format ${f.format}`, where);
    if (withFmtp.has(f.format)) add('duplicate-fmtp', f.line, 'fmtp', `format ${f.format}`, where);
    withFmtp.add(f.format);
  }
  for (const fb of media.rtcpFeedback) {
    if (fb.payloadType !== '*' && !pts.has(fb.payloadType)) add('rtcp-fb-unknown-pt', fb.line, 'rtcp-fb', `payload type ${fb.payloadType}`, where);
  }
  const uris = new Map<number, string>();
  for (const e of media.extmaps) {
    if (e.id === 0) add('bad-extmap-id', e.line, 'extmap', `id ${e.id}`, where);
    const other = uris.get(e.id);
    if (other !== undefined && other !== e.uri) add('duplicate-extmap-id', e.line, 'extmap', `id ${e.id}`, where);
    uris.set(e.id, e.uri);
  }
  const described = new Set(media.ssrcs.map((s) => s.ssrc));
  for (const g of media.ssrcGroups) {
    for (const ssrc of g.ssrcs) if (!described.has(ssrc)) add('ssrc-group-unknown-ssrc', g.line, 'ssrc-group', `ssrc ${ssrc}`, where);
  }
}

/** RFC 8829 section 5.3.1 / RFC 3264 section 6: one answer m= section per offer m= section, same order. */
function checkAgainstOffer(answer: SessionDescription, offer: SessionDescription, add: Add): void {
  if (answer.media.length !== offer.media.length) {
    add('answer-media-count', answer.media[0]?.line ?? 1, 'm', `${answer.media.length} in the answer, ${offer.media.length} in the offer`);
  }
  const n = Math.min(answer.media.length, offer.media.length);
  for (let i = 0; i < n; i++) {
    const a = answer.media[i];
    const o = offer.media[i];
    if (a.mid !== o.mid || a.kind !== o.kind) {
      add('answer-mid-mismatch', a.midLine ?? a.line, 'mid', `${a.kind} "${a.mid}" answers ${o.kind} "${o.mid}"`, { index: i, mid: a.mid });
    }
  }
}
