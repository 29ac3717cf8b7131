/**
 * Node parameter specifications and their checking. A runtime that knows node types passes a
 * registry (type name -> spec); the reader then names the node and the field of every bad
 * parameter. RemoteMedia nodes accept snake_case names and, for several nodes, camelCase
 * aliases (`chunkSize`, `sourceRate`, ...): a spec lists both, and values come back under the
 * canonical (first) name. Unknown parameters are warnings, not errors, as RemoteMedia's serde
 * readers ignore them.
 */
import { Messages } from './constants.js';
import type { ManifestIssue } from './errors.js';

export type ParamType = 'number' | 'integer' | 'string' | 'boolean' | 'object' | 'array';

export interface ParamSpec {
  type: ParamType;
  /** Other accepted spellings (RemoteMedia's serde aliases). */
  aliases?: readonly string[];
  /** Value used when the parameter is absent. */
  default?: unknown;
  required?: boolean;
  minimum?: number;
  maximum?: number;
  /** Allowed strings (compared without case; the canonical spelling is returned). */
  enum?: readonly string[];
  /** Strings accepted in place of a number (RemoteMedia's "auto"). */
  orStrings?: readonly string[];
  description?: string;
}

export interface NodeTypeSpec {
  /** One line: what the node does. */
  summary: string;
  params: Readonly<Record<string, ParamSpec>>;
}

export type NodeTypeRegistry = ReadonlyMap<string, NodeTypeSpec>;

export interface ResolvedParams {
  values: Record<string, unknown>;
  issues: ManifestIssue[];
  warnings: ManifestIssue[];
}

function typeOk(type: ParamType, v: unknown): boolean {
  switch (type) {
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
  }
}

/** Check and normalise one node's params against its type's spec. */
export function resolveParams(nodeId: string, spec: NodeTypeSpec, params: Record<string, unknown>, pointer = ''): ResolvedParams {
  const values: Record<string, unknown> = {};
  const issues: ManifestIssue[] = [];
  const warnings: ManifestIssue[] = [];
  const known = new Map<string, string>();
  for (const [name, p] of Object.entries(spec.params)) {
    known.set(name, name);
    for (const a of p.aliases ?? []) known.set(a, name);
  }
  const bad = (key: string, why: string) =>
    issues.push({ code: 'bad-param', nodeId, field: `params.${key}`, pointer: `${pointer}/params/${key}`, message: Messages.badParam(nodeId, key, why) });
  for (const [key, v] of Object.entries(params)) {
    const canonical = known.get(key);
    if (!canonical) {
      warnings.push({ code: 'bad-param', nodeId, field: `params.${key}`, pointer: `${pointer}/params/${key}`, message: Messages.unknownParam(nodeId, key, Object.keys(spec.params)) });
      continue;
    }
    const p = spec.params[canonical]!;
    if (typeof v === 'string' && p.orStrings?.includes(v)) { values[canonical] = v; continue; }
    if (v === null && !p.required) continue;
    if (!typeOk(p.type, v)) { bad(key, `must be ${p.type === 'integer' ? 'a whole number' : `a ${p.type}`}${p.orStrings ? ` or ${p.orStrings.map((s) => `"${s}"`).join(', ')}` : ''}, not ${JSON.stringify(v)}`); continue; }
    if (typeof v === 'number') {
      if (p.minimum !== undefined && v < p.minimum) { bad(key, `must be at least ${p.minimum}, not ${v}`); continue; }
      if (p.maximum !== undefined && v > p.maximum) { bad(key, `must be at most ${p.maximum}, not ${v}`); continue; }
    }
    if (p.enum && typeof v === 'string') {
      const hit = p.enum.find((e) => e.toLowerCase() === v.toLowerCase());
      if (!hit) { bad(key, `must be one of ${p.enum.join(', ')}, not ${JSON.stringify(v)}`); continue; }
      values[canonical] = hit;
      continue;
    }
    values[canonical] = v;
  }
  for (const [name, p] of Object.entries(spec.params)) {
    if (name in values) continue;
    if (p.required) bad(name, 'is required');
    else if (p.default !== undefined) values[name] = p.default;
  }
  return { values, issues, warnings };
}
