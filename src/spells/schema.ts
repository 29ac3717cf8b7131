/**
 * The spell and manifest JSON Schemas (draft-07, shipped in `schemas/`), compiled by ajv ahead
 * of time (`schema-validators.generated.ts`, see schema-codegen.ts), and a validator that
 * turns ajv errors into located diagnostics.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { manifest as manifestValidator, spell as spellValidator } from './schema-validators.generated.js';
import { RULES } from './constants.js';
import { locate, spellDocument, toDocument } from './document.js';
import type { Diagnostic, Spell } from './model.js';

function schemaPath(name: string): string {
  // src/spells/schema.ts and dist/src/spells/schema.js both find ../../schemas or ../../../schemas.
  for (const up of ['../../schemas/', '../../../schemas/']) {
    const path = fileURLToPath(new URL(up + name, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`schema ${name} not found beside the package`);
}

export const SPELL_SCHEMA_PATH = schemaPath('spell.schema.json');
export const MANIFEST_SCHEMA_PATH = schemaPath('manifest.schema.json');

const validateSpellSchema = spellValidator as ValidateFunction;
const validateManifestSchema = manifestValidator as ValidateFunction;

export function describeAjvError(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  if (error.keyword === 'additionalProperties') return `${where}: unknown property '${(error.params as { additionalProperty: string }).additionalProperty}'`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Keep one error per location: `oneOf` reports every branch, which helps nobody. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.keyword === 'oneOf' && errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath))) return false;
    const key = e.instancePath;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Validate one parsed spell against the spell schema. */
export function validateSpell(spell: Spell): Diagnostic[] {
  const validate = validateSpellSchema;
  if (validate(spellDocument(spell))) return [];
  // Only now is it worth knowing where each value was written.
  const located = toDocument(spell);
  validate(located.document);
  return usefulErrors(validate.errors ?? []).map((error) => ({
    rule: RULES.schemaInvalid.id,
    severity: RULES.schemaInvalid.severity,
    message: `spell does not fit the schema: ${describeAjvError(error)}`,
    location: locate(located, error.instancePath),
    spell: spell.name,
  }));
}

/** Validate a plain object (a YAML spell) against the spell schema; returns ajv errors. */
export function validateSpellObject(value: unknown): ErrorObject[] {
  const validate = validateSpellSchema;
  return validate(value) ? [] : usefulErrors(validate.errors ?? []);
}

/** Validate a manifest object; returns ajv errors (empty when valid). */
export function validateManifestObject(value: unknown): ErrorObject[] {
  const validate = validateManifestSchema;
  return validate(value) ? [] : usefulErrors(validate.errors ?? []);
}
