/** Typed errors of the ICE module. Parsers throw only these, each carrying a location. */

/** A malformed STUN message (RFC 8489). `offset` is the byte where the problem was found. */
export class StunParseError extends Error {
  override readonly name = 'StunParseError';
  constructor(
    message: string,
    /** Byte offset into the decoded buffer. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

/** A malformed `candidate` attribute (RFC 8839 section 5.1). Columns are 1-based. */
export class CandidateParseError extends Error {
  override readonly name = 'CandidateParseError';
  constructor(
    message: string,
    /** 1-based column in the string given to the parser. */
    readonly column: number,
    /** 1-based line; a candidate is a single line, so this is 1 unless a caller sets it. */
    readonly line = 1,
  ) {
    super(`${message} (line ${line}, column ${column})`);
  }
}

/** A STUN transaction that got no acceptable response after all retransmissions (RFC 8489 section 6.2.1). */
export class StunTimeoutError extends Error {
  override readonly name = 'StunTimeoutError';
  constructor(
    /** How many times the request was sent (Rc when it ran to the end). */
    readonly attempts: number,
    /** Milliseconds from the first send until giving up. */
    readonly elapsedMs: number,
    readonly destination: { address: string; port: number },
  ) {
    super(`no STUN response from ${destination.address}:${destination.port} after ${attempts} attempts in ${Math.round(elapsedMs)} ms`);
  }
}

/** A STUN error response (class 0b11) answered a transaction; `code` is 300..699 (RFC 8489 section 14.8). */
export class StunErrorResponseError extends Error {
  override readonly name = 'StunErrorResponseError';
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`STUN error response ${code} ${reason}`);
  }
}
