/** Typed errors of the peer module. Every error this module throws on purpose is one of these. */
import type { ValidationIssue } from '../sdp/index.js';

export type PeerErrorCode = 'closed' | 'invalid-description' | 'no-acceptable-codec' | 'signaling' | 'native';

/** Base class: `code` tells the kinds apart without `instanceof`. */
export class PeerError extends Error {
  override readonly name: string = 'PeerError';
  constructor(
    readonly code: PeerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A local or remote description failed our SDP validation (`validate` of src/sdp, RFC 8866,
 * RFC 8829). `issues` are the errors found, each with its line.
 */
export class InvalidDescriptionError extends PeerError {
  override readonly name = 'InvalidDescriptionError';
  constructor(
    readonly descriptionType: 'offer' | 'answer',
    readonly issues: readonly ValidationIssue[],
    message: string,
  ) {
    super('invalid-description', message);
  }
}

/**
 * The offer has no media section we can answer with a codec we send: H.264 packetization-mode 1
 * with profile 42e01f (RFC 6184 section 8.2.2) for video, Opus (RFC 7587) for audio.
 * `rejected` lists the sections (mid and kind) that had nothing acceptable.
 */
export class NoAcceptableCodecError extends PeerError {
  override readonly name = 'NoAcceptableCodecError';
  constructor(
    readonly rejected: readonly { mid: string; kind: string }[],
    message: string,
  ) {
    super('no-acceptable-codec', message);
  }
}

/** A call out of order (answer without offer, second offer) or a closed peer. */
export class SignalingError extends PeerError {
  override readonly name = 'SignalingError';
  constructor(message: string, code: 'signaling' | 'closed' = 'signaling') {
    super(code, message);
  }
}

/** node-datachannel threw or timed out; `cause` is its error. */
export class NativePeerError extends PeerError {
  override readonly name = 'NativePeerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('native', message, options);
  }
}
