/** Per-process cache of work derived from a file, keyed by path and invalidated by mtime and size. */

import { readFileSync, statSync } from 'node:fs';

interface Entry<T> {
  mtimeMs: number;
  size: number;
  value: T;
}

export class FileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly derive: (text: string, path: string) => T) {}

  /** The derived value for `path`, or undefined when it is not a readable file. */
  get(path: string): T | undefined {
    let mtimeMs: number;
    let size: number;
    try {
      const st = statSync(path);
      if (!st.isFile()) return undefined;
      mtimeMs = st.mtimeMs;
      size = st.size;
    } catch {
      return undefined;
    }
    const hit = this.entries.get(path);
    if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.value;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    const value = this.derive(text, path);
    this.entries.set(path, { mtimeMs, size, value });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
