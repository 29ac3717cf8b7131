/**
 * The layering rules of shared/notes/architecture.md that hold for every module: library code
 * (anything under src/ but tests and test fixtures) never imports from harness/ or cli/, and
 * a module reaches another only through that module's index.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SRC, '..');

function libraryFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__' && entry.name !== 'node_modules') out.push(...libraryFiles(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.fuzz.ts') && !entry.name.endsWith('.d.ts')) {
      // Fuzz targets are test tooling (left out of the build like tests): one may reuse another's generators.
      out.push(path);
    }
  }
  return out;
}

/** Relative import specifiers of a file (static imports, re-exports and dynamic imports). */
function relativeImports(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) specs.push(m[1]!);
  return specs;
}

const files = libraryFiles(SRC);

describe('layers', () => {
  it('library code under src/ imports nothing from harness/ or cli/', () => {
    const offending: string[] = [];
    for (const file of files) {
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        if (target.startsWith(`harness${sep}`) || target.startsWith(`cli${sep}`)) offending.push(`${relative(ROOT, file)} -> ${spec}`);
      }
    }
    expect(files.length).toBeGreaterThan(50);
    expect(offending).toEqual([]);
  });

  it("a module reaches another module only through that module's index.ts", () => {
    const offending: string[] = [];
    for (const file of files) {
      const own = relative(SRC, file).split(sep)[0];
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = relative(SRC, resolve(dirname(file), spec));
        if (target.startsWith('..')) continue;
        const [module, ...rest] = target.split(sep);
        if (module !== own && rest.join('/') !== 'index.js') offending.push(`${relative(ROOT, file)} -> ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
