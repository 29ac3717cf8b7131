/** The registry client's typed error: a stable code, the HTTP status and URL where there is one. */
export type RegistryErrorCode = 'bad-reference' | 'http' | 'unauthorized' | 'not-found' | 'digest-mismatch' | 'upload-failed' | 'too-large' | 'not-package' | 'unreachable';

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly detail: { status?: number; url?: string; cause?: unknown } = {},
  ) {
    super(message, detail.cause === undefined ? undefined : { cause: detail.cause });
  }
  get status(): number | undefined {
    return this.detail.status;
  }
}
