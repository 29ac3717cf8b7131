/**
 * Remote execution: protocol identity, defaults, limits and messages in one place.
 */

/** Named in the executor's hello and checked by the caller: a mismatch is refused. */
export const PROTOCOL = 'spellbook-remote/1';

export const DEFAULTS = {
  /** `spell serve` listens here (signaling WebSocket at /signaling). */
  port: 9000,
  host: '127.0.0.1',
  /** The signaling room executors and their callers meet in, and the executor's peer id there. */
  room: 'executor',
  executorPeerId: 'executor',
  /** The data channel label carrying control messages and frames. */
  channelLabel: 'remote',
  /** Connect: signaling, WebRTC and the executor's hello. */
  connectTimeoutMs: 10_000,
  /** From `start` to `started` (loading and opening the sub-pipeline). */
  startTimeoutMs: 10_000,
  /** From the end of input to the executor's `done` (RemotePipelineNode's timeout_ms default). */
  doneTimeoutMs: 30_000,
  /** Frames from the executor held for a slow local consumer before the oldest is dropped (counted). */
  outputQueue: 256,
} as const;

export const LIMITS = {
  /** Largest message, after reassembly (a 1080p I420 picture is 3.1 MB). */
  maxMessageBytes: 16 * 1024 * 1024,
  /** Data channel messages are cut into chunks this big (browsers take 64 KiB without negotiation). */
  chunkBytes: 60 * 1024,
  /** Largest frame header (JSON). */
  maxHeaderBytes: 64 * 1024,
  /** Largest control message (a manifest with its nodes). */
  maxControlBytes: 1024 * 1024,
  /** Sessions an executor runs at once. */
  maxSessions: 16,
  /** Callers connected to one executor at once. */
  maxCallers: 16,
  /** Nodes in one sub-pipeline. */
  maxNodes: 64,
} as const;

/**
 * Node types an executor runs for any caller by default: processing, analysis, codecs and
 * synthetic sources. Nodes that read or write the executor's files (WAV/Y4M sources, file
 * sinks) are refused unless the executor allows them by name.
 */
export const DEFAULT_ALLOWED_NODE_TYPES = [
  'PassThrough', 'AudioChunkerNode', 'FastResampleNode', 'AudioLevelNode', 'SilenceDetectorNode',
  'ClippingDetectorNode', 'ChannelBalanceNode', 'HealthEmitterNode', 'SileroVADNode',
  'ToneSourceNode', 'SyntheticVideoSourceNode', 'OpusEncodeNode', 'H264EncodeNode',
] as const;

export const Messages = {
  unreachable: (url: string, why: string) => `remote unreachable: ${url} (${why})`,
  lost: (url: string, nodeId: string) => `lost the connection to ${url} while node '${nodeId}' was running there`,
  remoteNodeFailed: (url: string, nodeId: string, message: string) => `remote node '${nodeId}' on ${url} failed: ${message}`,
  timeout: (url: string, what: string, ms: number) => `${url}: no ${what} within ${ms} ms`,
  protocol: (url: string, got: unknown) => `${url} speaks ${String(got)}, not ${PROTOCOL}`,
  notAllowed: (nodeId: string, type: string, allowed: readonly string[]) => `node '${nodeId}' (${type}) is not allowed on this executor (allowed: ${allowed.join(', ')})`,
  tooManyNodes: (n: number) => `a sub-pipeline of ${n} nodes is over this executor's limit of ${LIMITS.maxNodes}`,
  tooManySessions: () => `this executor already runs ${LIMITS.maxSessions} sessions`,
  unknownSession: (id: number) => `no session ${id}`,
  transport: (t: string) => `transport '${t}' is not supported here: spellbook executors speak WebRTC (transport: webrtc)`,
} as const;
