/** Typed errors of `spellbook/mesh`: every refusal a caller sees is a MeshError with a stable code. */
import { MESH_ERRORS, type MeshErrorCode } from './constants.js';

export class MeshError extends Error {
  override readonly name = 'MeshError';
  constructor(
    readonly code: MeshErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${MESH_ERRORS[code]}: ${detail}` : MESH_ERRORS[code], options);
  }
}
