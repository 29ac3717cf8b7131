/** Defaults, limits and messages of the pipeline runtime (one place, per docs/contributing.md). */

export const DEFAULTS = {
  /** Capacity of an edge's queue when neither the edge nor the target node says otherwise. */
  queueCapacity: 16,
  queuePolicy: 'block' as const,
  /** Capacity of the queue behind `outputs(nodeId)` (policy block: an idle reader holds the pipeline). */
  tapCapacity: 64,
  /** Latency samples kept per node (the newest; p50/p95 are over these). */
  latencyWindow: 4096,
  /** After a stop, how long run() waits for nodes busy in their own code before closing them anyway. */
  stopGraceMs: 1000,
};

export const LIMITS = {
  maxNodes: 1000,
  maxQueueCapacity: 65536,
  /** Largest frame accepted by frameFromJSON: samples, pixels or bytes. */
  maxFrameBytes: 64 * 1024 * 1024,
  maxIdLength: 128,
};

export const FRAME_KINDS = ['audio', 'video', 'data', 'text'] as const;

export const Messages = {
  duplicateId: (id: string) => `a node with id '${id}' is already in the pipeline`,
  badId: (id: string) => `node id ${JSON.stringify(id)} must be 1-${LIMITS.maxIdLength} characters from A-Z a-z 0-9 _ . : @ + -`,
  unknownNode: (id: string) => `no node '${id}' in the pipeline`,
  portMismatch: (from: string, to: string, produced: string[], accepted: string[]) =>
    `node '${from}' produces ${produced.join('/') || 'nothing'} but node '${to}' accepts ${accepted.join('/') || 'nothing'}`,
  unknownPort: (id: string, port: string, side: 'output' | 'input', known: string[]) => `node '${id}' has no ${side} port '${port}' (ports: ${known.join(', ') || 'none'})`,
  cycle: (ids: string[]) => `the edges form a cycle: ${ids.join(' -> ')}`,
  noInput: (ids: string[]) => `node(s) ${ids.map((i) => `'${i}'`).join(', ')} take input but nothing feeds them: connect a source or pass run({ input })`,
  alreadyRunning: 'the pipeline is already running (a Pipeline runs once)',
  nodeFailed: (id: string, message: string) => `node '${id}' failed: ${message}`,
  remoteUnavailable: (id: string, why: string, detail: string) => `node '${id}' must run on a remote executor (${why}): ${detail}`,
  requirementsUnmet: (id: string, what: string) => `node '${id}' requires ${what}, which this machine does not have`,
  timeout: (ms: number) => `the pipeline did not finish within ${ms} ms`,
  badQueue: (why: string) => `bad queue: ${why}`,
  badFrame: (field: string, why: string) => `bad frame: ${field} ${why}`,
} as const;
