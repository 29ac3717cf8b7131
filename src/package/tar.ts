/**
 * The package archive: a POSIX ustar tar (POSIX.1-2001, pax "ustar Interchange Format"),
 * written deterministically and read strictly.
 * - Writing (tar-stream): entries sorted by name, mode 0644, uid/gid 0, no user names, mtime 0:
 *   the same files give the same bytes.
 * - Reading (ours, synchronous, so it is fuzzed directly): regular files and directories only.
 *   A symlink, hard link or device, an absolute path, a `..` segment, a backslash, a duplicate
 *   name, a bad checksum or a size past the end is refused with the entry's name and offset.
 *   Pax and GNU long-name headers are refused too (our names are under 100 bytes).
 */
import { pack as tarPack } from 'tar-stream';
import { PACKAGE_DEFAULTS, PACKAGE_LIMITS, PackageMessages } from './constants.js';
import { PackageError } from './errors.js';

const BLOCK = 512;

/** Write files (name -> bytes) as a deterministic tar. */
export async function writeTar(files: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const name of [...files.keys()].sort()) {
    const body = files.get(name)!;
    await new Promise<void>((resolve, reject) => {
      p.entry({ name, size: body.length, mode: PACKAGE_DEFAULTS.fileMode, mtime: new Date(0), uid: 0, gid: 0, uname: '', gname: '', type: 'file' }, Buffer.from(body.buffer, body.byteOffset, body.byteLength), (e) => (e ? reject(e) : resolve()));
    });
  }
  p.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

function text(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return Buffer.from(b.subarray(start, end)).toString('latin1');
}

function octal(b: Uint8Array, start: number, len: number, what: string, offset: number): number {
  const s = text(b, start, len).trim();
  if (!/^[0-7]{1,12}$/.test(s)) throw new PackageError('bad-archive', PackageMessages.badArchive(`${what} field ${JSON.stringify(s)} is not octal at byte ${offset + start}`), { offset: offset + start });
  return parseInt(s, 8);
}

/** Is this name safe inside the layout? Throws path-escape naming it. */
export function checkEntryName(name: string, offset?: number): void {
  const refuse = (why: string) => {
    throw new PackageError('path-escape', PackageMessages.pathEscape(why), { path: name, offset });
  };
  if (name.length === 0) refuse('an entry has an empty name');
  if (name.startsWith('/')) refuse(`absolute path '${name}'`);
  if (/^[A-Za-z]:/.test(name) || name.includes('\\')) refuse(`'${name}' is a drive or backslash path`);
  if (name.split('/').some((s) => s === '..')) refuse(`'${name}' climbs out with '..'`);
  if (name.includes('\0')) refuse('a name contains NUL');
}

/** Read a tar strictly into its regular files (name -> bytes); directories are accepted and skipped. */
export function readTar(bytes: Uint8Array): Map<string, Uint8Array> {
  if (bytes.length > PACKAGE_LIMITS.maxPackageBytes) throw new PackageError('too-large', PackageMessages.tooLarge('archive', bytes.length, PACKAGE_LIMITS.maxPackageBytes), { offset: 0 });
  if (bytes.length % BLOCK !== 0) throw new PackageError('bad-archive', PackageMessages.badArchive(`${bytes.length} bytes is not a whole number of 512-byte blocks (truncated?)`), { offset: bytes.length });
  const files = new Map<string, Uint8Array>();
  let off = 0;
  let entries = 0;
  let ended = false;
  while (off + BLOCK <= bytes.length) {
    const h = bytes.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) {
      ended = true;
      break;
    }
    if (++entries > PACKAGE_LIMITS.maxEntries) throw new PackageError('too-large', PackageMessages.tooLarge('entry count', entries, PACKAGE_LIMITS.maxEntries), { offset: off });
    const magic = text(h, 257, 6);
    if (magic !== 'ustar' && magic !== 'ustar ') throw new PackageError('bad-archive', PackageMessages.badArchive(`no ustar header at byte ${off}`), { offset: off });
    const stored = octal(h, 148, 8, 'checksum', off);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== stored) throw new PackageError('bad-archive', PackageMessages.badArchive(`header checksum mismatch at byte ${off}`), { offset: off });
    const prefix = text(h, 345, 155);
    const name = (prefix ? `${prefix}/` : '') + text(h, 0, 100);
    const type = String.fromCharCode(h[156]!);
    const size = octal(h, 124, 12, 'size', off);
    checkEntryName(name, off);
    if (type === '1' || type === '2') throw new PackageError('path-escape', PackageMessages.pathEscape(`'${name}' is a ${type === '2' ? 'symbolic' : 'hard'} link to '${text(h, 157, 100)}'; links are not allowed in a package`), { path: name, offset: off });
    if (type !== '0' && type !== '\0' && type !== '5') {
      throw new PackageError('bad-archive', PackageMessages.badArchive(`entry '${name}' at byte ${off} has type '${type === '\0' ? '\\0' : type}'; only files and directories are allowed`), { path: name, offset: off });
    }
    const dataStart = off + BLOCK;
    if (size > bytes.length - dataStart) throw new PackageError('bad-archive', PackageMessages.badArchive(`entry '${name}' of ${size} bytes runs past the end of the archive (truncated)`), { path: name, offset: off });
    if (type === '5') {
      if (size !== 0) throw new PackageError('bad-archive', PackageMessages.badArchive(`directory '${name}' has a size`), { path: name, offset: off });
    } else {
      const key = name.replace(/^\.\//, '');
      checkEntryName(key, off);
      if (files.has(key)) throw new PackageError('bad-archive', PackageMessages.badArchive(`entry '${key}' appears twice`), { path: key, offset: off });
      files.set(key, bytes.subarray(dataStart, dataStart + size));
    }
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (!ended) throw new PackageError('bad-archive', PackageMessages.badArchive('no end-of-archive block (truncated)'), { offset: bytes.length });
  return files;
}
