/**
 * Numbers and user-facing messages of the data channel module in one place.
 *
 * RFC 8831 (WebRTC data channels), RFC 8832 (DCEP) and RFC 8841 (SDP for SCTP over DTLS).
 */

/**
 * RFC 8841 section 6: when the remote description carries no `a=max-message-size`, the
 * peer can receive messages of at most 64 KiB.
 */
export const DEFAULT_REMOTE_MAX_MESSAGE_SIZE = 65_536;

/**
 * RFC 8832 section 5.1 carries the reliability parameter in 32 bits, but the W3C API
 * (`RTCDataChannelInit`) and browsers take `maxRetransmits`/`maxPacketLifeTime` as an
 * unsigned short. We accept what every peer can represent.
 */
export const MAX_RELIABILITY_PARAMETER = 65_535;

/** RFC 8831 section 6.6 / RFC 8832 section 5.1: label and protocol are at most 65,535 bytes each. */
export const MAX_LABEL_BYTES = 65_535;

/** RFC 8831 section 6.5: SCTP stream identifiers 0..65534 (65535 is reserved). */
export const MAX_STREAM_ID = 65_534;

/** Default high-water mark of the awaitable `send()`: 1 MiB queued in the SCTP send buffer. */
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;

/** Default low-water mark: the `bufferedamountlow` threshold, a quarter of the high-water mark. */
export const DEFAULT_LOW_WATER_MARK = 256 * 1024;

/**
 * While a `send()` waits for the buffer to drain it re-reads `bufferedAmount` at this period
 * as well as on every `bufferedamountlow` event. The event alone can be missed when a
 * message is larger than (high-water - low-water): the amount may already sit below the
 * low-water mark, so no further crossing happens.
 */
export const DRAIN_POLL_MS = 20;

/** Default time the loopback helper waits for a channel to open on both peers. */
export const LOOPBACK_OPEN_TIMEOUT_MS = 10_000;

export const Messages = {
  conflictingReliability:
    'maxRetransmits and maxPacketLifeTime are mutually exclusive (RFC 8831 section 6.1): give one or neither',
  reliabilityRange: (name: string, value: unknown) =>
    `${name} must be an integer from 0 to ${MAX_RELIABILITY_PARAMETER}, got ${String(value)}`,
  streamIdRange: (value: unknown) => `negotiated id must be an integer from 0 to ${MAX_STREAM_ID}, got ${String(value)}`,
  labelTooLong: (what: string, bytes: number) => `${what} is ${bytes} bytes; RFC 8832 allows at most ${MAX_LABEL_BYTES}`,
  waterMarks: (high: number, low: number) =>
    `watermarks must be integers with 0 <= lowWaterMark < highWaterMark, got high=${high} low=${low}`,
  tooLarge: (size: number, limit: number) =>
    `message of ${size} bytes exceeds the negotiated maximum message size of ${limit} bytes (RFC 8841 section 6)`,
  notOpen: (state: string) => `cannot send on a data channel that is '${state}', not 'open'`,
  sendFailed: (reason: string) => `node-datachannel refused the message: ${reason}`,
  openTimeout: (label: string, ms: number) => `data channel '${label}' did not open on both loopback peers within ${ms} ms`,
  closedBeforeOpen: (label: string) => `data channel '${label}' closed before it opened`,
} as const;
