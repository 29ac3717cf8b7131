/**
 * Reading a manifest: size limit, JSON (RFC 8259) or YAML 1.2 text, the shipped JSON Schema
 * (schemas/pipeline-manifest.schema.json, draft-07, compiled once with ajv), then the rules
 * RemoteMedia's `validate()` applies (version "v1", at least one node, unique ids, connections
 * naming known nodes), a cycle check (its executor's topological sort refuses cycles), and,
 * given a registry, node types and their params. Every problem is collected into one
 * ManifestError whose issues name the node, the field and the line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import { LIMITS, MANIFEST_VERSION, Messages } from './constants.js';
import { ManifestError, type ManifestIssue } from './errors.js';
import { manifestDigest } from './digest.js';
import { resolveParams, type NodeTypeRegistry } from './params.js';
import type { Manifest, ManifestFormat, ManifestNode } from './types.js';

function schemaPath(): string {
  // src/pipeline-manifest/parse.ts and dist/src/pipeline-manifest/parse.js both reach schemas/.
  for (const up of ['../../schemas/', '../../../schemas/']) {
    const path = fileURLToPath(new URL(up + 'pipeline-manifest.schema.json', import.meta.url));
    try { readFileSync(path, { flag: 'r' }); return path; } catch { /* try the next */ }
  }
  throw new Error('schemas/pipeline-manifest.schema.json not found beside the package');
}

/** Absolute path of the shipped JSON Schema. */
export const MANIFEST_SCHEMA_PATH = schemaPath();

let validator: ValidateFunction | undefined;
function compiled(): ValidateFunction {
  if (!validator) validator = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')));
  return validator;
}

/** The JSON Schema as an object (for editors and other validators). */
export function manifestSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
}

export interface LoadOptions {
  /** Default: JSON when the text starts with `{`, else YAML. */
  format?: ManifestFormat;
  /** Node types the caller can run; without it types and params are not checked. */
  registry?: NodeTypeRegistry;
}

export interface LoadedManifest {
  /** The manifest with RemoteMedia's defaults filled in. */
  manifest: Manifest;
  /** The document exactly as written (what the digest covers). */
  document: unknown;
  format: ManifestFormat;
  /** `sha256:<hex>` of the RFC 8785 canonical JSON of `document`. */
  digest: string;
  /** Node params resolved against the registry (canonical names, defaults applied). */
  params: Map<string, Record<string, unknown>>;
  /** Problems that do not stop a run (unknown params). */
  warnings: ManifestIssue[];
  /** 1-based line and column of a JSON pointer in the text, when known. */
  locate(pointer: string): { line: number; column: number } | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function fieldOf(segments: (string | number)[], fromNode: boolean): string {
  const rest = fromNode ? segments.slice(2) : segments;
  let out = '';
  for (const s of rest) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out || '(root)';
}

/** Where the alias that broke `toJS` is: the first one that resolves to nothing, else the first one, else the start. */
function aliasOffset(doc: Document): number {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      const at = node.range?.[0] ?? 0;
      first ??= at;
      if (node.resolve(doc) === undefined) {
        unresolved = at;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first ?? 0;
}

function fail(issues: ManifestIssue[]): never {
  throw new ManifestError(issues);
}

/** Parse, validate and digest a manifest. Throws ManifestError with every issue found. */
export function loadManifest(input: string | Uint8Array, options: LoadOptions = {}): LoadedManifest {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
  if (size > LIMITS.maxBytes) fail([{ code: 'too-large', message: Messages.tooLarge(size) }]);
  let text: string;
  try {
    text = typeof input === 'string' ? input : decoder.decode(input);
  } catch {
    fail([{ code: 'syntax', message: Messages.notText }]);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const format: ManifestFormat = options.format ?? (/^\s*\{/.test(text) ? 'json' : 'yaml');
  const lines = new LineCounter();
  const position = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };

  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (e) {
      const at = lineColumnOf(text, jsonErrorOffset(text, (e as Error).message));
      fail([{ code: 'syntax', message: Messages.jsonSyntax((e as Error).message), ...at }]);
    }
  }
  // YAML 1.2 reads JSON too; one parser gives values, duplicate-key errors and positions for both.
  const doc: Document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, strict: true, prettyErrors: false, version: '1.2' });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    fail([{ code: 'syntax', message: format === 'json' ? Messages.jsonSyntax(e.message) : Messages.yamlSyntax(e.message), ...position(e.pos[0]) }]);
  }
  let document: unknown;
  try {
    document = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount });
  } catch (e) {
    // Alias errors (unresolved, too many) come without a position: point at the alias.
    fail([{ code: 'syntax', message: Messages.yamlSyntax((e as Error).message), ...position(aliasOffset(doc)) }]);
  }

  const locate = (pointer: string) => {
    const segs = pointerSegments(pointer);
    for (let n = segs.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n), true);
      if (isNode(node) && node.range) return position(node.range[0]);
    }
    return { line: 1, column: 1 }; // an empty document: its root is where it starts
  };
  const issueAt = (issue: ManifestIssue): ManifestIssue => (issue.pointer !== undefined ? { ...issue, ...locate(issue.pointer) } : issue);

  if (typeof document !== 'object' || document === null || Array.isArray(document)) fail([issueAt({ code: 'schema', message: Messages.notObject, pointer: '' })]);
  const raw = document as Record<string, unknown>;
  if (raw.version !== MANIFEST_VERSION) fail([issueAt({ code: 'version', message: Messages.version(raw.version), field: 'version', pointer: '/version' })]);
  const nonFinite = findNonFinite(raw, '', 0);
  if (nonFinite) fail([issueAt({ code: 'schema', message: nonFinite.deep ? Messages.tooDeep : Messages.nonFinite, pointer: nonFinite.pointer, field: nonFinite.pointer })]);

  const issues: ManifestIssue[] = [];
  const rawNodes = Array.isArray(raw.nodes) ? (raw.nodes as unknown[]) : [];
  const nodeIdAt = (segs: (string | number)[]) => {
    if (segs[0] !== 'nodes' || typeof segs[1] !== 'number') return undefined;
    const n = rawNodes[segs[1]] as { id?: unknown } | undefined;
    return typeof n?.id === 'string' ? n.id : undefined;
  };
  if (!compiled()(raw)) {
    for (const e of compiled().errors ?? []) {
      const pointer = e.instancePath + (e.keyword === 'required' ? '' : '');
      const segs = pointerSegments(pointer);
      const nodeId = nodeIdAt(segs);
      const field = e.keyword === 'required' ? [fieldOf(segs, nodeId !== undefined), (e.params as { missingProperty: string }).missingProperty].filter((s) => s !== '(root)').join('.') : fieldOf(segs, nodeId !== undefined);
      issues.push(issueAt({ code: 'schema', message: schemaMessage(e, nodeId, field), nodeId, field, pointer }));
    }
    fail(dedupe(issues));
  }

  const manifest = withDefaults(raw);
  const seen = new Set<string>();
  manifest.nodes.forEach((n, i) => {
    if (seen.has(n.id)) issues.push(issueAt({ code: 'duplicate-id', message: Messages.duplicateId(n.id), nodeId: n.id, field: 'id', pointer: `/nodes/${i}/id` }));
    seen.add(n.id);
  });
  manifest.connections.forEach((c, i) => {
    if (!seen.has(c.from)) issues.push(issueAt({ code: 'unknown-connection-node', message: Messages.unknownSource(c.from), field: `connections[${i}].from`, pointer: `/connections/${i}/from` }));
    if (!seen.has(c.to)) issues.push(issueAt({ code: 'unknown-connection-node', message: Messages.unknownTarget(c.to), field: `connections[${i}].to`, pointer: `/connections/${i}/to` }));
  });
  if (!issues.length) {
    const cycle = findCycle(manifest);
    if (cycle) issues.push(issueAt({ code: 'cycle', message: cycle.length === 2 ? Messages.selfLoop(cycle[0]!) : Messages.cycle(cycle), nodeId: cycle[0], field: 'connections', pointer: '/connections' }));
  }
  const params = new Map<string, Record<string, unknown>>();
  const warnings: ManifestIssue[] = [];
  if (options.registry) {
    const known = [...options.registry.keys()].sort();
    manifest.nodes.forEach((n, i) => {
      const spec = options.registry!.get(n.node_type);
      if (!spec) {
        issues.push(issueAt({ code: 'unknown-node-type', message: Messages.unknownType(n.id, n.node_type, known), nodeId: n.id, field: 'node_type', pointer: `/nodes/${i}/node_type` }));
        return;
      }
      const r = resolveParams(n.id, spec, n.params, `/nodes/${i}`);
      issues.push(...r.issues.map(issueAt));
      warnings.push(...r.warnings.map(issueAt));
      params.set(n.id, r.values);
    });
  }
  if (issues.length) fail(issues);
  return { manifest, document, format, digest: manifestDigest(document), params, warnings, locate };
}

/**
 * Offset of a JSON syntax error. V8 names the position in some versions only; otherwise find the
 * shortest prefix whose error is not "end of input" (binary search; the error path only).
 */
function jsonErrorOffset(text: string, message: string): number {
  const m = /position (\d+)/.exec(message);
  if (m) return Number(m[1]);
  const endOfInput = (n: number) => {
    try { JSON.parse(text.slice(0, n)); return true; } catch (e) { return /end of JSON input|Unterminated|Expected/.test((e as Error).message) && !/after JSON/.test((e as Error).message); }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOfInput(mid + 1)) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, Math.max(0, text.length - 1));
}

function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  return { line, column: offset - start + 1 };
}

function findNonFinite(v: unknown, pointer: string, depth: number): { pointer: string; deep: boolean } | undefined {
  if (depth > LIMITS.maxDepth) return { pointer, deep: true };
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { pointer, deep: false };
  if (typeof v === 'bigint') return { pointer, deep: false };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) { const r = findNonFinite(v[i], `${pointer}/${i}`, depth + 1); if (r) return r; }
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) { const r = findNonFinite(x, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1); if (r) return r; }
  }
  return undefined;
}

function schemaMessage(e: ErrorObject, nodeId: string | undefined, field: string): string {
  const who = nodeId ? `node '${nodeId}': ` : '';
  if (e.keyword === 'required') return `${who}${field} is required`;
  if (e.keyword === 'enum') return `${who}${field} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'additionalProperties') return `${who}${field} has an unknown field '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  return `${who}${field} ${e.message ?? 'is invalid'}`;
}

function dedupe(issues: ManifestIssue[]): ManifestIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => (seen.has(i.message) ? false : (seen.add(i.message), true)));
}

function withDefaults(raw: Record<string, unknown>): Manifest {
  const metadata = { ...((raw.metadata as Record<string, unknown> | undefined) ?? {}) };
  if (typeof metadata.name !== 'string') metadata.name = '';
  const nodes = (raw.nodes as Record<string, unknown>[]).map((n) => ({
    ...n,
    params: (n.params as Record<string, unknown> | null | undefined) ?? {},
    is_streaming: (n.is_streaming as boolean | undefined) ?? false,
  })) as ManifestNode[];
  return { ...raw, version: 'v1', metadata: metadata as Manifest['metadata'], nodes, connections: (raw.connections as Manifest['connections'] | undefined) ?? [] };
}

/** A cycle in the connections as a closed list of ids, or undefined. */
function findCycle(m: Manifest): string[] | undefined {
  const out = new Map<string, string[]>();
  for (const c of m.connections) out.set(c.from, [...(out.get(c.from) ?? []), c.to]);
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    state.set(id, 1);
    stack.push(id);
    for (const next of out.get(id) ?? []) {
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) { const r = visit(next); if (r) return r; }
    }
    stack.pop();
    state.set(id, 2);
    return undefined;
  };
  for (const n of m.nodes) if (!state.has(n.id)) { const r = visit(n.id); if (r) return r; }
  return undefined;
}
