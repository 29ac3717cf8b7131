/** Limits, names and messages of the manifest reader (one place, per docs/contributing.md). */

export const MANIFEST_VERSION = 'v1';

export const LIMITS = {
  /** Largest manifest text accepted, in bytes. */
  maxBytes: 1024 * 1024,
  /** YAML aliases expanded per document (guards against alias bombs). */
  maxAliasCount: 100,
  /** Deepest nesting of a params value. */
  maxDepth: 32,
} as const;

export const PLACEMENTS = ['local', 'remote', 'prefer_local', 'prefer_remote', 'auto'] as const;
export const QUEUE_POLICIES = ['block', 'drop-oldest', 'coalesce'] as const;

export const Messages = {
  tooLarge: (n: number) => `manifest is ${n} bytes, over the ${LIMITS.maxBytes}-byte limit`,
  notText: 'manifest is not valid UTF-8 text',
  jsonSyntax: (m: string) => `JSON syntax error: ${m}`,
  yamlSyntax: (m: string) => `YAML syntax error: ${m}`,
  notObject: 'a manifest is an object with version, metadata, nodes and connections',
  version: (v: unknown) => `unsupported manifest version ${JSON.stringify(v)} (only "v1")`,
  duplicateId: (id: string) => `duplicate node id '${id}'`,
  unknownSource: (id: string) => `connection references unknown source node '${id}'`,
  unknownTarget: (id: string) => `connection references unknown target node '${id}'`,
  selfLoop: (id: string) => `node '${id}' is connected to itself`,
  cycle: (ids: string[]) => `the connections form a cycle: ${ids.join(' -> ')}`,
  unknownType: (id: string, type: string, known: string[]) =>
    `node '${id}': unknown node_type '${type}'; known types: ${known.join(', ')}`,
  badParam: (id: string, field: string, why: string) => `node '${id}': params.${field} ${why}`,
  unknownParam: (id: string, field: string, known: string[]) =>
    `node '${id}': params.${field} is not a parameter of this node type (ignored; known: ${known.join(', ') || 'none'})`,
  nonFinite: 'numbers must be finite (no .nan or .inf)',
  tooDeep: `params nest deeper than ${LIMITS.maxDepth} levels`,
} as const;
