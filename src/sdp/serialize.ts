/**
 * Writing a description back to text: each line's raw text and its own terminator, so an
 * unchanged description comes back byte-identical (line endings and a missing final line
 * break included). Lines changed through the API were already rewritten canonically.
 */
import type { SessionDescription } from './session.js';

export function serialize(description: SessionDescription): string {
  let out = '';
  let lastEol = '';
  for (const line of description.lines) {
    out += line.raw + line.eol;
    lastEol = line.eol;
  }
  for (const media of description.media) {
    for (const line of media.lines) {
      out += line.raw + line.eol;
      lastEol = line.eol;
    }
  }
  return description.endsWithLineBreak ? out : out.slice(0, out.length - lastEol.length);
}
