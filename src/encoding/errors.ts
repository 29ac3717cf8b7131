/** The encoding module's typed parse error: what went wrong and the byte offset where. */
export class MediaParseError extends Error {
  override readonly name = 'MediaParseError';
  constructor(
    message: string,
    /** Byte offset in the input where the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}
