/**
 * Thresholds, formats and messages of the signed envelope (IFMessage v2.1). One place for
 * every limit and every user-facing message of `spellbook/envelope`.
 */

/** Domain separation prefix: the signed bytes are this prefix followed by the RFC 8785 canonical JSON. */
export const SIGNING_DOMAIN = 'spellbook/ifmessage/v2.1/ed25519\n';

/** URI prefix of an agent id (`if://agent/<26 base32 chars>`, see identity docs). */
export const AGENT_URI_PREFIX = 'if://agent/';
/** Bytes of SHA-256(raw public key) kept in an agent id: 16 bytes = 128 bits = 26 base32 characters. */
export const AGENT_ID_HASH_BYTES = 16;
export const CONVERSATION_URI_PREFIX = 'if://conversation/';

/** The performatives IFMessage v2.1 allows. */
export const PERFORMATIVES = ['request', 'inform', 'agree', 'refuse', 'query-if', 'query-ref', 'contradict', 'escalate', 'share', 'hold'] as const;

/** Envelope members other than `signature`; `signed_fields` must list exactly the ones present, sorted. */
export const ENVELOPE_FIELDS = [
  'content',
  'conversation_id',
  'nonce',
  'performative',
  'receiver',
  'scope',
  'sender',
  'sequence_num',
  'timestamp',
  'trace_id',
  'ttl',
] as const;

export const TTL_MIN_S = 1;
export const TTL_MAX_S = 3600;
export const DEFAULT_TTL_S = 60;
/** Nonce: 12 random bytes as 24 lowercase hex characters. */
export const NONCE_BYTES = 12;

/** Largest envelope accepted by the verifier, in UTF-8 bytes (64 KiB, one data channel message). */
export const DEFAULT_MAX_ENVELOPE_BYTES = 65_536;
/** Deepest nesting canonical JSON accepts (objects and arrays). */
export const MAX_JSON_DEPTH = 32;
/** Clock skew allowed on both sides of a timestamp (30 s). */
export const DEFAULT_CLOCK_SKEW_MS = 30_000;
/** Sequence numbers remembered behind the highest seen, per sender (sliding bitmap, as RFC 4303 section 3.4.3). */
export const DEFAULT_REPLAY_WINDOW = 1024;
/** Nonces remembered across all senders; the oldest goes first when full. */
export const DEFAULT_NONCE_CACHE_SIZE = 100_000;
/** Senders whose replay state is kept; the least recently seen goes first when full. */
export const DEFAULT_MAX_SENDERS = 10_000;

/** Key file kind (JSON) written by `spell mesh keygen`. */
export const KEY_FILE_KIND = 'spellbook/ed25519-key/v1';
export const KEY_FILE_MODE = 0o600;

/** Stable codes of every verification failure, with the message each carries. */
export const ENVELOPE_ERRORS = {
  'too-large': 'envelope is larger than the limit',
  'bad-json': 'envelope is not valid JSON text (RFC 8259)',
  'duplicate-key': 'envelope has a duplicate member name (RFC 8785 section 3.1 needs unique names)',
  'not-canonicalizable': 'value cannot be carried exactly by RFC 8785 canonical JSON',
  unsigned: 'envelope has no signature',
  'schema-invalid': 'envelope does not match the IFMessage v2.1 schema',
  'signed-fields': 'signature.signed_fields must list exactly the envelope members other than signature, sorted',
  'unknown-sender': 'no key is pinned for this sender',
  'key-mismatch': 'the key carried in the envelope is not the key pinned for this sender',
  'sender-mismatch': 'the sender id is not derived from the pinned key',
  'bad-signature': 'signature does not verify with the pinned key',
  'wrong-receiver': 'envelope is addressed to another agent',
  expired: 'envelope is older than its ttl (plus the allowed clock skew)',
  'from-future': 'envelope timestamp is ahead of this clock by more than the allowed skew',
  'replayed-sequence': 'sequence number already seen from this sender',
  'stale-sequence': 'sequence number is behind the replay window of this sender',
  'replayed-nonce': 'nonce already seen from this sender',
} as const;

export type EnvelopeErrorCode = keyof typeof ENVELOPE_ERRORS;
export const ENVELOPE_ERROR_CODES = Object.keys(ENVELOPE_ERRORS) as EnvelopeErrorCode[];

export const SDP_BINDING_ERRORS = {
  'not-a-binding': 'envelope content is not an SDP binding',
  'type-mismatch': 'the description type differs from the signed one',
  'no-fingerprint': 'the description carries no a=fingerprint (RFC 8122 section 5)',
  'fingerprint-mismatch': 'the DTLS fingerprints in the description differ from the signed ones (RFC 8122)',
  'sdp-mismatch': 'the SHA-256 of the description differs from the signed one',
  'bad-sdp': 'the description does not parse (RFC 8866)',
} as const;
export type SdpBindingErrorCode = keyof typeof SDP_BINDING_ERRORS;

export const KEY_FILE_ERRORS = {
  'bad-key-file': 'not a spellbook Ed25519 key file',
  'bad-public-key': 'not an Ed25519 public key (expected ed25519:<base64 of 32 bytes>)',
  'key-file-permissions': 'key file is readable by group or others (chmod 600 it)',
  'key-file-exists': 'key file already exists (pass --force to replace it)',
} as const;
export type KeyFileErrorCode = keyof typeof KEY_FILE_ERRORS;
