/**
 * Signed offers and answers: an envelope whose content binds the DTLS certificate
 * fingerprints of a session description (`a=fingerprint`, RFC 8122 section 5) and the SHA-256
 * of the whole description to the sender's identity. DTLS (RFC 8842 section 5) then proves the
 * peer holds a certificate with that fingerprint, so a signaling server that rewrites the
 * fingerprint to put itself in the middle is caught: the description that arrived no longer
 * matches what its sender signed.
 */
import { parse, type SessionDescription } from '../sdp/index.js';
import { toHex } from './codec.js';
import type { EnvelopeComposer, EnvelopeDraft, IFMessage } from './envelope.js';
import { SdpBindingError } from './errors.js';
import { sha256 } from './identity-node.js';
import type { EnvelopeVerifier, VerifiedEnvelope } from './verifier.js';

export type SdpType = 'offer' | 'answer';

export interface SessionDescriptionInit {
  type: SdpType;
  sdp: string;
}

/** What the envelope's `content.sdp_binding` holds. */
export interface SdpBinding {
  type: SdpType;
  /** `<hash function> <FINGERPRINT>`: lowercase function, uppercase hex, sorted, no duplicates. */
  fingerprints: string[];
  /** Lowercase hex SHA-256 of the description's UTF-8 text. */
  sdp_sha256: string;
}

export interface SignedSessionDescription extends SessionDescriptionInit {
  binding: IFMessage;
}

/** Every fingerprint of the description (session level and every media section), normalised and sorted. */
export function fingerprintsOf(description: SessionDescription): string[] {
  const all = [...description.fingerprints, ...description.media.flatMap((m) => m.fingerprints)];
  return [...new Set(all.map((f) => `${f.algorithm.toLowerCase()} ${f.value.toUpperCase()}`))].sort();
}

function parsed(sdp: string): SessionDescription {
  try {
    return parse(sdp);
  } catch (error) {
    throw new SdpBindingError('bad-sdp', error instanceof Error ? error.message : String(error));
  }
}

/** The binding for a description; refuses one without a fingerprint. */
export function sdpBindingOf(description: SessionDescriptionInit): SdpBinding {
  const fingerprints = fingerprintsOf(parsed(description.sdp));
  if (!fingerprints.length) throw new SdpBindingError('no-fingerprint');
  return { type: description.type, fingerprints, sdp_sha256: toHex(sha256(description.sdp)) };
}

/**
 * Sign an offer or answer: an `inform` envelope to `draft.receiver` whose content is
 * `{ sdp_binding }`. Synchronous with a Node identity.
 */
export function signSessionDescription(
  composer: EnvelopeComposer<Uint8Array>,
  description: SessionDescriptionInit,
  draft: Omit<EnvelopeDraft, 'performative' | 'content'>,
): SignedSessionDescription {
  const binding = composer.seal({ ...draft, performative: 'inform', content: { sdp_binding: sdpBindingOf(description) } });
  return { type: description.type, sdp: description.sdp, binding };
}

/**
 * Verify a signed description as it arrived: the envelope through `verifier` (pinned key,
 * freshness, replay: EnvelopeError), then the description against the signed binding
 * (SdpBindingError `fingerprint-mismatch`, `sdp-mismatch`, `type-mismatch`, ...).
 */
export function verifySessionDescription(verifier: EnvelopeVerifier, arrived: SignedSessionDescription | { type: SdpType; sdp: string; binding: unknown }): VerifiedEnvelope & { binding: SdpBinding } {
  const verified = verifier.verify(arrived.binding as object);
  const signed = verified.envelope.content.sdp_binding as Partial<SdpBinding> | undefined;
  if (!signed || typeof signed !== 'object' || !Array.isArray(signed.fingerprints) || typeof signed.sdp_sha256 !== 'string') {
    throw new SdpBindingError('not-a-binding');
  }
  if (signed.type !== arrived.type) throw new SdpBindingError('type-mismatch', `signed ${String(signed.type)}, arrived ${arrived.type}`);
  const now = fingerprintsOf(parsed(arrived.sdp));
  if (!now.length) throw new SdpBindingError('no-fingerprint');
  const same = now.length === signed.fingerprints.length && now.every((f, i) => f === signed.fingerprints![i]);
  if (!same) throw new SdpBindingError('fingerprint-mismatch', `signed [${signed.fingerprints.join(', ')}], arrived [${now.join(', ')}]`);
  if (toHex(sha256(arrived.sdp)) !== signed.sdp_sha256) throw new SdpBindingError('sdp-mismatch');
  return { ...verified, binding: signed as SdpBinding };
}
