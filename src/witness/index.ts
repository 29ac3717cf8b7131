/**
 * `spellbook/witness`: a tamper-evident record of signaling events. Append-only JSON lines
 * hashed into an RFC 9162 Merkle tree, signed checkpoints in the C2SP signed-note format
 * (cosignable), inclusion and consistency proofs, and a verifier that names every kind of
 * damage. See docs/witness.md.
 */
export { WitnessLog, type WitnessLogOptions } from './log.js';
export { verifyLog, type LogReport, type VerifyLogOptions, type WitnessFinding, type CheckpointInput, type VerifiedCheckpoint } from './verify.js';
export { normalizeEvent, entryLine, parseEntryLine, eventFromSignaling, type SignalingObservation, type WitnessEvent, type WitnessEntry, type WitnessEventType } from './entry.js';
export {
  parseCheckpoint,
  parseNote,
  signNote,
  signCheckpoint,
  cosignCheckpoint,
  checkpointBody,
  checkpointSigners,
  noteKeyId,
  noteVerifier,
  formatVerifierKey,
  parseVerifierKey,
  defaultKeyName,
  type Checkpoint,
  type SignedCheckpoint,
  type SignedNote,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
} from './checkpoint.js';
export { MerkleTree, leafHash, nodeHash, verifyInclusion, verifyConsistency, splitPoint, EMPTY_ROOT, HASH_BYTES } from './merkle.js';
export { WitnessError } from './errors.js';
export { EVENT_TYPES, FINDINGS, WITNESS_ERRORS, MAX_LINE_BYTES, MAX_NOTE_BYTES, type FindingKind, type WitnessErrorCode } from './constants.js';
export { resolveNoteVerifier, noteSignerFromKeyFile } from './keys.js';
