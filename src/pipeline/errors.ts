/**
 * The pipeline's one typed error. `code` is stable; `nodeId` names the node at fault whenever
 * there is one (a node's own failure is wrapped with its id, the original kept as `cause`).
 */

export type PipelineErrorCode =
  | 'bad-graph'
  | 'port-mismatch'
  | 'no-input'
  | 'already-running'
  | 'node-failed'
  | 'missing-runtime'
  | 'remote-unavailable'
  | 'remote-failed'
  | 'remote-lost'
  | 'requirements-unmet'
  | 'bad-param'
  | 'bad-queue'
  | 'bad-frame'
  | 'timeout'
  | 'aborted';

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    readonly nodeId?: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.field = options?.field;
  }
  readonly field?: string;
}

/** Thrown by `ctx.emit` once the pipeline stops, so a source's loop ends; the runtime swallows it. */
export class PipelineStopped extends Error {
  override readonly name = 'PipelineStopped';
  constructor() {
    super('the pipeline stopped');
  }
}
