/** Typed errors of the data channel module. Every error this module throws is one of these. */
import { Messages } from './constants.js';
import type { ChannelState } from './state.js';

/** Base class: `code` tells the kinds apart without `instanceof`. */
export class DataChannelError extends Error {
  override readonly name: string = 'DataChannelError';
  constructor(
    readonly code: 'invalid-option' | 'message-too-large' | 'not-open' | 'send-failed' | 'open-failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Channel options that no peer could negotiate: both `maxRetransmits` and
 * `maxPacketLifeTime` (RFC 8831 section 6.1 makes them mutually exclusive), a parameter out
 * of range, a bad stream id or watermarks. `option` names the offending field.
 */
export class InvalidChannelOptionError extends DataChannelError {
  override readonly name = 'InvalidChannelOptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('invalid-option', message);
  }
}

/**
 * A message larger than the peer accepts (its `a=max-message-size`, RFC 8841 section 6).
 * Thrown before anything reaches the SCTP stack.
 */
export class MessageTooLargeError extends DataChannelError {
  override readonly name = 'MessageTooLargeError';
  constructor(
    /** Size of the refused message in bytes (UTF-8 bytes for text). */
    readonly size: number,
    /** The negotiated maximum message size in bytes. */
    readonly limit: number,
  ) {
    super('message-too-large', Messages.tooLarge(size, limit));
  }
}

/** A send on a channel that is not `open` (RFC 8831 section 6.6: messages go only on open channels). */
export class ChannelNotOpenError extends DataChannelError {
  override readonly name = 'ChannelNotOpenError';
  constructor(readonly state: ChannelState) {
    super('not-open', Messages.notOpen(state));
  }
}

/** node-datachannel threw while sending on a channel we believed open; `cause` is its error. */
export class ChannelSendError extends DataChannelError {
  override readonly name = 'ChannelSendError';
  constructor(reason: string, cause: unknown) {
    super('send-failed', Messages.sendFailed(reason), { cause });
  }
}

/** A channel that closed before opening, or did not open in time (loopback helper). */
export class ChannelOpenError extends DataChannelError {
  override readonly name = 'ChannelOpenError';
  constructor(
    readonly label: string,
    message: string,
  ) {
    super('open-failed', message);
  }
}
