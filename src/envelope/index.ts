/**
 * `spellbook/envelope`: signed IFMessage v2.1 envelopes. Ed25519 identities (node:crypto, or
 * WebCrypto through `spellbook/envelope/web`), agent ids derived from public keys, key files,
 * RFC 8785 canonical JSON signing with a domain prefix, the EnvelopeVerifier (pinned keys,
 * TTL, replay window and nonce cache, schema, size; typed errors counted by code) and signed
 * offers/answers binding DTLS fingerprints. See docs/envelope.md.
 */
export * from './web.js';
export { NodeIdentity, agentIdOf, readPublicKey, sha256, verifyEd25519 } from './identity-node.js';
export {
  EnvelopeVerifier,
  type EnvelopeVerifierOptions,
  type EnvelopeVerifierStats,
  type KeyLookup,
  type VerifiedEnvelope,
  type VerifyResult,
} from './verifier.js';
export { assertIFMessageSchema, isIFMessage, IFMESSAGE_SCHEMA_PATH } from './schema.js';
export {
  fingerprintsOf,
  sdpBindingOf,
  signSessionDescription,
  verifySessionDescription,
  type SdpBinding,
  type SdpType,
  type SessionDescriptionInit,
  type SignedSessionDescription,
} from './sdp-binding.js';
export { SdpBindingError } from './errors.js';
export {
  ENVELOPE_ERRORS,
  ENVELOPE_ERROR_CODES,
  SDP_BINDING_ERRORS,
  KEY_FILE_ERRORS,
  DEFAULT_MAX_ENVELOPE_BYTES,
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_REPLAY_WINDOW,
  DEFAULT_NONCE_CACHE_SIZE,
  TTL_MIN_S,
  TTL_MAX_S,
  type EnvelopeErrorCode,
  type SdpBindingErrorCode,
  type KeyFileErrorCode,
} from './constants.js';
