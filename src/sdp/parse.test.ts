import { describe, expect, it } from 'vitest';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { SdpParseError, parse, serialize } from './index.js';

const fixtures = loadSdpFixtures();
const captured = fixtures.filter((f) => f.captured);

/** Expect `parse(text)` to throw SdpParseError at this line and column. */
function expectParseError(text: string, line: number, column: number): SdpParseError {
  let caught: unknown;
  try {
    parse(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SdpParseError);
  const error = caught as SdpParseError;
  expect({ line: error.line, column: error.column }).toEqual({ line, column });
  return error;
}

const MINIMAL = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';

describe('round trip', () => {
  it('has real captured Chrome and node-datachannel SDPs to test with', () => {
    expect(captured.some((f) => f.name.includes('chrome-offer'))).toBe(true);
    expect(captured.some((f) => f.name.includes('ndc-'))).toBe(true);
  });

  it('round-trips every captured Chrome and node-datachannel SDP byte for byte', () => {
    for (const f of captured) {
      const description = parse(f.text);
      expect(description.toString(), f.name).toBe(f.text);
      expect(description.media.length, f.name).toBeGreaterThan(0);
    }
  });

  it.each(fixtures.map((f) => [f.name, f.text]))('round-trips %s byte for byte', (_name, text) => {
    const description = parse(text);
    expect(serialize(description)).toBe(text);
    expect(description.toString()).toBe(text);
  });

  it('keeps LF line endings, CRLF line endings, and a missing final line break', () => {
    const crlf = fixtures.find((f) => f.name.endsWith('chrome-offer-av-data.sdp'))!.text;
    const lf = crlf.replace(/\r\n/g, '\n');
    const noFinalBreak = crlf.slice(0, -2);
    expect(parse(crlf).lineEnding).toBe('\r\n');
    expect(parse(lf).lineEnding).toBe('\n');
    expect(parse(lf).toString()).toBe(lf);
    expect(parse(noFinalBreak).endsWithLineBreak).toBe(false);
    expect(parse(noFinalBreak).toString()).toBe(noFinalBreak);
    expect(parse(lf.slice(0, -1)).toString()).toBe(lf.slice(0, -1));
  });

  it('keeps mixed line endings line by line', () => {
    const mixed = 'v=0\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\nt=0 0\r\na=x-foo:1\n';
    expect(parse(mixed).toString()).toBe(mixed);
  });

  it('keeps unknown line types and unknown attributes where they were', () => {
    const text = `${MINIMAL}y=what is this\r\na=x-vendor:one two\r\nm=audio 9 RTP/AVP 0\r\nq=inside media\r\na=x-flag\r\n`;
    const description = parse(text);
    expect(description.toString()).toBe(text);
    expect(description.attribute('x-vendor')).toBe('one two');
    expect(description.media[0].attribute('x-flag')).toBe('');
    expect(description.media[0].lines.map((l) => l.raw)).toEqual(['m=audio 9 RTP/AVP 0', 'q=inside media', 'a=x-flag']);
  });

  it('records the line number of every line', () => {
    const description = parse(fixtures.find((f) => f.name.endsWith('firefox-offer.sdp'))!.text);
    const all = [...description.lines, ...description.media.flatMap((m) => m.lines)];
    expect(all.map((l) => l.line)).toEqual(all.map((_, i) => i + 1));
  });
});

describe('parse errors', () => {
  it('rejects empty text at line 1, column 1', () => {
    expectParseError('', 1, 1);
  });

  it('rejects text that does not start with v=', () => {
    expectParseError('o=- 1 2 IN IP4 127.0.0.1\r\n', 1, 1);
  });

  it('rejects a version other than 0 at the version column', () => {
    expectParseError('v=1\r\n', 1, 3);
  });

  it('rejects a line without = with its line and column', () => {
    const error = expectParseError(`${MINIMAL}a=mid:0\r\nhello\r\n`, 6, 2);
    expect(error.message).toContain('line 6, column 2');
  });

  it('rejects an empty line', () => {
    expectParseError(`${MINIMAL}\r\na=mid:0\r\n`, 5, 1);
  });

  it('rejects a type longer than one letter', () => {
    expectParseError(`${MINIMAL}ab=c\r\n`, 5, 2);
  });

  it('rejects a type that is not a letter', () => {
    expectParseError(`${MINIMAL}1=c\r\n`, 5, 1);
  });

  it('rejects a stray carriage return inside a line', () => {
    expectParseError(`${MINIMAL}a=mid:0\rx\r\n`, 5, 8);
  });

  it('rejects a NUL byte inside a line', () => {
    expectParseError(`${MINIMAL}s=a\0b\r\n`, 5, 4);
  });

  it('rejects a repeated v= line', () => {
    expectParseError(`${MINIMAL}v=0\r\n`, 5, 1);
  });

  it('rejects an m= line with a non-numeric port at the port column', () => {
    expectParseError(`${MINIMAL}m=audio 9x UDP/TLS/RTP/SAVPF 111\r\n`, 5, 10);
  });

  it('rejects an m= line with a port above 65535', () => {
    expectParseError(`${MINIMAL}m=audio 65536 UDP/TLS/RTP/SAVPF 111\r\n`, 5, 9);
  });

  it('rejects an m= line without formats', () => {
    expectParseError(`${MINIMAL}m=audio 9 UDP/TLS/RTP/SAVPF\r\n`, 5, 28);
  });

  it('rejects an RTP m= line whose format is not a payload type', () => {
    expectParseError(`${MINIMAL}m=video 9 UDP/TLS/RTP/SAVPF 96 abc\r\n`, 5, 32);
  });

  it('rejects an RTP payload type above 127', () => {
    expectParseError(`${MINIMAL}m=video 9 UDP/TLS/RTP/SAVPF 128\r\n`, 5, 29);
  });

  it('accepts non-numeric formats on a data channel m= line', () => {
    const description = parse(`${MINIMAL}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n`);
    expect(description.media[0].formats).toEqual(['webrtc-datachannel']);
    expect(description.media[0].payloadTypes).toEqual([]);
  });

  it('rejects an o= line with a non-numeric session id', () => {
    expectParseError('v=0\r\no=- 12a 2 IN IP4 127.0.0.1\r\n', 2, 7);
  });

  it('rejects an o= line with a missing address', () => {
    expectParseError('v=0\r\no=- 1 2 IN IP4\r\n', 2, 15);
  });

  it('rejects a bad b= line', () => {
    expectParseError(`${MINIMAL}b=AS\r\n`, 5, 3);
    expectParseError(`${MINIMAL}b=AS:12k\r\n`, 5, 8);
  });

  it('rejects an rtpmap with a bad clock rate at that column', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus/48k/2\r\n`, 6, 21);
  });

  it('rejects an rtpmap without a clock rate', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 111\r\na=rtpmap:111 opus\r\n`, 6, 14);
  });

  it('rejects an rtpmap payload type that is not a number', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 111\r\na=rtpmap:x11 opus/48000\r\n`, 6, 10);
  });

  it('rejects an extmap with a bad id or direction', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 0\r\na=extmap:a urn:x\r\n`, 6, 10);
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 0\r\na=extmap:3/sideways urn:x\r\n`, 6, 12);
  });

  it('rejects an ssrc above 2^32 - 1', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 0\r\na=ssrc:4294967296 cname:x\r\n`, 6, 8);
  });

  it('rejects a candidate without "typ"', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 100 10.0.0.1 5000 host\r\n`, 6, 39);
  });

  it('rejects a candidate with a non-numeric port', () => {
    expectParseError(`${MINIMAL}m=audio 9 RTP/AVP 0\r\na=candidate:1 1 udp 100 10.0.0.1 50x0 typ host\r\n`, 6, 36);
  });

  it('rejects an attribute whose name has a character outside token-char', () => {
    expectParseError(`${MINIMAL}a=bad name:1\r\n`, 5, 6);
    expectParseError(`${MINIMAL}a=:1\r\n`, 5, 3);
    for (const bad of '"(),/;<=>?@[\\]') expectParseError(`${MINIMAL}a=x${bad}y\r\n`, 5, 4);
    // RFC 8866 section 9 token-char includes these (unlike the HTTP token).
    expect(parse(`${MINIMAL}a=x{|}~!#$%&'*+-.^_\`y:1\r\n`).attributes[0].name).toBe("x{|}~!#$%&'*+-.^_`y");
  });

  it('rejects a non-numeric sctp-port and max-message-size', () => {
    expectParseError(`${MINIMAL}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:50o0\r\n`, 6, 15);
    expectParseError(`${MINIMAL}m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=max-message-size:\r\n`, 6, 20);
  });

  it('reports the earliest malformed line first', () => {
    expectParseError(`${MINIMAL}b=AS:x\r\nm=audio 9 RTP/AVP y\r\n`, 5, 6);
  });
});
