/**
 * The sandbox's typed error. `code` is stable; `nodeId` names the node and `limit` the limit
 * that was breached (bytes or milliseconds), so a pipeline's failure says which node broke which
 * limit. `offset` locates a fault in a module's binary.
 */
export type SandboxErrorCode =
  | 'bad-module'
  | 'module-too-large'
  | 'module-memory'
  | 'no-memory-import'
  | 'bad-memory-import'
  | 'forbidden-import'
  | 'missing-export'
  | 'memory-limit'
  | 'time-frame'
  | 'time-total'
  | 'time-init'
  | 'trap'
  | 'bad-output'
  | 'worker-failed'
  | 'disabled'
  | 'closed'
  | 'bad-option';

/** Codes that are a breached limit (as opposed to a module refused before it ran). */
export const LIMIT_CODES: ReadonlySet<SandboxErrorCode> = new Set(['memory-limit', 'time-frame', 'time-total', 'time-init']);

export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    readonly detail: { nodeId?: string; limit?: number; offset?: number; cause?: unknown } = {},
  ) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
  }
  get nodeId(): string | undefined {
    return this.detail.nodeId;
  }
  get limit(): number | undefined {
    return this.detail.limit;
  }
  get offset(): number | undefined {
    return this.detail.offset;
  }
}
