/** Typed errors of the signaling module. Every error this module throws on purpose is one of these. */
import type { ClientErrorCode, ErrorCode } from './constants.js';

/**
 * An error the server sent (`{"type":"error","code","message"}`, codes in constants.ts) or one
 * the client raised itself (`connect-failed`, `reconnect-exhausted`, ...). `code` is stable.
 */
export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An inbound message that failed validation against the protocol schema. `path` is the JSON
 * pointer of the offending field (the location), `code` the wire error code it maps to.
 */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';
  constructor(
    readonly code: 'bad-json' | 'unknown-type' | 'invalid-message' | 'too-large' | 'binary-frame',
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}
