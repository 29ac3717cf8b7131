/**
 * WitnessLog: the append-only record of signaling events. Each `record(event)` appends one
 * canonical JSON line (entry.ts) to the file and one leaf to the RFC 9162 tree; `checkpoint()`
 * signs the current size and root as a C2SP signed note. Opening an existing file verifies it
 * first (and refuses a damaged one), so appends always extend an intact log.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { toHex, type SyncSigner } from '../envelope/index.js';
import { defaultKeyName, signCheckpoint, type NoteSigner } from './checkpoint.js';
import { ZERO_HASH_HEX } from './constants.js';
import { entryLine, normalizeEvent, type WitnessEntry, type WitnessEvent } from './entry.js';
import { WitnessError } from './errors.js';
import { MerkleTree } from './merkle.js';
import { verifyLog } from './verify.js';

export interface WitnessLogOptions {
  /** Checkpoint origin line, e.g. `spellbook.example/witness/lab` (C2SP tlog-checkpoint). */
  origin: string;
  /** Key that signs checkpoints; a bare identity signs under its default key name. */
  signer?: NoteSigner | SyncSigner;
  /** fsync after every entry (default false: the OS flushes; a crash may lose the tail, which checkpoints then show). */
  fsync?: boolean;
}

const encoder = new TextEncoder();

export class WitnessLog {
  readonly origin: string;
  readonly #signer?: NoteSigner;
  readonly #tree = new MerkleTree();
  readonly #fsync: boolean;
  #fd?: number;
  #prev = ZERO_HASH_HEX;
  readonly #lines?: string[];

  private constructor(options: WitnessLogOptions, fd: number | undefined, keepLines: boolean) {
    this.origin = options.origin;
    const s = options.signer;
    this.#signer = s && 'signer' in s ? s : s ? { name: defaultKeyName(s.publicKey), signer: s } : undefined;
    this.#fsync = options.fsync ?? false;
    this.#fd = fd;
    if (keepLines) this.#lines = [];
  }

  /** Open (or create) a log file for appending. An existing file must verify (WitnessError `damaged-log`). */
  static open(path: string, options: WitnessLogOptions): WitnessLog {
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const report = verifyLog(existing, { file: path });
    if (!report.ok) {
      const f = report.findings[0];
      throw new WitnessError('damaged-log', `${path}:${f.line}: ${f.message}`, f.line, f.column);
    }
    const log = new WitnessLog(options, openSync(path, 'a', 0o644), false);
    const lines = existing ? existing.slice(0, -1).split('\n') : [];
    for (const line of lines) log.#addLeaf(line);
    return log;
  }

  /** A log kept in memory (`text()` gives the file it would be). */
  static inMemory(options: WitnessLogOptions): WitnessLog {
    return new WitnessLog(options, undefined, true);
  }

  #addLeaf(line: string): void {
    this.#prev = toHex(this.#tree.append(encoder.encode(line)));
  }

  get size(): number {
    return this.#tree.size;
  }

  /** Record one signaling event; returns the entry written. */
  record(event: WitnessEvent): WitnessEntry {
    const entry: WitnessEntry = { index: this.#tree.size, ...normalizeEvent(event), prev: this.#prev };
    const line = entryLine(entry);
    if (this.#fd !== undefined) {
      writeSync(this.#fd, line + '\n');
      if (this.#fsync) fsyncSync(this.#fd);
    }
    this.#lines?.push(line);
    this.#addLeaf(line);
    return entry;
  }

  /** RFC 9162 root at `size` (default: now). */
  root(size = this.size): Uint8Array {
    return this.#tree.root(size);
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    return this.#tree.inclusionProof(index, size);
  }

  consistencyProof(first: number, second = this.size): Uint8Array[] {
    return this.#tree.consistencyProof(first, second);
  }

  /** A signed note (C2SP) for the current size and root. */
  checkpoint(): string {
    if (!this.#signer) throw new WitnessError('no-signer');
    return signCheckpoint({ origin: this.origin, size: this.size, rootHash: this.root(), extensions: [] }, this.#signer);
  }

  /** The log as text (in-memory logs only). */
  text(): string {
    if (!this.#lines) throw new Error('text() is for in-memory logs; read the file');
    return this.#lines.map((l) => l + '\n').join('');
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
