/** Typed errors of `spellbook/envelope`. Every refusal this module makes on purpose is one of these, with a stable `code`. */
import {
  ENVELOPE_ERRORS,
  KEY_FILE_ERRORS,
  SDP_BINDING_ERRORS,
  type EnvelopeErrorCode,
  type KeyFileErrorCode,
  type SdpBindingErrorCode,
} from './constants.js';

/** Where in the input a problem is: a JSON pointer into the value, and for JSON text a 1-based line and column. */
export interface EnvelopeErrorLocation {
  path: string;
  line?: number;
  column?: number;
}

/**
 * A refused envelope (or a value canonical JSON cannot carry). `code` is stable and is the key
 * `EnvelopeVerifier.stats()` counts rejections under.
 */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  constructor(
    readonly code: EnvelopeErrorCode,
    detail?: string,
    location: EnvelopeErrorLocation = { path: '' },
  ) {
    super(detail ? `${ENVELOPE_ERRORS[code]}: ${detail}` : ENVELOPE_ERRORS[code]);
    this.path = location.path;
    this.line = location.line;
    this.column = location.column;
  }
}

/** A signed SDP whose description does not match what its sender signed. */
export class SdpBindingError extends Error {
  override readonly name = 'SdpBindingError';
  constructor(
    readonly code: SdpBindingErrorCode,
    detail?: string,
  ) {
    super(detail ? `${SDP_BINDING_ERRORS[code]}: ${detail}` : SDP_BINDING_ERRORS[code]);
  }
}

/** A key file or public key string that cannot be used. Never carries key material in its message. */
export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(
    readonly code: KeyFileErrorCode,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${KEY_FILE_ERRORS[code]}` : KEY_FILE_ERRORS[code]);
  }
}
