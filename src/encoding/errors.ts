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

/** Codes of MediaSourceError: stable, for programs to tell the kinds apart. */
export type MediaSourceErrorCode =
  /** A pushed buffer's length does not match its format and size. */
  | 'bad-buffer-size'
  /** A pixel format, colour matrix, sample rate, channel count or file format we do not take. */
  | 'unsupported-format'
  /** A picture size outside what the encoder accepts. */
  | 'bad-size'
  /** A timestamp that is not a finite number. */
  | 'bad-timestamp'
  /** A file ends inside a frame or a chunk. */
  | 'truncated'
  /** A file could not be opened or read. */
  | 'io'
  /** The source was ended or closed. */
  | 'closed';

/**
 * The typed error of media sources (pushed frames and samples, files streamed from disk):
 * `code` is stable, `where` names the field or byte offset at fault.
 */
export class MediaSourceError extends Error {
  override readonly name = 'MediaSourceError';
  constructor(
    readonly code: MediaSourceErrorCode,
    message: string,
    /** The field (`data`, `width`, `sampleRate`...) or `byte N` of a file where it went wrong. */
    readonly where: string,
  ) {
    super(`${message} (${where})`);
  }
}
