import { isAbsolute, relative, resolve } from 'node:path';

/** A path as people read it: relative to the working folder, with forward slashes. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : relative(cwd, resolve(cwd, file));
  return (rel || file).split('\\').join('/');
}

export function absolutePath(file: string, cwd = process.cwd()): string {
  return resolve(cwd, file);
}
