import { describe, expect, it } from 'vitest';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { SdpParseError, parse } from './index.js';

const fixtures = loadSdpFixtures();
const chromeOffer = fixtures.find((f) => f.name.endsWith('chrome-offer-av-data.sdp'))!.text;

/** Lines of `after` that differ from `before` (same length expected), as [index, line]. */
function changedLines(before: string, after: string, eol = '\r\n'): [number, string][] {
  const a = before.split(eol);
  const b = after.split(eol);
  expect(b.length).toBe(a.length);
  return b.flatMap((line, i) => (line === a[i] ? [] : [[i, line] as [number, string]]));
}

describe('changes through the API', () => {
  it('rewrites only the changed direction line, canonically', () => {
    const description = parse(chromeOffer);
    const video = description.media[1];
    const at = video.directions[0].line - 1;
    video.setDirection('recvonly');
    expect(changedLines(chromeOffer, description.toString())).toEqual([[at, 'a=recvonly']]);
    expect(video.direction).toBe('recvonly');
  });

  it('rewrites the m= line when the port changes and keeps everything else', () => {
    const description = parse(chromeOffer);
    const audio = description.media[0];
    const formats = audio.formats.join(' ');
    audio.setPort(50000);
    expect(changedLines(chromeOffer, description.toString())).toEqual([[audio.line - 1, `m=audio 50000 UDP/TLS/RTP/SAVPF ${formats}`]]);
    expect(audio.port).toBe(50000);
  });

  it('rewrites o= from typed fields', () => {
    const description = parse(chromeOffer);
    const origin = description.origin!;
    description.setOrigin({ sessionVersion: '3' });
    expect(changedLines(chromeOffer, description.toString())).toEqual([[1, `o=- ${origin.sessionId} 3 IN IP4 127.0.0.1`]]);
  });

  it('replaces ICE credentials, fingerprint, setup and mid in place', () => {
    const description = parse(chromeOffer);
    const data = description.media[2];
    data.setIceCredentials('wxyz', 'a'.repeat(24));
    data.setFingerprint('sha-256', 'AB:'.repeat(31) + 'AB');
    data.setSetup('active');
    data.setMid('data');
    const changed = changedLines(chromeOffer, description.toString()).map(([, line]) => line);
    expect(changed).toEqual([
      'a=ice-ufrag:wxyz',
      `a=ice-pwd:${'a'.repeat(24)}`,
      `a=fingerprint:sha-256 ${'AB:'.repeat(31)}AB`,
      'a=setup:active',
      'a=mid:data',
    ]);
    expect([data.iceUfrag?.value, data.setup?.value, data.mid]).toEqual(['wxyz', 'active', 'data']);
  });

  it('removes a format with its rtpmap, fmtp and rtcp-fb lines', () => {
    const description = parse(chromeOffer);
    const video = description.media[1];
    const before = video.lines.length;
    const related = video.lines.filter((l) => /^a=(rtpmap|fmtp|rtcp-fb):96 /.test(l.raw)).length;
    video.removeFormat(96);
    expect(video.formats).not.toContain('96');
    expect(video.rtpmap(96)).toBeUndefined();
    expect(video.lines.length).toBe(before - related);
    expect(() => parse(description.toString())).not.toThrow();
  });

  it('refuses to remove the last format', () => {
    const description = parse('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n');
    expect(() => description.media[0].removeFormat(0)).toThrow(RangeError);
  });

  it('appends new attributes with the document line ending', () => {
    const lf = chromeOffer.replace(/\r\n/g, '\n');
    const description = parse(lf);
    description.media[0].addAttribute('x-test', '1');
    const out = description.toString();
    expect(out).not.toContain('\r');
    expect(out).toContain('a=x-test:1\n');
  });

  it('keeps the missing final line break when a line is appended at the end', () => {
    const text = chromeOffer.slice(0, -2);
    const description = parse(text);
    description.media[2].addAttribute('x-last');
    const out = description.toString();
    expect(out.endsWith('\r\na=x-last')).toBe(true);
    expect(out.startsWith(text)).toBe(true);
  });

  it('removes attributes by name and predicate', () => {
    const description = parse(chromeOffer);
    const video = description.media[1];
    const removed = video.removeAttributes('rtcp-fb', (a) => a.value!.endsWith(' goog-remb'));
    expect(removed).toBeGreaterThan(0);
    expect(video.rtcpFeedback.some((f) => f.type === 'goog-remb')).toBe(false);
    expect(description.toString().length).toBeLessThan(chromeOffer.length);
  });

  it('restores the lines when a change would not parse', () => {
    const description = parse(chromeOffer);
    const audio = description.media[0];
    expect(() => audio.setAttribute('rtpmap', 'abc opus/48000')).toThrow(SdpParseError);
    expect(description.toString()).toBe(chromeOffer);
    expect(audio.rtpmap(111)?.encodingName).toBe('opus');
  });
});
