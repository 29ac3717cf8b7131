/**
 * The one error the SDP parser throws. It names where the text went wrong: `line` is the
 * 1-based line number in the parsed text and `column` the 1-based character position in that
 * line (RFC 8866 section 5 describes SDP as `<type>=<value>` lines).
 */
export class SdpParseError extends Error {
  override readonly name = 'SdpParseError';
  /** 1-based line number in the parsed text. */
  readonly line: number;
  /** 1-based character position within the line. */
  readonly column: number;

  constructor(message: string, line: number, column: number) {
    super(`${message} (line ${line}, column ${column})`);
    this.line = line;
    this.column = column;
  }
}
