/**
 * `spell conform --config <file>`: a YAML file of per-scenario durations and thresholds,
 * validated with ajv against schemas/conformance-config.schema.json. Every error carries
 * the 1-based line and column of the offending YAML node (for an unknown key: the key).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import { loadSchema } from './schemas.js';

export interface ScenarioConfig {
  duration?: number;
  thresholds?: Record<string, number>;
}

export interface ConformanceConfig {
  duration?: number;
  scenarios?: Record<string, ScenarioConfig>;
}

/** A configuration error at a place in the YAML text. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file: string,
    /** 1-based. */
    readonly line: number,
    /** 1-based. */
    readonly column: number,
  ) {
    super(`${file}:${line}:${column}: ${message}`);
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(loadSchema('conformance-config.schema.json'));
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/** Unescapes a JSON pointer segment (RFC 6901 section 4). */
function segments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Parses and validates configuration text; `file` only labels the errors. */
export function parseConfig(text: string, file = '<config>'): ConformanceConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  const first = doc.errors[0];
  if (first) {
    const { line, col } = at(first.pos[0]);
    throw new ConfigError(first.message.split('\n')[0] ?? 'invalid YAML', file, line, col);
  }
  const data: unknown = doc.toJS() ?? {};
  const errors = validate(data);
  if (errors.length === 0) return data as ConformanceConfig;
  const error = errors[0]!;
  const path = segments(error.instancePath);
  let node = (path.length ? doc.getIn(path, true) : doc.contents) as Node | null | undefined;
  let message = `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`;
  if (error.keyword === 'additionalProperty' || error.keyword === 'additionalProperties') {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    message = `unknown key '${key}'${error.instancePath ? ` in ${error.instancePath}` : ''}`;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (pair && isScalar(pair.key)) node = pair.key;
    }
  }
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = at(offset);
  throw new ConfigError(message, file, line, col);
}

export function loadConfig(file: string): ConformanceConfig {
  return parseConfig(readFileSync(file, 'utf8'), file);
}
