/** Typed errors of the spell language server, each with a stable code. */

export type LspErrorCode = 'no-manifest' | 'unknown-spell' | 'seal-refused' | 'bad-argument';

export class LspError extends Error {
  constructor(readonly code: LspErrorCode, message: string) {
    super(message);
    this.name = 'LspError';
  }
}
