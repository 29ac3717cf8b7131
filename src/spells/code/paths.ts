/**
 * Path building for the readers' hot paths. A check of thousands of modules builds tens of
 * thousands of paths, and path.resolve and path.join normalise every one (resolve also asks
 * for the working folder). Each helper returns exactly what path.resolve / path.join would;
 * anything out of the ordinary (`.` or `..` segments, doubled or trailing slashes, Windows)
 * goes through them.
 */
import { join, resolve, sep } from 'node:path';

/** Whether `p` is an absolute POSIX path that path.resolve returns unchanged. */
export function isPlainAbsolute(p: string): boolean {
  if (sep !== '/' || p.charCodeAt(0) !== 47) return false;
  if (p.length === 1) return true;
  if (p.endsWith('/') || p.endsWith('/.') || p.endsWith('/..')) return false;
  return !p.includes('//') && !p.includes('/./') && !p.includes('/../');
}

/** Whether `p` is a relative path of plain segments (no `.`, `..`, empty or trailing ones). */
function isPlainRelative(p: string): boolean {
  if (p === '' || p.charCodeAt(0) === 47 || p === '.' || p === '..' || p.startsWith('./') || p.startsWith('../')) return false;
  if (p.endsWith('/') || p.endsWith('/.') || p.endsWith('/..')) return false;
  return !p.includes('//') && !p.includes('/./') && !p.includes('/../');
}

/** `path.resolve(p)`. */
export function absolutePath(p: string): string {
  return isPlainAbsolute(p) ? p : resolve(p);
}

/** `path.resolve(root, relative)` (equal to path.join for an absolute `root`). */
export function pathUnder(root: string, relative: string): string {
  if (isPlainAbsolute(root) && isPlainRelative(relative)) return root === '/' ? '/' + relative : root + '/' + relative;
  return resolve(root, relative);
}

/** `path.join(dir, relative)`. */
export function joinPath(dir: string, relative: string): string {
  if (isPlainAbsolute(dir) && isPlainRelative(relative)) return dir === '/' ? '/' + relative : dir + '/' + relative;
  return join(dir, relative);
}
