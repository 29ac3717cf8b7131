/**
 * Witness wiring for a mesh run: the signaling server's observations (join, leave, offer,
 * answer; SDP as SHA-256 only) go into a WitnessLog (RFC 9162 Merkle tree, src/witness), and
 * the mesh's own agents sign and cosign its checkpoints (C2SP signed-note), so no single party
 * (the server included) can rewrite, reorder or cut the record of who negotiated with whom.
 */
import type { SyncSigner } from '../envelope/index.js';
import {
  checkpointSigners,
  cosignCheckpoint,
  defaultKeyName,
  eventFromSignaling,
  noteVerifier,
  parseCheckpoint,
  verifyLog,
  type LogReport,
  type NoteSigner,
  type SignalingObservation,
  type WitnessLog,
} from '../witness/index.js';

/** The `onObservation` option of a SignalingServer that records every observation in `log`. */
export function recordSignaling(log: WitnessLog): (observation: SignalingObservation) => void {
  return (observation) => log.record(eventFromSignaling(observation));
}

/** An agent's identity as a note signer, under its default key name (`defaultKeyName`). */
export function agentNoteSigner(identity: SyncSigner): NoteSigner {
  return { name: defaultKeyName(identity.publicKey), signer: identity };
}

/**
 * A checkpoint of `log` signed by the log's signer (an agent) and cosigned by each of
 * `cosigners` (other agents), as one C2SP signed note.
 */
export function cosignedCheckpoint(log: WitnessLog, cosigners: SyncSigner[]): string {
  let note = log.checkpoint();
  for (const c of cosigners) note = cosignCheckpoint(note, agentNoteSigner(c));
  return note;
}

export interface MeshWitnessReport {
  ok: boolean;
  /** Entries in the log. */
  size: number;
  /** Agent key names that signed the checkpoint, of those required. */
  signedBy: string[];
  /** Required agents whose signature is missing. */
  missing: string[];
  report: LogReport;
}

/**
 * Verify a mesh run's log against its checkpoint: the log is intact (no modified, deleted,
 * inserted, reordered or truncated entry; its first `size` entries hash to the checkpoint's
 * root) and every one of `signers` (public keys) signed the checkpoint.
 */
export function verifyMeshWitness(logText: string, checkpointText: string, signers: Uint8Array[]): MeshWitnessReport {
  const verifiers = signers.map((k) => noteVerifier(defaultKeyName(k), k));
  const report = verifyLog(logText, { checkpoints: [{ text: checkpointText }], keys: verifiers });
  let signedBy: string[] = [];
  try {
    signedBy = checkpointSigners(parseCheckpoint(checkpointText), verifiers).map((v) => v.name);
  } catch {
    signedBy = [];
  }
  const missing = verifiers.map((v) => v.name).filter((n) => !signedBy.includes(n));
  return { ok: report.ok && missing.length === 0, size: report.size, signedBy, missing, report };
}
