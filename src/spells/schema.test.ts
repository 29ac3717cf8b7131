import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { GENERATED_VALIDATORS_PATH, schemaValidatorsSource } from './schema-codegen.js';
import { MANIFEST_SCHEMA_PATH, SPELL_SCHEMA_PATH, validateManifestObject, validateSpellObject } from './schema.js';

describe('precompiled schema validators', () => {
  it('the committed validators are what the current schemas generate (run npm run generate:schemas after editing schemas/)', () => {
    expect(readFileSync(GENERATED_VALIDATORS_PATH, 'utf8')).toBe(schemaValidatorsSource());
  });

  it('the precompiled validators give the errors a run-time ajv compile gives', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const spell = ajv.compile(JSON.parse(readFileSync(SPELL_SCHEMA_PATH, 'utf8')));
    const manifest = ajv.compile(JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')));
    const spells: unknown[] = [
      { spell: 'Ok', intent: 'Do one thing.' },
      { spell: 'lower case', intent: 3, extra: true },
      { intent: 'no name' },
      { spell: 'Ents', intent: 'x', entities: [{ name: 'E', contract: 5 }], guarantees: ['a', 1] },
      null,
      'text',
    ];
    for (const value of spells) {
      const valid = spell(value);
      const ours = validateSpellObject(value);
      expect(ours.length === 0).toBe(valid);
      for (const e of ours) expect(spell.errors).toContainEqual(e);
    }
    const manifests: unknown[] = [{ spells: { A: { module: 'src/a' } } }, { spells: { A: { module: 4, bogus: 1 } } }, { root: 3 }, []];
    for (const value of manifests) {
      const valid = manifest(value);
      const ours = validateManifestObject(value);
      expect(ours.length === 0).toBe(valid);
      for (const e of ours) expect(manifest.errors).toContainEqual(e);
    }
  });
});
