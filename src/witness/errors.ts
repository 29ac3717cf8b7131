/** Typed errors of `spellbook/witness`, each with a stable code and, for text input, a 1-based line and column. */
import { WITNESS_ERRORS, type WitnessErrorCode } from './constants.js';

export class WitnessError extends Error {
  override readonly name = 'WitnessError';
  constructor(
    readonly code: WitnessErrorCode,
    detail?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(detail ? `${WITNESS_ERRORS[code]}: ${detail}` : WITNESS_ERRORS[code]);
  }
}
