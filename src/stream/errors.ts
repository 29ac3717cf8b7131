/** Typed errors of the stream server; each carries the HTTP status it is answered with. */

export type StreamServerErrorCode =
  | 'bad-content-type'
  | 'too-large'
  | 'bad-offer'
  | 'too-many-viewers'
  | 'not-found'
  | 'method-not-allowed'
  | 'bad-control'
  | 'timeout'
  | 'closed';

/** HTTP status per code (RFC 9110 section 15). */
export const STATUS: Readonly<Record<StreamServerErrorCode, number>> = {
  'bad-content-type': 415,
  'too-large': 413,
  'bad-offer': 400,
  'too-many-viewers': 503,
  'not-found': 404,
  'method-not-allowed': 405,
  'bad-control': 400,
  timeout: 408,
  closed: 503,
};

export class StreamServerError extends Error {
  override readonly name = 'StreamServerError';
  readonly status: number;
  constructor(
    readonly code: StreamServerErrorCode,
    message: string,
    /** The header, field or line at fault, when there is one. */
    readonly where?: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
