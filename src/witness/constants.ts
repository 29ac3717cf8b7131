/** Limits, formats and messages of the witness log (`spellbook/witness`). */

export const EVENT_TYPES = ['join', 'leave', 'offer', 'answer'] as const;

/** Room and peer ids: what the signaling protocol allows (schemas/signaling.schema.json `id`). */
export const ID_PATTERN = /^[A-Za-z0-9._:@+-]{1,128}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** `prev` of the first entry. */
export const ZERO_HASH_HEX = '0'.repeat(64);

/** Longest log line accepted, in bytes (an entry is about 250). */
export const MAX_LINE_BYTES = 4096;
/** Largest signed note (checkpoint with cosignatures) accepted, in bytes. */
export const MAX_NOTE_BYTES = 65_536;
/** Most signature lines in one note. */
export const MAX_NOTE_SIGNATURES = 100;
/** Longest checkpoint origin line. */
export const MAX_ORIGIN_LENGTH = 255;
/** Signature algorithm byte of an Ed25519 note key (C2SP signed-note). */
export const NOTE_ALG_ED25519 = 0x01;
/** Signature line prefix: U+2014 EM DASH and a space (C2SP signed-note). */
export const NOTE_SIGNATURE_PREFIX = '\u2014 ';

/** Kinds of damage `verifyLog` reports; the rule printed is `witness/<kind>`. */
export const FINDINGS = {
  malformed: 'line is not a witness entry',
  'not-canonical': 'line is not the RFC 8785 canonical JSON of its entry (it was rewritten)',
  'torn-line': 'the last line has no newline (an interrupted write or a cut file)',
  modified: 'entry was modified: it does not hash to what the next entry recorded',
  deleted: 'entry is missing (deleted)',
  inserted: 'entry was inserted: its index appears twice',
  reordered: 'entry is out of order (reordered)',
  truncated: 'log is shorter than a checkpoint already seen (truncated)',
  'root-mismatch': "the log's entries do not hash to the checkpoint's root",
  'checkpoint-malformed': 'checkpoint is not a C2SP signed note with a tlog checkpoint body',
  'checkpoint-signature': 'checkpoint carries no valid signature by the given key',
} as const;
export type FindingKind = keyof typeof FINDINGS;

export const WITNESS_ERRORS = {
  'bad-event': 'not a signaling event the witness records',
  'unknown-field': 'events carry only type, room, peerId, to, sdpSha256 and at (never raw SDP or addresses)',
  'bad-entry': 'not a witness log entry',
  'not-canonical': 'entry line is not canonical JSON',
  'line-too-long': 'line is longer than the limit',
  'bad-note': 'not a C2SP signed note',
  'bad-checkpoint': 'note body is not a tlog checkpoint',
  'bad-key': 'not a note verifier key (<name>+<hex key id>+<base64 key>)',
  'no-signer': 'the log has no signing key',
  'bad-range': 'index or tree size out of range',
  'damaged-log': 'the existing log does not verify',
} as const;
export type WitnessErrorCode = keyof typeof WITNESS_ERRORS;
