/**
 * `spellbook/envelope/web`: the browser-safe half of `spellbook/envelope` (no Node imports):
 * RFC 8785 canonical JSON, envelope building and signing, WebCrypto Ed25519 identities and
 * verification of signatures. Schema validation and the replay-checking EnvelopeVerifier are
 * in `spellbook/envelope` (Node).
 */
export { canonicalize, canonicalBytes, parseJson, type CanonicalOptions } from './canonical.js';
export {
  EnvelopeComposer,
  signEnvelope,
  signingBytes,
  signedFieldsOf,
  withoutSignature,
  newNonce,
  type ComposerOptions,
  type EnvelopeDraft,
  type IFMessage,
  type IFScope,
  type IFSignature,
  type Performative,
  type UnsignedIFMessage,
} from './envelope.js';
export { agentIdFromDigest, formatPublicKey, parsePublicKey, type Signer, type SyncSigner, type AsyncSigner } from './identity.js';
export { WebIdentity, agentIdOfWeb, sha256Web, verifyEd25519Web } from './identity-web.js';
export { toBase64, fromBase64, toHex, fromHex, toBase32 } from './codec.js';
export { EnvelopeError, KeyFileError } from './errors.js';
export { PERFORMATIVES, SIGNING_DOMAIN, ENVELOPE_FIELDS } from './constants.js';
