/**
 * The package module's typed error: `code` is stable, the message starts with the kind of
 * refusal ("package signature invalid: ..."), `path` names the file or blob at fault and
 * `offset` the byte of the archive where there is one.
 */
export type PackageErrorCode =
  | 'signature-missing'
  | 'signature-invalid'
  | 'signature-untrusted'
  | 'digest-mismatch'
  | 'path-escape'
  | 'bad-archive'
  | 'bad-layout'
  | 'bad-manifest'
  | 'too-large'
  | 'bad-key'
  | 'bad-policy'
  | 'bad-input';

export class PackageError extends Error {
  override readonly name = 'PackageError';
  constructor(
    readonly code: PackageErrorCode,
    message: string,
    readonly detail: { path?: string; offset?: number; cause?: unknown } = {},
  ) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
  }
  get path(): string | undefined {
    return this.detail.path;
  }
  get offset(): number | undefined {
    return this.detail.offset;
  }
}
