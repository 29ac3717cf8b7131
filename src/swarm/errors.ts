/** Typed errors of the swarm transport. Every error this module throws on purpose is a SwarmError. */

export type SwarmErrorCode =
  /** An inbound data-channel message failed validation (see SwarmMessageError). */
  | 'bad-message'
  /** An outbound payload or option is invalid. */
  | 'bad-option'
  /** A payload is too large for one control message. */
  | 'payload-too-large'
  /** No open data channel to that peer. */
  | 'not-connected'
  /** The agent is not initialized, or was disconnected. */
  | 'not-initialized'
  | 'disconnected'
  /** A delegated task: timed out, refused, failed on the peer, or its channel closed. */
  | 'task-timeout'
  | 'task-refused'
  | 'task-failed'
  | 'channel-closed'
  /** An artifact arrived but its SHA-256 did not match. */
  | 'digest-mismatch';

/** `code` tells the kinds apart without `instanceof`. */
export class SwarmError extends Error {
  override readonly name: string = 'SwarmError';
  constructor(
    readonly code: SwarmErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Stable reasons an inbound message is rejected. */
export type MessageErrorReason = 'too-large' | 'not-json' | 'not-object' | 'unknown-type' | 'bad-field' | 'bad-frame';

/**
 * An inbound message that is not a valid swarm message. `reason` is stable; `field` names the
 * offending field (a JSON path like `item.topic`) or, for binary frames, `offset` the byte.
 */
export class SwarmMessageError extends SwarmError {
  override readonly name = 'SwarmMessageError';
  constructor(
    readonly reason: MessageErrorReason,
    message: string,
    readonly location: { field?: string; offset?: number } = {},
  ) {
    super('bad-message', message);
  }
}

/** delegateTask() failed: `taskId` and `peerId` say which. */
export class TaskError extends SwarmError {
  override readonly name = 'TaskError';
  constructor(
    code: 'task-timeout' | 'task-refused' | 'task-failed' | 'channel-closed' | 'not-connected' | 'disconnected',
    message: string,
    readonly taskId: string,
    readonly peerId: string,
    /** For a refusal, the peer's reason (e.g. `no-executor`, `busy`). */
    readonly reason?: string,
  ) {
    super(code, message);
  }
}
