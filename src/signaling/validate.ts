/**
 * Validation of every inbound frame against the published protocol schema
 * (schemas/signaling.schema.json, JSON Schema draft-07, compiled once with ajv). Order of the
 * checks, each with its own error code: binary frame, size, JSON (RFC 8259), an object with a
 * string `type`, a known type, then the type's schema. Errors carry the JSON pointer of the
 * offending field.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DEFAULT_MAX_MESSAGE_BYTES, Messages } from './constants.js';
import { MessageValidationError } from './errors.js';
import { CLIENT_MESSAGE_TYPES, type ClientMsg } from './messages.js';

function schemaPath(): string {
  // src/signaling/validate.ts and dist/src/signaling/validate.js both reach the package's schemas/.
  for (const up of ['../../schemas/', '../../../schemas/']) {
    const path = fileURLToPath(new URL(up + 'signaling.schema.json', import.meta.url));
    try {
      readFileSync(path, { flag: 'r' });
      return path;
    } catch {
      /* try the next */
    }
  }
  throw new Error('schemas/signaling.schema.json not found beside the package');
}

export const SIGNALING_SCHEMA_PATH = schemaPath();

let validators: Map<string, ValidateFunction> | undefined;

function compiled(): Map<string, ValidateFunction> {
  if (!validators) {
    const schema = JSON.parse(readFileSync(SIGNALING_SCHEMA_PATH, 'utf8')) as { $id: string };
    const ajv = new Ajv({ allErrors: false, strict: true });
    ajv.addSchema(schema);
    validators = new Map(CLIENT_MESSAGE_TYPES.map((t) => [t, ajv.getSchema(`${schema.$id}#/definitions/${t}`)!]));
  }
  return validators;
}

function describe(error: ErrorObject): { path: string; detail: string } {
  const path = error.instancePath || '';
  if (error.keyword === 'additionalProperties') {
    const prop = (error.params as { additionalProperty: string }).additionalProperty;
    return { path: `${path}/${prop}`, detail: `${path || '/'}: property '${prop.slice(0, 40)}' is not allowed` };
  }
  if (error.keyword === 'required') {
    const prop = (error.params as { missingProperty: string }).missingProperty;
    return { path: `${path}/${prop}`, detail: `${path || '/'}: missing '${prop}'` };
  }
  return { path, detail: `${path || '/'} ${error.message ?? 'is invalid'}` };
}

/** UTF-8 length of a frame as received. */
function byteLength(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
}

/**
 * Parses and validates one inbound frame. Returns the message or throws
 * MessageValidationError (code `binary-frame`, `too-large`, `bad-json`, `invalid-message` or
 * `unknown-type`, with `path`).
 */
export function parseClientMessage(data: string | Uint8Array, isBinary = false, maxBytes = DEFAULT_MAX_MESSAGE_BYTES): ClientMsg {
  if (isBinary) throw new MessageValidationError('binary-frame', '', Messages.binaryFrame);
  const size = byteLength(data);
  if (size > maxBytes) throw new MessageValidationError('too-large', '', Messages.tooLarge(size, maxBytes));
  const text = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MessageValidationError('bad-json', '', Messages.badJson);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MessageValidationError('invalid-message', '', Messages.invalidMessage('a frame must be one JSON object'));
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw new MessageValidationError('invalid-message', '/type', Messages.invalidMessage("missing string 'type'"));
  const validate = compiled().get(type);
  if (!validate) {
    throw new MessageValidationError('unknown-type', '/type', Messages.unknownType(type));
  }
  if (!validate(value)) {
    const { path, detail } = describe(validate.errors![0]);
    throw new MessageValidationError('invalid-message', path, Messages.invalidMessage(detail));
  }
  return value as ClientMsg;
}
