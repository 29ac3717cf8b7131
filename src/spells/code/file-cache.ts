/**
 * Per-process caches of file system facts and of work derived from files.
 *
 * A derived value is keyed by path and invalidated by the file's mtime and size. So that a
 * check over thousands of spells does not stat the same files thousands of times, a stat
 * (or a directory listing) is trusted for `STAT_TTL_MS` after it was taken, and a result
 * built from many files (a module's exports, a glob expansion) is re-validated at most that
 * often; a long-lived process (a watcher) therefore sees an edit at most about two TTLs
 * later, or at once after `clearCodeCaches()`.
 */

import { type Dirent, readFileSync, readdirSync, statSync } from 'node:fs';

/** How long a stat or directory listing is trusted without asking the file system again. */
export const STAT_TTL_MS = 1000;

interface StatFact {
  at: number;
  kind: 'file' | 'dir' | 'other' | 'missing';
  mtimeMs: number;
  size: number;
}

const stats = new Map<string, StatFact>();

/** A recent stat of `path` (at most `STAT_TTL_MS` old). */
export function statFact(path: string): StatFact {
  const now = performance.now();
  const hit = stats.get(path);
  if (hit && now - hit.at < STAT_TTL_MS) return hit;
  let fact: StatFact;
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

const listings = new Map<string, { mtimeMs: number; entries: Dirent[] }>();

/** Entries of a directory, re-read when its mtime changes; empty when it cannot be read. */
export function listDirectory(dir: string): Dirent[] {
  const fact = statFact(dir);
  if (fact.kind !== 'dir') return [];
  const hit = listings.get(dir);
  if (hit && hit.mtimeMs === fact.mtimeMs) return hit.entries;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    entries = [];
  }
  listings.set(dir, { mtimeMs: fact.mtimeMs, entries });
  return entries;
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
    if (hit && hit.mtimeMs === fact.mtimeMs && hit.size === fact.size) return hit.value;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
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
  for (const clear of clearers) clear();
}
