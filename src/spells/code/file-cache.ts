/**
 * Per-process caches of file system facts and of work derived from files.
 *
 * A derived value is keyed by path and invalidated by the file's mtime and size. So that a
 * check over thousands of spells does not stat the same files thousands of times, a stat
 * (or a directory listing) is trusted for `STAT_TTL_MS` after it was taken, and a result
 * built from many files (a module's exports, a glob expansion) is re-validated at most that
 * often; a long-lived process (a watcher) therefore sees an edit at most about two TTLs
 * later, or at once after `clearCodeCaches()`.
 *
 * A one-shot process (the `spell check` CLI) calls `assumeFilesUnchanging()`: then a fact,
 * once taken, holds for the rest of the process, and whether a path is a file or a folder is
 * read from its parent folder's listing (one readdir per folder instead of a stat per path:
 * 30,000 stats became 5,000 listings on the 5,000-spell bench).
 */

import { type Dirent, closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** How long a stat or directory listing is trusted without asking the file system again. */
export const STAT_TTL_MS = 1000;

interface StatFact {
  readonly at: number;
  readonly kind: 'file' | 'dir' | 'other' | 'missing';
  readonly mtimeMs: number;
  readonly size: number;
}

const stats = new Map<string, StatFact>();

let unchanging = false;

/**
 * Trust every file system fact for the rest of the process: for one-shot runs, where a file
 * that changes mid-run would make any answer stale anyway. There is no way back (a watcher
 * never calls it).
 */
export function assumeFilesUnchanging(): void {
  unchanging = true;
}

/** Whether `assumeFilesUnchanging()` was called: then nothing needs recording for re-validation. */
export function filesUnchanging(): boolean {
  return unchanging;
}

/** The kind of `path` from its parent's listing, or undefined when only a stat can tell. */
function kindFromListing(path: string): StatFact['kind'] | undefined {
  const parent = dirname(path);
  if (parent === path) return undefined;
  if (statFact(parent).kind !== 'dir') return 'missing';
  listDirectory(parent);
  const e = entryNamed(parent, basename(path));
  if (!e) return listedOk.has(parent) ? 'missing' : undefined;
  if (e.isSymbolicLink()) return undefined;
  return e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other';
}

/**
 * What a listing tells of a path, one shared fact per kind: in an unchanging process neither
 * the time it was taken nor mtime and size are ever compared again.
 */
const LISTED: Readonly<Record<StatFact['kind'], StatFact>> = {
  file: Object.freeze({ at: 0, kind: 'file', mtimeMs: 0, size: 0 }),
  dir: Object.freeze({ at: 0, kind: 'dir', mtimeMs: 0, size: 0 }),
  other: Object.freeze({ at: 0, kind: 'other', mtimeMs: 0, size: 0 }),
  missing: Object.freeze({ at: 0, kind: 'missing', mtimeMs: 0, size: 0 }),
};

/** A recent stat of `path` (at most `STAT_TTL_MS` old, or taken once under `assumeFilesUnchanging`). */
export function statFact(path: string): StatFact {
  const hit = stats.get(path);
  if (hit !== undefined && (unchanging || performance.now() - hit.at < STAT_TTL_MS)) return hit;
  let fact: StatFact;
  const listed = unchanging ? kindFromListing(path) : undefined;
  if (listed) {
    fact = LISTED[listed];
    stats.set(path, fact);
    return fact;
  }
  const now = performance.now();
  try {
    const st = statSync(path);
    fact = { at: now, kind: st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other', mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    fact = { at: now, kind: 'missing', mtimeMs: 0, size: 0 };
  }
  stats.set(path, fact);
  return fact;
}

export function isFile(path: string): boolean {
  return statFact(path).kind === 'file';
}

export function isDirectory(path: string): boolean {
  return statFact(path).kind === 'dir';
}

const listings = new Map<string, { mtimeMs: number; entries: Dirent[]; byName?: Map<string, Dirent> }>();

/** Listings up to this long are searched in place; longer ones get a name index. */
const SMALL_LISTING = 16;

/** The entry called `name` in the last listing of `dir` (a large one indexed on first use). */
function entryNamed(dir: string, name: string): Dirent | undefined {
  const listing = listings.get(dir);
  if (!listing) return undefined;
  const { entries } = listing;
  if (entries.length <= SMALL_LISTING) {
    for (const e of entries) if (e.name === name) return e;
    return undefined;
  }
  listing.byName ??= new Map(entries.map((d) => [d.name, d]));
  return listing.byName.get(name);
}
/** Folders whose listing was read successfully (so a name absent from it is missing). */
const listedOk = new Set<string>();

/** Entries of a directory, re-read when its mtime changes; empty when it cannot be read. */
export function listDirectory(dir: string): Dirent[] {
  const fact = statFact(dir);
  if (fact.kind !== 'dir') return [];
  const hit = listings.get(dir);
  if (hit && (unchanging || hit.mtimeMs === fact.mtimeMs)) return hit.entries;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
    listedOk.add(dir);
  } catch {
    entries = [];
    listedOk.delete(dir);
  }
  listings.set(dir, { mtimeMs: fact.mtimeMs, entries });
  return entries;
}

/** Read buffer reused by every `readText` (grown when a file does not fit). */
let readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * A file's text as UTF-8 (what `readFileSync(path, 'utf8')` returns), read into one reused
 * buffer: a check reads thousands of small files, and a buffer per file was garbage to collect.
 * A read that returns less than it was asked for ends the file: read(2) on a regular file
 * (the only kind read here) is short only at its end, so the usual second read, which only
 * confirms that, is saved (one system call per file).
 */
export function readText(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === readBuffer.length) {
        const bigger = Buffer.allocUnsafe(readBuffer.length * 2);
        readBuffer.copy(bigger, 0, 0, length);
        readBuffer = bigger;
      }
      const wanted = readBuffer.length - length;
      const n = readSync(fd, readBuffer, length, wanted, null);
      length += n;
      if (n < wanted) break;
    }
    return readBuffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

interface Entry<T> {
  mtimeMs: number;
  size: number;
  value: T;
}

const clearers = new Set<() => void>();

/** Register a cache to be emptied by `clearCodeCaches()`. */
export function onClearCodeCaches(clear: () => void): void {
  clearers.add(clear);
}

export class FileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly derive: (text: string, path: string) => T) {
    onClearCodeCaches(() => this.clear());
  }

  /** The derived value for `path`, or undefined when it is not a readable file. */
  get(path: string): T | undefined {
    const fact = statFact(path);
    if (fact.kind !== 'file') return undefined;
    const hit = this.entries.get(path);
    if (hit && (unchanging || (hit.mtimeMs === fact.mtimeMs && hit.size === fact.size))) return hit.value;
    let text: string;
    try {
      text = readText(path);
    } catch {
      return undefined;
    }
    const value = this.derive(text, path);
    this.entries.set(path, { mtimeMs: fact.mtimeMs, size: fact.size, value });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Forget every cached stat, listing and derived value (for watchers and tests). */
export function clearCodeCaches(): void {
  stats.clear();
  listings.clear();
  listedOk.clear();
  for (const clear of clearers) clear();
}
