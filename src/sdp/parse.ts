/**
 * SDP text to a `SessionDescription` (RFC 8866 section 5).
 *
 * Lines end at LF; a CR right before the LF belongs to the terminator (RFC 8866 section 5 asks
 * for CRLF, and also says parsers should accept a bare LF). Each line keeps its raw text and its
 * own terminator. Every line must be `<type>=<value>` with a one-letter type, and the text
 * starts with `v=0`. An m= line starts a media section. Known lines and attributes are parsed
 * into typed views; unknown ones are kept as written. Malformed input throws `SdpParseError`
 * with the 1-based line and column.
 */
import { PARSE_MESSAGES as M } from './constants.js';
import { SdpParseError } from './errors.js';
import { MediaSection } from './media.js';
import type { SdpLine } from './section.js';
import { SessionDescription } from './session.js';
import type { LineEnding } from './types.js';

const CR = 13;
const EQUALS = 61;

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Check one line's shape; throws `SdpParseError` pointing at the first fault. */
function checkLine(raw: string, line: number, hasNul: boolean): void {
  if (raw.length < 2 || raw.charCodeAt(1) !== EQUALS) {
    const eq = raw.indexOf('=');
    if (eq > 1 && isLetter(raw.charCodeAt(0))) throw new SdpParseError(M.badType, line, 2);
    throw new SdpParseError(M.noEquals, line, Math.min(raw.length + 1, 2));
  }
  if (!isLetter(raw.charCodeAt(0))) throw new SdpParseError(M.badType, line, 1);
  const cr = raw.indexOf('\r');
  if (cr !== -1) throw new SdpParseError(M.controlChar, line, cr + 1);
  if (hasNul) {
    const nul = raw.indexOf('\0');
    if (nul !== -1) throw new SdpParseError(M.controlChar, line, nul + 1);
  }
}

/** Parse SDP text. Throws `SdpParseError` (with `line` and `column`) on malformed input. */
export function parse(text: string): SessionDescription {
  if (text.length === 0) throw new SdpParseError(M.empty, 1, 1);
  const hasNul = text.indexOf('\0') !== -1;
  const sessionLines: SdpLine[] = [];
  const mediaLines: SdpLine[][] = [];
  let current = sessionLines;
  let lineEnding: LineEnding | undefined;
  let endsWithLineBreak = true;
  let pos = 0;
  let lineNumber = 0;
  const length = text.length;

  while (pos < length) {
    lineNumber++;
    const lf = text.indexOf('\n', pos);
    let end: number;
    let eol: string;
    if (lf === -1) {
      end = length;
      eol = '';
      endsWithLineBreak = false;
    } else if (lf > pos && text.charCodeAt(lf - 1) === CR) {
      end = lf - 1;
      eol = '\r\n';
    } else {
      end = lf;
      eol = '\n';
    }
    const raw = text.slice(pos, end);
    checkLine(raw, lineNumber, hasNul);
    const type = raw[0];
    if (lineNumber === 1) {
      if (type !== 'v') throw new SdpParseError(M.firstLine, 1, 1);
      if (raw !== 'v=0') throw new SdpParseError(M.version, 1, 3);
    } else if (type === 'v') {
      throw new SdpParseError(M.versionRepeated, lineNumber, 1);
    } else if (type === 'm') {
      current = [];
      mediaLines.push(current);
    }
    if (lineEnding === undefined && eol !== '') lineEnding = eol as LineEnding;
    current.push({ type, raw, eol, line: lineNumber });
    pos = lf === -1 ? length : lf + 1;
  }

  const ending: LineEnding = lineEnding ?? '\r\n';
  if (!endsWithLineBreak) {
    // Give the last line the document's terminator; the serializer leaves it off again.
    const last = mediaLines.length ? mediaLines[mediaLines.length - 1] : sessionLines;
    last[last.length - 1].eol = ending;
  }
  // Typed views are built section by section, so the first error reported is the earliest.
  const description = new SessionDescription(sessionLines, [], ending, endsWithLineBreak);
  for (const lines of mediaLines) description.media.push(new MediaSection(lines, ending));
  return description;
}
