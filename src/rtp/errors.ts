/** Typed errors of the RTP module. Both carry the byte offset where parsing failed. */

/** A parse failure at byte `offset` of the input. */
abstract class OffsetRangeError extends RangeError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

/** An RTP packet (RFC 3550 5.1, RFC 8285) failed to parse; `offset` is the failing byte. */
export class RtpParseError extends OffsetRangeError {
  override readonly name = 'RtpParseError';
}

/** An RTCP packet (RFC 3550 6, RFC 4585, RFC 5104, ...) failed to parse at byte `offset`. */
export class RtcpParseError extends OffsetRangeError {
  override readonly name = 'RtcpParseError';
}
