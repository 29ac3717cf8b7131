/**
 * Codec intersection for an answer (RFC 3264 section 6.1, RFC 8829 section 5.3.1).
 *
 * - Codecs match by encoding name (case-insensitive, RFC 4855 section 3), clock rate and
 *   channel count (absent means 1, RFC 8866 section 6.6), plus format rules: H.264 by
 *   RFC 6184 section 8.2.2 (see h264.ts), VP9 `profile-id` and AV1 `profile` must be equal
 *   (absent means 0).
 * - The answer keeps the offer's payload type numbers (RFC 3264 section 6.1: the answerer uses
 *   the offerer's mapping for the formats it accepts) and the offer's order.
 * - RTX (RFC 4588 section 8) follows its primary codec: accepted when the primary is and the
 *   local codec does RTX, with `apt` naming the offer's primary payload type.
 * - RED (RFC 2198) is accepted when every payload type it names was accepted.
 * - rtcp-fb (RFC 4585 section 4.2) is the intersection of the offered and local lists.
 */
import { negotiateH264 } from './h264.js';
import { negotiateOpus, type OpusPreferences, type OpusSendConfig } from './opus.js';
import { tryDecimal } from './scan.js';
import type { Codec } from './types.js';

export interface CodecCapability {
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** fmtp parameters describing what we can receive (for H.264: packetization-mode, profile-level-id...). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** rtcp-fb we support, written `type` or `type subtype`: `nack`, `nack pli`, `ccm fir`, `goog-remb`, `transport-cc`. */
  readonly feedback?: readonly string[];
  /** We do RTX retransmission (RFC 4588) for this codec. */
  readonly rtx?: boolean;
  /** Opus preferences (used when the codec is opus). */
  readonly opus?: OpusPreferences;
}

export interface NegotiatedFeedback {
  readonly type: string;
  readonly subtype: string | undefined;
}

export interface NegotiatedCodec {
  /** The offer's payload type. */
  readonly payloadType: number;
  readonly name: string;
  readonly clockRate: number;
  readonly channels: number | undefined;
  /** Our answer's fmtp parameters for this payload type (empty: no fmtp line). */
  readonly parameters: Map<string, string>;
  readonly feedback: readonly NegotiatedFeedback[];
  /** For rtx: the primary payload type it retransmits. */
  readonly associatedPayloadType?: number;
  /** For opus: how we must encode what we send. */
  readonly opus?: OpusSendConfig;
}

const lower = (s: string) => s.toLowerCase();

function paramsOf(local: CodecCapability): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(local.parameters ?? {})) out.set(lower(k), v);
  return out;
}

/** Name, clock rate and channels (RFC 8866 section 6.6: channels default to 1). */
function sameEncoding(offered: Codec, local: CodecCapability): boolean {
  return (
    lower(offered.name) === lower(local.name) &&
    offered.clockRate === local.clockRate &&
    (offered.channels ?? 1) === (local.channels ?? 1)
  );
}

/** Try to accept one offered (primary) codec with one local capability. */
function accept(offered: Codec, local: CodecCapability): NegotiatedCodec | undefined {
  if (!sameEncoding(offered, local)) return undefined;
  const localParams = paramsOf(local);
  let parameters: Map<string, string>;
  let opus: OpusSendConfig | undefined;
  switch (lower(offered.name)) {
    case 'h264': {
      const result = negotiateH264(offered.parameters, localParams);
      if (!result.ok) return undefined;
      parameters = result.parameters;
      break;
    }
    case 'vp9':
    case 'av1': {
      const key = lower(offered.name) === 'vp9' ? 'profile-id' : 'profile';
      if ((offered.parameters.get(key) || '0') !== (localParams.get(key) || '0')) return undefined;
      parameters = localParams;
      break;
    }
    case 'opus': {
      const result = negotiateOpus(offered.parameters, local.opus);
      parameters = result.answerParameters;
      opus = result.send;
      break;
    }
    default:
      parameters = localParams;
  }
  const supported = new Set((local.feedback ?? []).map((f) => f.trim().replace(/\s+/g, ' ')));
  const feedback: NegotiatedFeedback[] = [];
  const seen = new Set<string>();
  for (const fb of offered.feedback) {
    const key = fb.subtype === undefined ? fb.type : `${fb.type} ${fb.subtype}`;
    if (supported.has(key) && !seen.has(key)) {
      seen.add(key);
      feedback.push({ type: fb.type, subtype: fb.subtype });
    }
  }
  return {
    payloadType: offered.payloadType,
    name: offered.name,
    clockRate: offered.clockRate,
    channels: offered.channels,
    parameters,
    feedback,
    ...(opus ? { opus } : {}),
  };
}

/** RED's fmtp lists the redundant payload types: `111/111` (RFC 2198 section 5). */
function redPayloadTypes(codec: Codec): number[] | undefined {
  const [first] = codec.parameters.keys();
  if (first === undefined) return [];
  const out: number[] = [];
  for (const part of first.split('/')) {
    const pt = tryDecimal(part, 127);
    if (pt === undefined) return undefined;
    out.push(pt);
  }
  return out;
}

/**
 * Intersect the codecs of an offered m= section with local capabilities. Returns the accepted
 * codecs in the offer's order, with the offer's payload types and our answer parameters.
 */
export function negotiateCodecs(offered: readonly Codec[], local: readonly CodecCapability[]): NegotiatedCodec[] {
  const accepted = new Map<number, { codec: NegotiatedCodec; local: CodecCapability }>();
  // Primary codecs first, so RTX and RED can see what was accepted regardless of order.
  for (const codec of offered) {
    const name = lower(codec.name);
    if (name === 'rtx' || name === 'red') continue;
    for (const capability of local) {
      const result = accept(codec, capability);
      if (result) {
        accepted.set(codec.payloadType, { codec: result, local: capability });
        break;
      }
    }
  }
  for (const codec of offered) {
    const name = lower(codec.name);
    if (name === 'rtx') {
      const apt = tryDecimal(codec.parameters.get('apt') ?? '', 127);
      const primary = apt === undefined ? undefined : accepted.get(apt);
      if (!primary || !primary.local.rtx || primary.codec.clockRate !== codec.clockRate) continue;
      accepted.set(codec.payloadType, {
        codec: {
          payloadType: codec.payloadType,
          name: codec.name,
          clockRate: codec.clockRate,
          channels: codec.channels,
          parameters: new Map([['apt', String(apt)]]),
          feedback: [],
          associatedPayloadType: apt,
        },
        local: primary.local,
      });
    } else if (name === 'red') {
      const capability = local.find((l) => sameEncoding(codec, l));
      const pts = redPayloadTypes(codec);
      if (!capability || !pts || !pts.every((pt) => accepted.has(pt))) continue;
      const parameters = new Map(codec.parameters);
      accepted.set(codec.payloadType, {
        codec: { payloadType: codec.payloadType, name: codec.name, clockRate: codec.clockRate, channels: codec.channels, parameters, feedback: [] },
        local: capability,
      });
    }
  }
  const out: NegotiatedCodec[] = [];
  for (const codec of offered) {
    const hit = accepted.get(codec.payloadType);
    if (hit) {
      out.push(hit.codec);
      accepted.delete(codec.payloadType);
    }
  }
  return out;
}
