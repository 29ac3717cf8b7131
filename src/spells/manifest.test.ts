/**
 * The manifest's line reader (the shape `spell seal` writes) must give exactly what the YAML
 * parser gives, and hand every other file to the YAML parser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, parseManifestYaml, readSimpleManifest } from './manifest.js';

const ROOT = join(import.meta.dirname, '..', '..');

function manifests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return manifests(path);
    return name === 'spellbook.yaml' ? [path] : [];
  });
}

const same = (path: string, text: string) => {
  const fast = parseManifest(path, text);
  const yaml = parseManifestYaml(path, text);
  expect({ ...fast, entries: [...fast.entries] }).toEqual({ ...yaml, entries: [...yaml.entries] });
};

describe('manifest line reader', () => {
  it('reads every manifest in the repository exactly as the YAML parser does', () => {
    const files = [join(ROOT, 'spellbook', 'spellbook.yaml'), ...manifests(join(import.meta.dirname, '__fixtures__'))];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) same(file, readFileSync(file, 'utf8'));
    expect(readSimpleManifest(readFileSync(files[0], 'utf8'))).toBeDefined();
  });

  it('hands anything outside the written shape to the YAML parser, with the same result', () => {
    const head = 'spells:\n  Alpha:\n';
    const cases = [
      `${head}    module: true\n`,
      `${head}    module: 123\n`,
      `${head}    module: .5\n`,
      `${head}    tests: [a, {b,c}]\n`,
      `${head}    tests: ['a, b']\n`,
      `${head}    module: "a\\tb"\n`,
      `${head}    module: src/a # a comment\n`,
      `${head}    module: src/a\n    module: src/b\n`,
      `${head}    module: src/a\n  Alpha:\n    module: src/b\n`,
      `${head}    other: x\n`,
      'spells:\n  Alpha:\n',
      'spells: {}\n',
      '---\nspells:\n  A:\n    module: a\n',
      'root: 5\nspells:\n  A:\n    module: a\n',
      'spells:\n  null:\n    module: a\n',
      'spells:\n  A:\n\tmodule: a\n',
      // Whitespace JavaScript trims but YAML keeps, and other controls (found by the differential fuzzer).
      `${head}    module: mo\u000b\n    tests: [mod/*.fixture.ts]\n`,
      'spells:\n  \u000clpha:\n    module: mo\n',
      `${head}    module: mod\n    tests: [mod/*.fixture.ts]\u000b`,
      `${head}    module: mod\u00a0\n`,
      `${head}    module: mod\u0085\n`,
    ];
    for (const text of cases) {
      expect(readSimpleManifest(text), text).toBeUndefined();
      same('/p/spellbook/spellbook.yaml', text);
    }
  });

  it('reads the written shape itself: root, quoted and plain scalars, flow lists, comments and CRLF', () => {
    const text = "# yaml-language-server: $schema=x\r\nroot: '..'\r\nspells:\r\n  # a comment\r\n  Alpha.Beta:\r\n    module: [src/a, 'src/b']\r\n    tests: [src/a/**/*.test.ts, \"cli/a.test.ts\"]\r\n    seal: sha256:00ff\r\n  Gamma_2:\r\n    module: src/c.ts\r\n    tests: []\r\n";
    const simple = readSimpleManifest(text);
    expect(simple?.value).toEqual({ root: '..', spells: { 'Alpha.Beta': { module: ['src/a', 'src/b'], tests: ['src/a/**/*.test.ts', 'cli/a.test.ts'], seal: 'sha256:00ff' }, Gamma_2: { module: 'src/c.ts', tests: [] } } });
    expect(simple?.keyLines.get('Gamma_2')).toEqual({ line: 9, column: 3 });
    same('/p/spellbook/spellbook.yaml', text);
  });
});
