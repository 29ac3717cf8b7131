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
  /** From a `start` naming a package to `started` (a pull from a registry, verification, the sandbox's start). */
  packageStartTimeoutMs: 120_000,
  /** From the last byte of a package sent over the channel to the executor's `package-stored`. */
  packageStoreTimeoutMs: 60_000,
  /** The trust-policy scope of a package a caller sends (docs/package.md, "Trust policy"). */
  peerScope: 'peer:',
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
  /** Largest package a caller may send over the channel (streamed in chunks, held in memory until verified). */
  maxPackageBytes: 256 * 1024 * 1024,
  /** Package transfers one caller may have in flight at once. */
  maxTransfers: 2,
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
  packageMissing: (digest: string) => `package ${digest} is not held by this executor: send it over the channel first, or name it by reference (oci://host/repository:tag)`,
  packageDigestMismatch: (named: string, got: string) => `package digest mismatch: the caller named ${named}, the package sent is ${got}`,
  packageSize: (named: number, got: number) => `package digest mismatch: the caller announced ${named} bytes and sent ${got}`,
  packageTooLarge: (size: number, limit: number) => `a package of ${size} bytes is over this executor's limit of ${limit}`,
  noTrustedKey: (scope: string) => `package signature untrusted: this executor trusts no key for ${scope} (nothing was fetched)`,
  layoutOutside: (dir: string) => `the OCI layout ${dir} is not under this executor's layout directories (spell serve --layout <dir>)`,
  packageSource: (url: string) => `manifest_url ${JSON.stringify(url)}: a package is named oci://host[:port]/repository[:tag|@digest], oci:<directory>[:tag] (on the executor), or file:<path>.rmpkg (sent from here over the channel); other URLs are not fetched`,
  transport: (t: string) => `transport '${t}' is not supported here: spellbook executors speak WebRTC (transport: webrtc)`,
} as const;
