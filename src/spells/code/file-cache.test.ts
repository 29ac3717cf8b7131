/**
 * File facts in a one-shot process (`assumeFilesUnchanging`): kinds read from the parent's
 * listing must agree with real stats, and readers must give the same answers as in a
 * watching process. Each test imports fresh module instances, since the mode is process-wide
 * and has no way back.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

type FileCacheModule = typeof import('./file-cache.js');
type ExportsModule = typeof import('./exports.js');
type ImportsModule = typeof import('./imports.js');

async function fresh(): Promise<{ cache: FileCacheModule; exports: ExportsModule; imports: ImportsModule }> {
  vi.resetModules();
  return { cache: await import('./file-cache.js'), exports: await import('./exports.js'), imports: await import('./imports.js') };
}

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'file-facts-'));
  mkdirSync(join(root, 'mod', 'inner'), { recursive: true });
  writeFileSync(join(root, 'mod', 'index.ts'), "export { a } from './a.js';\nexport * from './inner/index.js';\nimport { x } from '../other/index.js';\n");
  writeFileSync(join(root, 'mod', 'a.ts'), 'export function a(n: number): string { return String(n); }\n');
  writeFileSync(join(root, 'mod', 'inner', 'index.ts'), 'export const b = 1;\n');
  mkdirSync(join(root, 'other'));
  writeFileSync(join(root, 'other', 'index.ts'), 'export const x = 2;\n');
  symlinkSync(join(root, 'mod', 'a.ts'), join(root, 'mod', 'link.ts'));
  symlinkSync(join(root, 'mod'), join(root, 'modlink'));
  return root;
}

describe('file facts in a one-shot process', () => {
  it('reads kinds from the parent listing that agree with stats, symlinks and missing paths included', async () => {
    const root = tree();
    const paths = [
      root, join(root, 'mod'), join(root, 'mod', 'index.ts'), join(root, 'mod', 'inner'), join(root, 'mod', 'nope.ts'),
      join(root, 'mod', 'link.ts'), join(root, 'modlink'), join(root, 'modlink', 'a.ts'), join(root, 'mod', 'a.ts', 'under-a-file'),
      join(root, 'missing', 'deeper', 'x.ts'),
    ];
    const watching = await fresh();
    const expected = paths.map((p) => watching.cache.statFact(p).kind);
    expect(expected).toEqual(['dir', 'dir', 'file', 'dir', 'missing', 'file', 'dir', 'file', 'missing', 'missing']);
    const oneShot = await fresh();
    oneShot.cache.assumeFilesUnchanging();
    expect(paths.map((p) => oneShot.cache.statFact(p).kind)).toEqual(expected);
  });

  it('gives the same exports and imports as a watching process, and keeps them when files change', async () => {
    const root = tree();
    const watching = await fresh();
    const want = watching.exports.readModuleExports(join(root, 'mod'));
    const wantImports = watching.imports.readModuleImports(join(root, 'mod'));
    const oneShot = await fresh();
    oneShot.cache.assumeFilesUnchanging();
    const got = oneShot.exports.readModuleExports(join(root, 'mod'));
    expect([...got.symbols.keys()].sort()).toEqual([...want.symbols.keys()].sort());
    expect([...got.symbols.keys()].sort()).toEqual(['a', 'b']);
    expect(got.symbols.get('a')?.signature).toEqual(want.symbols.get('a')?.signature);
    expect(got.problems).toEqual(want.problems);
    expect(oneShot.imports.readModuleImports(join(root, 'mod'))).toEqual(wantImports);
    // One run, one view of the files: an edit after the first read is not seen.
    writeFileSync(join(root, 'mod', 'a.ts'), 'export function a2(): void {}\n');
    expect([...oneShot.exports.readModuleExports(join(root, 'mod')).symbols.keys()].sort()).toEqual(['a', 'b']);
  });
});

describe('readText', () => {
  it('reads files of every size around its buffer exactly as readFileSync does, multi-byte text included', async () => {
    const { cache } = await fresh();
    const root = mkdtempSync(join(tmpdir(), 'read-text-'));
    try {
      // The buffer starts at 64 KiB and doubles: sizes at, below and past each boundary.
      const sizes = [0, 1, 100, 65535, 65536, 65537, 131071, 131072, 131073, 300000];
      for (const size of sizes) {
        const path = join(root, `f${size}.ts`);
        // 'é' is two bytes: a character may straddle the point where one read stops.
        const text = ('const é = 1;\n'.repeat(Math.ceil(size / 14) + 1)).slice(0, size);
        writeFileSync(path, text);
        expect(cache.readText(path), `size ${size}`).toBe(readFileSync(path, 'utf8'));
      }
      // A small file after a large one: the grown buffer's old bytes never leak into it.
      expect(cache.readText(join(root, 'f1.ts'))).toBe('c');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
