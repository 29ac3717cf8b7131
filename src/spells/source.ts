/**
 * Turning a spell file's bytes into text, or into one clear diagnostic: too large, binary,
 * not UTF-8. A byte order mark is dropped; line endings are left to the parser.
 */
import { LIMITS, MESSAGES, RULES } from './constants.js';
import type { Diagnostic } from './model.js';

export type DecodedSource = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

const decoder = new TextDecoder('utf-8', { fatal: true });

function fileDiagnostic(file: string, rule: { id: string; severity: 'error' | 'warning' }, message: string): DecodedSource {
  return { ok: false, diagnostic: { rule: rule.id, severity: rule.severity, message, location: { file, line: 1, column: 1 } } };
}

/** Byte offset of the first invalid UTF-8 sequence (RFC 3629 section 4), or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    if (i + need >= bytes.length) return i; // truncated sequence
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Decode a spell file, or say precisely why it cannot be read as spells. */
export function decodeSpellSource(file: string, bytes: Uint8Array): DecodedSource {
  if (bytes.length > LIMITS.maxFileBytes) {
    return fileDiagnostic(file, RULES.fileTooLarge, MESSAGES.fileTooLarge(bytes.length, LIMITS.maxFileBytes));
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return fileDiagnostic(file, RULES.fileEncoding, MESSAGES.fileBinary(nul));
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return fileDiagnostic(file, RULES.fileEncoding, MESSAGES.fileNotUtf8(Math.max(0, firstInvalidUtf8Offset(bytes))));
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}
