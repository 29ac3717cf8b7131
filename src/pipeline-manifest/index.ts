/**
 * spellbook/pipeline-manifest: the RemoteMedia v1 pipeline manifest (JSON or YAML) read,
 * validated against its shipped JSON Schema, checked against a node-type registry, written and
 * digested (SHA-256 of RFC 8785 canonical JSON). Public API only; no side effects.
 */
export { loadManifest, manifestSchema, MANIFEST_SCHEMA_PATH, type LoadOptions, type LoadedManifest } from './parse.js';
export { serializeManifest } from './serialize.js';
export { manifestDigest } from './digest.js';
export { resolveParams, type ParamSpec, type ParamType, type NodeTypeSpec, type NodeTypeRegistry, type ResolvedParams } from './params.js';
export { ManifestError, type ManifestErrorCode, type ManifestIssue } from './errors.js';
export { MANIFEST_VERSION, PLACEMENTS, QUEUE_POLICIES, LIMITS as MANIFEST_LIMITS, Messages as ManifestMessages } from './constants.js';
export type { Manifest, ManifestNode, ManifestConnection, ManifestMetadata, ManifestFormat, CliDefaults, CapabilityRequirements, ExecutionMetadata, Placement, QueuePolicy, QueueSpec } from './types.js';
