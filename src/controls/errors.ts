/** Typed errors of the streaming controls. Every error this module throws on purpose is a ControlsError. */

export type ControlsErrorCode =
  /** A VideoSettings value is out of range (odd size, fps <= 0, bitrate bounds, level limits). */
  | 'bad-settings'
  /** A StreamerOptions value other than video settings is invalid. */
  | 'bad-option'
  /** No subscriber has that id. */
  | 'unknown-subscriber'
  /** The id, or the Peer, is already subscribed. */
  | 'duplicate-subscriber'
  /** The Peer given to subscribe() is closed. */
  | 'peer-closed'
  /** The Streamer was closed. */
  | 'closed';

/** `code` tells the kinds apart without `instanceof`; `field` names the setting at fault, when one is. */
export class ControlsError extends Error {
  override readonly name = 'ControlsError';
  constructor(
    readonly code: ControlsErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
