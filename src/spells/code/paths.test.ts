import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { absolutePath, isPlainAbsolute, joinPath, pathUnder } from './paths.js';

/** Paths of every awkward shape: dots, doubled and trailing slashes, relative, root, spaces. */
function shapes(): string[] {
  const parts = ['', '.', '..', 'a', 'b.ts', '.hidden', '...', 'x y', 'ü'];
  const out = new Set<string>(['/', '//', '/.', '/..', '.', '..', '', 'a\\b', '/a\\b']);
  for (const a of parts) for (const b of parts) for (const c of parts) {
    const rel = [a, b, c].join('/');
    out.add(rel);
    out.add('/' + rel);
    out.add(rel.replace(/^\/+/, ''));
    out.add(`/${a}/${b}/${c}/`);
    out.add(`${a}/${b}`);
  }
  return [...out];
}

describe('path helpers', () => {
  const all = shapes();

  it('absolutePath equals path.resolve for paths of every shape', () => {
    for (const p of all) expect(absolutePath(p), p).toBe(resolve(p));
    expect(all.length).toBeGreaterThan(1500);
  });

  it('call a path plain only when path.resolve returns it unchanged', () => {
    for (const p of all) if (isPlainAbsolute(p)) expect(resolve(p), p).toBe(p);
    expect(all.filter(isPlainAbsolute).length).toBeGreaterThan(100);
  });

  it('pathUnder equals path.resolve(root, relative) and joinPath equals path.join(dir, relative)', () => {
    const roots = ['/', '/w', '/w/main', '/w/main/', '/w/./x', 'rel/dir', '/a b/ü'];
    let checked = 0;
    for (const root of roots) for (const p of all) {
      expect(pathUnder(root, p), `${root} + ${p}`).toBe(resolve(root, p));
      expect(joinPath(root, p), `${root} + ${p}`).toBe(join(root, p));
      checked++;
    }
    expect(checked).toBeGreaterThan(10000);
  });
});
