/**
 * Format parameters (RFC 8866 section 6.15, `a=fmtp:<format> <params>`). The parameter text is
 * codec-specific; RTP payload formats registered as media types use `name=value` pairs
 * separated by `;` (RFC 4855 section 3), with names case-insensitive. Some formats use bare
 * tokens (telephone-event `0-15`, RED `111/111`), kept here as names with an empty value.
 */
import { Cursor, tryDecimal } from './scan.js';
import { PAYLOAD_TYPE_MAX } from './constants.js';
import type { Fmtp } from './types.js';

/**
 * Parse `name=value;name=value` into a map with lower-cased names, in order. Spaces around
 * separators are ignored, empty segments skipped; the last of two equal names wins. Never
 * throws: any text is some set of parameters.
 */
export function parseFmtpParameters(config: string): Map<string, string> {
  const parameters = new Map<string, string>();
  let start = 0;
  const length = config.length;
  while (start <= length) {
    let end = config.indexOf(';', start);
    if (end === -1) end = length;
    const eq = config.indexOf('=', start);
    if (eq !== -1 && eq < end) {
      const name = config.slice(start, eq).trim();
      if (name) parameters.set(name.toLowerCase(), config.slice(eq + 1, end).trim());
    } else {
      const name = config.slice(start, end).trim();
      if (name) parameters.set(name.toLowerCase(), '');
    }
    start = end + 1;
  }
  return parameters;
}

/** Write parameters back as `name=value;name=value` (flags with an empty value as bare names). */
export function formatFmtpParameters(parameters: ReadonlyMap<string, string> | Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [name, value] of parameters) {
    if (out) out += ';';
    out += value === '' ? name : `${name}=${value}`;
  }
  return out;
}

/** Parse the value of an `a=fmtp:` attribute starting at the cursor. */
export function readFmtp(cursor: Cursor): Fmtp {
  const format = cursor.token('fmtp format');
  const config = cursor.rest();
  return {
    line: cursor.line,
    format,
    payloadType: tryDecimal(format, PAYLOAD_TYPE_MAX),
    parameters: parseFmtpParameters(config),
    config,
  };
}

/**
 * Parse an `a=fmtp:` attribute value on its own, e.g. `96 profile-level-id=42e01f`.
 * Throws `SdpParseError` (at `line`, 1-based `column` of the value) when the format is missing.
 */
export function parseFmtp(value: string, line = 1, column = 1): Fmtp {
  const cursor = new Cursor(value, line, 0, column - 1);
  return readFmtp(cursor);
}
