/**
 * Verifying a witness log as a file: every line parsed, the tree rebuilt, and every kind of
 * damage named with its line and entry index:
 *
 * - `malformed` / `not-canonical`: a line that is not an entry, or was rewritten;
 * - `inserted`: an index that appears twice (the copy the next entry does not chain to);
 * - `reordered`: an index lower than one before it;
 * - `deleted`: a gap in the indexes;
 * - `modified`: an entry whose leaf hash differs from the `prev` the next entry recorded;
 * - `torn-line`: a last line without newline;
 * - with checkpoints (C2SP signed notes): `truncated` when the log has fewer entries than a
 *   checkpoint covers, `root-mismatch` when its first `size` entries do not hash (RFC 9162) to
 *   the checkpoint's root, `checkpoint-signature` when no given key signed it,
 *   `checkpoint-malformed` when it does not parse.
 *
 * Without a checkpoint, a change to the last entry, a rewrite of every later `prev`, or a cut
 * tail cannot be told from an honest log: that is what signed checkpoints are for.
 */
import { toBase64, toHex } from '../envelope/index.js';
import { checkpointSigners, parseCheckpoint, type NoteVerifier, type SignedCheckpoint } from './checkpoint.js';
import { FINDINGS, ZERO_HASH_HEX, type FindingKind } from './constants.js';
import { parseEntryLine, type WitnessEntry } from './entry.js';
import { WitnessError } from './errors.js';
import { MerkleTree } from './merkle.js';

export interface WitnessFinding {
  kind: FindingKind;
  /** `log`, or the checkpoint's name as given. */
  file: string;
  line: number;
  column: number;
  /** The entry index concerned, when there is one. */
  index?: number;
  message: string;
}

export interface CheckpointInput {
  text: string;
  /** Shown in findings (default `checkpoint`). */
  file?: string;
}

export interface VerifiedCheckpoint {
  file: string;
  origin: string;
  size: number;
  /** Names of the given keys that signed it. */
  signedBy: string[];
}

export interface LogReport {
  ok: boolean;
  /** Lines hashed into the tree (a torn last line is not). */
  size: number;
  /** RFC 9162 root over those lines, base64. */
  root: string;
  entries: WitnessEntry[];
  findings: WitnessFinding[];
  checkpoints: VerifiedCheckpoint[];
  /** The rebuilt tree, for proofs. */
  tree: MerkleTree;
}

export interface VerifyLogOptions {
  checkpoints?: CheckpointInput[];
  /** Keys a checkpoint must be signed by (any one). Without keys, signatures are not checked. */
  keys?: NoteVerifier[];
  /** Name of the log in findings (default `log`). */
  file?: string;
}

const encoder = new TextEncoder();

export function verifyLog(text: string, options: VerifyLogOptions = {}): LogReport {
  const file = options.file ?? 'log';
  const findings: WitnessFinding[] = [];
  const add = (kind: FindingKind, line: number, detail: string, index?: number, where = file) =>
    findings.push({ kind, file: where, line, column: 1, index, message: `${FINDINGS[kind]}${detail ? `: ${detail}` : ''}` });

  const lines = text.length ? text.split('\n') : [];
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  else if (lines.length) {
    add('torn-line', lines.length, 'not counted as an entry');
    lines.pop();
  }

  const tree = new MerkleTree();
  const hashes: string[] = [];
  const parsed: (WitnessEntry | undefined)[] = [];
  for (let p = 0; p < lines.length; p++) {
    hashes.push(toHex(tree.append(encoder.encode(lines[p]))));
    try {
      parsed.push(parseEntryLine(lines[p], p + 1));
    } catch (error) {
      if (!(error instanceof WitnessError)) throw error;
      parsed.push(undefined);
      add(error.code === 'not-canonical' ? 'not-canonical' : 'malformed', p + 1, error.code === 'not-canonical' ? '' : error.message);
    }
  }

  // Structure of the indexes: duplicates, order, gaps.
  const flagged = new Set<number>();
  const firstAt = new Map<number, number>();
  const chainsTo = (p: number) => parsed[p + 1]?.prev === hashes[p];
  let highest = -1;
  for (let p = 0; p < parsed.length; p++) {
    const e = parsed[p];
    if (!e) continue;
    const seen = firstAt.get(e.index);
    if (seen !== undefined) {
      const intruder = chainsTo(p) && !chainsTo(seen) ? seen : p;
      const other = intruder === p ? seen : p;
      add('inserted', intruder + 1, `index ${e.index} is also at line ${other + 1}`, e.index);
      flagged.add(intruder).add(intruder + 1);
      if (intruder === seen) firstAt.set(e.index, p);
      continue;
    }
    firstAt.set(e.index, p);
    if (e.index < highest) {
      add('reordered', p + 1, `index ${e.index} comes after index ${highest}`, e.index);
      flagged.add(p - 1).add(p).add(p + 1);
    }
    highest = Math.max(highest, e.index);
  }
  const present = [...firstAt.keys()].sort((a, b) => a - b);
  let expected = 0;
  for (const index of present) {
    if (index > expected) {
      const p = firstAt.get(index)!;
      // Lines already reported as malformed may hold the missing indexes.
      let unreadable = 0;
      for (let q = p - 1; q > (firstAt.get(expected - 1) ?? -1) && !parsed[q]; q--) unreadable++;
      if (unreadable >= index - expected) {
        expected = index + 1;
        continue;
      }
      add('deleted', p + 1, index - expected === 1 ? `index ${expected} is missing before this line` : `indexes ${expected}..${index - 1} are missing before this line`, expected);
      flagged.add(p);
    }
    expected = index + 1;
  }

  // The chain: each entry records the leaf hash of the line before it.
  for (let p = 0; p < parsed.length; p++) {
    const e = parsed[p];
    if (!e || flagged.has(p)) continue;
    if (p === 0) {
      if (e.prev !== ZERO_HASH_HEX) add('modified', 1, 'the first entry must record prev 0…0 (was an earlier entry cut off?)', e.index);
      continue;
    }
    if (!parsed[p - 1]) continue; // already reported as malformed
    if (e.prev !== hashes[p - 1]) add('modified', p, `line ${p} no longer hashes to the prev recorded by line ${p + 1}`, parsed[p - 1]!.index);
  }

  // Checkpoints.
  const checkpoints: VerifiedCheckpoint[] = [];
  for (const input of options.checkpoints ?? []) {
    const where = input.file ?? 'checkpoint';
    let cp: SignedCheckpoint;
    try {
      cp = parseCheckpoint(input.text);
    } catch (error) {
      if (!(error instanceof WitnessError)) throw error;
      findings.push({ kind: 'checkpoint-malformed', file: where, line: error.line ?? 1, column: error.column ?? 1, message: `${FINDINGS['checkpoint-malformed']}: ${error.message}` });
      continue;
    }
    const signedBy = options.keys?.length ? checkpointSigners(cp, options.keys).map((k) => k.name) : [];
    if (options.keys?.length && !signedBy.length) {
      findings.push({ kind: 'checkpoint-signature', file: where, line: cp.signatures[0].line, column: 1, message: `${FINDINGS['checkpoint-signature']} (${options.keys.map((k) => k.name).join(', ')})` });
    }
    checkpoints.push({ file: where, origin: cp.origin, size: cp.size, signedBy });
    if (cp.size > tree.size) {
      add('truncated', tree.size + 1, `the log has ${tree.size} entries; ${where} (${cp.origin}) covers ${cp.size}, so entries ${tree.size}..${cp.size - 1} are gone`, tree.size);
    } else if (toBase64(tree.root(cp.size)) !== toBase64(cp.rootHash)) {
      add('root-mismatch', Math.max(cp.size, 1), `the first ${cp.size} entries hash to ${toBase64(tree.root(cp.size))}, ${where} says ${toBase64(cp.rootHash)}`, cp.size ? cp.size - 1 : undefined);
    }
  }

  findings.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file === file ? -1 : 1));
  return {
    ok: findings.length === 0,
    size: tree.size,
    root: toBase64(tree.root()),
    entries: parsed.filter((e): e is WitnessEntry => e !== undefined),
    findings,
    checkpoints,
    tree,
  };
}
