/**
 * A small glob expander (no dependency): `**` (any number of folders), `*` and `?` (within
 * one path segment, not matching a leading dot), `{a,b}` alternatives (nestable), and a
 * leading `!` to exclude what earlier patterns matched. `node_modules` and `.git` are never
 * entered by a wildcard.
 */

import type { Dirent } from 'node:fs';
import { absolutePath, joinPath } from './paths.js';
import { filesUnchanging, listDirectory, onClearCodeCaches, STAT_TTL_MS, statFact } from './file-cache.js';

/** Expand `{a,b}` alternatives, innermost-first, into plain patterns. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.lastIndexOf('{');
  if (open < 0) return [pattern];
  const close = pattern.indexOf('}', open);
  if (close < 0) return [pattern];
  const body = pattern.slice(open + 1, close);
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  return [...new Set(body.split(',').flatMap((alt) => expandBraces(head + alt + tail)))];
}

const segmentCache = new Map<string, RegExp>();

function segmentRegex(segment: string): RegExp {
  let re = segmentCache.get(segment);
  if (re) return re;
  let src = segment.startsWith('.') ? '' : '(?!\\.)';
  for (const ch of segment) {
    if (ch === '*') src += '[^/]*';
    else if (ch === '?') src += '[^/]';
    else src += ch.replace(/[.+^$()|[\]\\{}]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`);
  segmentCache.set(segment, re);
  return re;
}

const NEVER_ENTER = new Set(['node_modules', '.git']);

function hasWildcard(segment: string): boolean {
  return segment === '**' || /[*?]/.test(segment);
}

/** What a walk looked at, so that its result can be reused while none of it changed. */
interface Seen {
  dirs: Map<string, number>;
  paths: Map<string, string>;
}

/** `seen` is undefined when files are unchanging: nothing will be re-validated. */
function walk(dir: string, segments: string[], k: number, out: Set<string>, seen: Seen | undefined): void {
  if (k >= segments.length) return;
  const segment = segments[k];
  const last = k === segments.length - 1;
  if (!hasWildcard(segment)) {
    const p = joinPath(dir, segment);
    const kind = statFact(p).kind;
    seen?.paths.set(p, kind);
    if (last) {
      if (kind === 'file') out.add(p);
    } else if (kind === 'dir') walk(p, segments, k + 1, out, seen);
    return;
  }
  const entries: Dirent[] = listDirectory(dir);
  seen?.dirs.set(dir, statFact(dir).mtimeMs);
  if (segment === '**') {
    if (last) {
      // Trailing `**`: every file below.
      for (const e of entries) {
        if (e.name.startsWith('.') || NEVER_ENTER.has(e.name)) continue;
        const p = joinPath(dir, e.name);
        if (e.isDirectory()) walk(p, segments, k, out, seen);
        else if (e.isFile()) out.add(p);
      }
      return;
    }
    walk(dir, segments, k + 1, out, seen); // zero folders
    for (const e of entries) {
      if (!e.isDirectory() || e.name.startsWith('.') || NEVER_ENTER.has(e.name)) continue;
      walk(joinPath(dir, e.name), segments, k, out, seen);
    }
    return;
  }
  const re = segmentRegex(segment);
  for (const e of entries) {
    if (!re.test(e.name)) continue;
    const p = joinPath(dir, e.name);
    const kind = e.isSymbolicLink() ? statFact(p).kind : e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other';
    if (last) {
      if (kind === 'file') out.add(p);
    } else if (kind === 'dir' && !NEVER_ENTER.has(e.name)) walk(p, segments, k + 1, out, seen);
  }
}

/**
 * Expand glob patterns like 'src/sdp/**\/*.test.ts' relative to `root` into sorted absolute
 * paths of existing files. A pattern starting with `!` removes matches of earlier patterns.
 */
export function expandGlobs(root: string, patterns: string[]): string[] {
  const base = absolutePath(root);
  const key = `${base}\0${patterns.join('\0')}`;
  const hit = expansions.get(key);
  if (filesUnchanging()) {
    if (hit) return [...hit.files];
    const files = expand(base, patterns, undefined);
    expansions.set(key, { files, seen: undefined, checkedAt: 0 });
    return [...files];
  }
  const now = performance.now();
  if (hit && (now - hit.checkedAt < STAT_TTL_MS || (hit.seen !== undefined && unchanged(hit.seen)))) {
    hit.checkedAt = now;
    return [...hit.files];
  }
  const seen: Seen = { dirs: new Map(), paths: new Map() };
  const files = expand(base, patterns, seen);
  expansions.set(key, { files, seen, checkedAt: now });
  return [...files];
}

const expansions = new Map<string, { files: string[]; seen: Seen | undefined; checkedAt: number }>();
onClearCodeCaches(() => expansions.clear());

function unchanged(seen: Seen): boolean {
  for (const [dir, mtimeMs] of seen.dirs) {
    const f = statFact(dir);
    if (f.kind !== 'dir' || f.mtimeMs !== mtimeMs) return false;
  }
  for (const [path, kind] of seen.paths) if (statFact(path).kind !== kind) return false;
  return true;
}

function expand(base: string, patterns: string[], seen: Seen | undefined): string[] {
  const found = new Set<string>();
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/\\/g, '/');
    const matched = new Set<string>();
    for (const p of expandBraces(pattern)) {
      const segments = p.split('/').filter((s) => s !== '' && s !== '.');
      const start = p.startsWith('/') ? '/' : base;
      walk(start, segments, 0, matched, seen);
    }
    for (const m of matched) {
      if (negate) found.delete(m);
      else found.add(m);
    }
  }
  return [...found].sort();
}
