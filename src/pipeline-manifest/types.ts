/**
 * The RemoteMedia v1 manifest as data (crates/core/src/manifest.rs in matbeedotcom/remotemedia-sdk):
 * field names and defaults follow it; `spellbook` keys are our additions, which its serde
 * reader ignores (no `deny_unknown_fields`).
 */
import type { PLACEMENTS, QUEUE_POLICIES } from './constants.js';

export type Placement = (typeof PLACEMENTS)[number];
export type QueuePolicy = (typeof QUEUE_POLICIES)[number];

export interface QueueSpec {
  policy?: QueuePolicy;
  capacity?: number;
}

/** Defaults the RemoteMedia CLI reads from `metadata.cli_defaults` (its pipeline-embed example). */
export interface CliDefaults {
  stream?: boolean;
  mic?: boolean;
  speaker?: boolean;
  sample_rate?: number;
  channels?: number;
  chunk_size?: number;
  timeout_secs?: number;
  buffer_ms?: number;
  [key: string]: unknown;
}

export interface ManifestMetadata {
  /** Defaults to '' (RemoteMedia: `#[serde(default)]`). */
  name: string;
  description?: string;
  created_at?: string;
  /** Defaults to false. */
  auto_negotiate?: boolean;
  cli_defaults?: CliDefaults;
  [key: string]: unknown;
}

export interface CapabilityRequirements {
  gpu?: { type: string; min_memory_gb?: number; required?: boolean } | null;
  cpu?: { cores?: number; arch?: string } | null;
  memory_gb?: number;
  [key: string]: unknown;
}

export interface ExecutionMetadata {
  placement?: Placement;
  reason?: string;
  fallback?: string;
  [key: string]: unknown;
}

export interface ManifestNode {
  id: string;
  node_type: string;
  /** Defaults to {} (RemoteMedia: `#[serde(default)]` on a JSON value, null treated as {}). */
  params: Record<string, unknown>;
  /** Defaults to false. */
  is_streaming: boolean;
  is_output_node?: boolean;
  capabilities?: CapabilityRequirements | null;
  host?: string | null;
  runtime_hint?: string | null;
  execution?: ExecutionMetadata | null;
  spellbook?: { queue?: QueueSpec };
  [key: string]: unknown;
}

export interface ManifestConnection {
  from: string;
  to: string;
  spellbook?: { from_port?: string; to_port?: string; queue?: QueueSpec };
  [key: string]: unknown;
}

export interface Manifest {
  version: 'v1';
  metadata: ManifestMetadata;
  nodes: ManifestNode[];
  /**
   * Defaults to []. With no connections every node is both a source and a sink: the input
   * goes to each node and each node's output is collected (RemoteMedia's session router).
   */
  connections: ManifestConnection[];
  [key: string]: unknown;
}

export type ManifestFormat = 'json' | 'yaml';
