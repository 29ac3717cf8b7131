/**
 * Validation against the shipped JSON Schema (schemas/ifmessage-v2.1.schema.json, draft-07,
 * compiled once with ajv). Node only: the schema is read from the package's schemas/ folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { EnvelopeError } from './errors.js';

function schemaPath(): string {
  // src/envelope/schema.ts and dist/src/envelope/schema.js both reach the package's schemas/.
  for (const up of ['../../schemas/', '../../../schemas/']) {
    const path = fileURLToPath(new URL(up + 'ifmessage-v2.1.schema.json', import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('schemas/ifmessage-v2.1.schema.json not found beside the package');
}

export const IFMESSAGE_SCHEMA_PATH = schemaPath();

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  validator ??= new Ajv({ allErrors: false, strict: true }).compile(JSON.parse(readFileSync(IFMESSAGE_SCHEMA_PATH, 'utf8')) as object);
  return validator;
}

function explain(error: ErrorObject): { path: string; detail: string } {
  const path = error.instancePath || '';
  if (error.keyword === 'additionalProperties') {
    const prop = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: `${path}/${prop}`, detail: `${path || '/'}: member '${prop.slice(0, 40)}' is not allowed` };
  }
  if (error.keyword === 'required') {
    const prop = String((error.params as { missingProperty: string }).missingProperty);
    return { path: `${path}/${prop}`, detail: `${path || '/'}: missing '${prop}'` };
  }
  return { path, detail: `${path || '/'} ${error.message ?? 'is invalid'}` };
}

/** Throw EnvelopeError `schema-invalid` (with the JSON pointer of the first problem) unless `value` matches the schema. */
export function assertIFMessageSchema(value: unknown): void {
  const validate = compiled();
  if (!validate(value)) {
    const { path, detail } = explain(validate.errors![0]);
    throw new EnvelopeError('schema-invalid', detail, { path });
  }
}

/** True when `value` matches the IFMessage v2.1 schema. */
export function isIFMessage(value: unknown): boolean {
  return compiled()(value);
}
