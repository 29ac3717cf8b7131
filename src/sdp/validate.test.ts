import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, loadSdpFixtures } from './__fixtures__/load.js';
import { VALIDATION_CODES, parse, validate, type ValidateOptions, type ValidationCode } from './index.js';

const FP = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');

/** A small valid offer; line numbers are referred to below. */
const BASE = [
  'v=0', //                                              1
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1', //       2
  's=-', //                                              3
  't=0 0', //                                            4
  'a=group:BUNDLE 0 1 2', //                             5
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0', //                6
  'c=IN IP4 0.0.0.0', //                                 7
  'a=ice-ufrag:abcd', //                                 8
  'a=ice-pwd:abcdefghijklmnopqrstuv', //                 9
  `a=fingerprint:sha-256 ${FP}`, //                      10
  'a=setup:actpass', //                                  11
  'a=mid:0', //                                          12
  'a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid', //   13
  'a=sendrecv', //                                       14
  'a=rtcp-mux', //                                       15
  'a=rtpmap:111 opus/48000/2', //                        16
  'a=rtcp-fb:111 transport-cc', //                       17
  'a=fmtp:111 minptime=10;useinbandfec=1', //            18
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97', //                19
  'c=IN IP4 0.0.0.0', //                                 20
  'a=mid:1', //                                          21
  'a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid', //   22
  'a=sendonly', //                                       23
  'a=rtcp-mux', //                                       24
  'a=rtpmap:96 VP8/90000', //                            25
  'a=rtcp-fb:96 nack pli', //                            26
  'a=rtpmap:97 rtx/90000', //                            27
  'a=fmtp:97 apt=96', //                                 28
  'a=ssrc-group:FID 11 12', //                           29
  'a=ssrc:11 cname:x', //                                30
  'a=ssrc:12 cname:x', //                                31
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', // 32
  'c=IN IP4 0.0.0.0', //                                 33
  'a=mid:2', //                                          34
  'a=sctp-port:5000', //                                 35
];

type Edit = (lines: string[]) => void;
const replace = (n: number, text: string): Edit => (l) => void (l[n - 1] = text);
const remove = (...ns: number[]): Edit => (l) => ns.sort((a, b) => b - a).forEach((n) => l.splice(n - 1, 1));
const insertAfter = (n: number, ...text: string[]): Edit => (l) => void l.splice(n, 0, ...text);

function build(...edits: Edit[]): string {
  const lines = BASE.slice();
  for (const e of edits) e(lines);
  return lines.join('\r\n') + '\r\n';
}

function issuesOf(text: string, options: ValidateOptions = { type: 'offer' }) {
  return validate(parse(text), options);
}

function codes(text: string, options?: ValidateOptions): ValidationCode[] {
  return issuesOf(text, options).map((i) => i.code);
}

interface Case {
  code: ValidationCode;
  fail: Edit[];
  /** Where the issue must point. */
  line: number;
  attribute: string;
  /** A near miss that must not raise this code. */
  pass: Edit[];
  options?: ValidateOptions;
}

const CASES: Case[] = [
  { code: 'missing-origin', fail: [remove(2)], line: 1, attribute: 'o', pass: [replace(2, 'o=jdoe 1 1 IN IP6 ::1')] },
  { code: 'missing-session-name', fail: [remove(3)], line: 1, attribute: 's', pass: [replace(3, 's= ')] },
  { code: 'missing-timing', fail: [remove(4)], line: 1, attribute: 't', pass: [replace(4, 't=3930204312 3930211512')] },
  { code: 'missing-connection', fail: [remove(7)], line: 6, attribute: 'c', pass: [remove(7), insertAfter(4, 'c=IN IP4 0.0.0.0')] },
  { code: 'missing-mid', fail: [remove(34)], line: 32, attribute: 'mid', pass: [replace(34, 'a=mid:data'), replace(5, 'a=group:BUNDLE 0 1 data')] },
  { code: 'duplicate-mid', fail: [replace(34, 'a=mid:1'), replace(5, 'a=group:BUNDLE 0 1')], line: 34, attribute: 'mid', pass: [] },
  { code: 'mid-not-in-bundle', fail: [replace(5, 'a=group:BUNDLE 0 1')], line: 34, attribute: 'mid', pass: [replace(5, 'a=group:BUNDLE 0 1'), replace(32, 'm=application 0 UDP/DTLS/SCTP webrtc-datachannel')] },
  { code: 'bundle-unknown-mid', fail: [replace(5, 'a=group:BUNDLE 0 1 2 3')], line: 5, attribute: 'group', pass: [replace(5, 'a=group:LS 0 1 3'), insertAfter(5, 'a=group:BUNDLE 0 1 2')] },
  { code: 'duplicate-bundle-mid', fail: [replace(5, 'a=group:BUNDLE 0 1'), insertAfter(5, 'a=group:BUNDLE 1 2')], line: 6, attribute: 'group', pass: [replace(5, 'a=group:BUNDLE 0 1'), insertAfter(5, 'a=group:BUNDLE 2')] },
  { code: 'missing-ice-ufrag', fail: [remove(8)], line: 6, attribute: 'ice-ufrag', pass: [remove(8), insertAfter(4, 'a=ice-ufrag:abcd')] },
  { code: 'missing-ice-pwd', fail: [remove(9)], line: 6, attribute: 'ice-pwd', pass: [remove(9), insertAfter(4, 'a=ice-pwd:abcdefghijklmnopqrstuv')] },
  { code: 'bad-ice-ufrag', fail: [replace(8, 'a=ice-ufrag:abc')], line: 8, attribute: 'ice-ufrag', pass: [replace(8, 'a=ice-ufrag:a+/9')] },
  { code: 'bad-ice-pwd', fail: [replace(9, 'a=ice-pwd:abcdefghijklmnopqrstu')], line: 9, attribute: 'ice-pwd', pass: [replace(9, `a=ice-pwd:${'x'.repeat(256)}`)] },
  { code: 'missing-fingerprint', fail: [remove(10)], line: 6, attribute: 'fingerprint', pass: [remove(10), insertAfter(4, `a=fingerprint:sha-256 ${FP}`)] },
  { code: 'bad-fingerprint', fail: [replace(10, `a=fingerprint:sha-256 ${FP.slice(3)}`)], line: 10, attribute: 'fingerprint', pass: [replace(10, `a=fingerprint:SHA-256 ${FP.toLowerCase()}`)] },
  { code: 'missing-setup', fail: [remove(11)], line: 6, attribute: 'setup', pass: [remove(11), insertAfter(4, 'a=setup:actpass')] },
  { code: 'bad-setup-role', fail: [replace(11, 'a=setup:active')], line: 11, attribute: 'setup', pass: [] },
  { code: 'multiple-directions', fail: [insertAfter(14, 'a=recvonly')], line: 15, attribute: 'recvonly', pass: [replace(14, 'a=recvonly')] },
  { code: 'missing-rtpmap', fail: [remove(16, 17, 18)], line: 6, attribute: 'rtpmap', pass: [replace(16, 'a=rtpmap:0 PCMU/8000'), replace(6, 'm=audio 9 UDP/TLS/RTP/SAVPF 0'), remove(17, 18)] },
  { code: 'duplicate-rtpmap', fail: [insertAfter(16, 'a=rtpmap:111 opus/48000/2')], line: 17, attribute: 'rtpmap', pass: [insertAfter(16, 'a=rtpmap:0 PCMU/8000')] },
  { code: 'rtpmap-unknown-pt', fail: [insertAfter(16, 'a=rtpmap:112 opus/48000/2')], line: 17, attribute: 'rtpmap', pass: [replace(6, 'm=audio 9 UDP/TLS/RTP/SAVPF 111 112 0'), insertAfter(16, 'a=rtpmap:112 opus/48000/2')] },
  { code: 'fmtp-unknown-pt', fail: [insertAfter(18, 'a=fmtp:112 minptime=10')], line: 19, attribute: 'fmtp', pass: [insertAfter(18, 'a=fmtp:0 x=1')] },
  { code: 'duplicate-fmtp', fail: [insertAfter(18, 'a=fmtp:111 stereo=1')], line: 19, attribute: 'fmtp', pass: [] },
  { code: 'rtcp-fb-unknown-pt', fail: [insertAfter(17, 'a=rtcp-fb:112 nack')], line: 18, attribute: 'rtcp-fb', pass: [insertAfter(17, 'a=rtcp-fb:* nack')] },
  { code: 'missing-rtcp-mux', fail: [remove(24)], line: 19, attribute: 'rtcp-mux', pass: [remove(24), replace(19, 'm=video 0 UDP/TLS/RTP/SAVPF 96 97')] },
  { code: 'bad-extmap-id', fail: [replace(13, 'a=extmap:0 urn:ietf:params:rtp-hdrext:sdes:mid')], line: 13, attribute: 'extmap', pass: [replace(13, 'a=extmap:255 urn:ietf:params:rtp-hdrext:sdes:mid')] },
  { code: 'duplicate-extmap-id', fail: [insertAfter(13, 'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level')], line: 14, attribute: 'extmap', pass: [insertAfter(13, 'a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level')] },
  { code: 'ssrc-group-unknown-ssrc', fail: [remove(31)], line: 29, attribute: 'ssrc-group', pass: [remove(31), replace(29, 'a=ssrc-group:FID 11')] },
  { code: 'missing-sctp-port', fail: [remove(35)], line: 32, attribute: 'sctp-port', pass: [remove(35), replace(32, 'm=application 0 UDP/DTLS/SCTP webrtc-datachannel')] },
];

describe('validate', () => {
  it('accepts the base offer without any issue', () => {
    expect(issuesOf(build())).toEqual([]);
  });

  it('has a failing and a passing case for every validation code', () => {
    const covered = new Set([...CASES.map((c) => c.code), 'answer-media-count', 'answer-mid-mismatch']);
    expect([...covered].sort()).toEqual(Object.keys(VALIDATION_CODES).sort());
  });

  it('flags every code at its line and attribute, and accepts its near miss', () => {
    for (const c of CASES) {
      const issues = issuesOf(build(...c.fail), c.options);
      const hit = issues.find((i) => i.code === c.code);
      expect(hit, `${c.code} in ${JSON.stringify(issues)}`).toBeDefined();
      expect({ code: c.code, line: hit!.line, attribute: hit!.attribute }).toEqual({ code: c.code, line: c.line, attribute: c.attribute });
      expect(hit!.severity, c.code).toBe(VALIDATION_CODES[c.code][0]);
      expect(hit!.message.startsWith(VALIDATION_CODES[c.code][1]), c.code).toBe(true);
      expect(codes(build(...c.pass), c.options), `near miss of ${c.code}`).not.toContain(c.code);
    }
  });

  it('documents every validation code with its severity in docs/sdp.md', () => {
    const docs = readFileSync(join(REPOSITORY_ROOT, 'docs', 'sdp.md'), 'utf8');
    for (const [code, [severity, description]] of Object.entries(VALIDATION_CODES)) {
      expect(docs, code).toContain(`| \`${code}\` | ${severity} | ${description} |`);
    }
  });

  it('names the media section an issue is in', () => {
    const issue = issuesOf(build(remove(24)))[0];
    expect(issue).toMatchObject({ code: 'missing-rtcp-mux', mediaIndex: 1, mid: '1' });
  });

  it('requires actpass in offers and active or passive in answers', () => {
    const active = build(replace(11, 'a=setup:active'));
    expect(codes(active, { type: 'offer' })).toContain('bad-setup-role');
    expect(codes(active, { type: 'answer' })).not.toContain('bad-setup-role');
    expect(codes(build(replace(11, 'a=setup:passive')), { type: 'answer' })).not.toContain('bad-setup-role');
    expect(codes(build(), { type: 'answer' })).toContain('bad-setup-role');
    expect(codes(build(replace(11, 'a=setup:holdconn')), {})).toContain('bad-setup-role');
    expect(codes(build(), {})).not.toContain('bad-setup-role');
  });

  it('does not require transport attributes in bundled sections behind the BUNDLE tag', () => {
    // Sections 1 and 2 carry no ICE or DTLS attributes in the base: the tagged section 0 does.
    expect(codes(build())).toEqual([]);
    const unbundled = build(replace(5, 'a=group:BUNDLE 0'));
    expect(codes(unbundled)).toEqual(expect.arrayContaining(['missing-ice-ufrag', 'missing-fingerprint', 'mid-not-in-bundle']));
  });

  it('skips rejected sections (port 0 without bundle-only)', () => {
    const rejected = build(replace(19, 'm=video 0 UDP/TLS/RTP/SAVPF 96 97'), remove(24), replace(5, 'a=group:BUNDLE 0 2'));
    expect(codes(rejected)).toEqual([]);
  });

  it('compares an answer with its offer: m= count, order, mids and media types', () => {
    const offer = parse(build());
    const answer = (edits: Edit[]) => validate(parse(build(replace(11, 'a=setup:active'), ...edits)), { type: 'answer', offer });
    expect(answer([])).toEqual([]);
    expect(answer([remove(32, 33, 34, 35), replace(5, 'a=group:BUNDLE 0 1')]).map((i) => i.code)).toEqual(['answer-media-count']);
    const swapped = answer([replace(12, 'a=mid:1'), replace(21, 'a=mid:0'), replace(5, 'a=group:BUNDLE 1 0 2')]);
    expect(swapped.map((i) => [i.code, i.line])).toEqual([
      ['answer-mid-mismatch', 12],
      ['answer-mid-mismatch', 21],
    ]);
  });

  it.each(loadSdpFixtures().map((f) => [f.name, f]))('finds no error in the WebRTC fixture %s', (name, f) => {
    const issues = validate(parse(f.text), { type: f.type });
    const errors = issues.filter((i) => i.severity === 'error');
    if (name.endsWith('rfc8866-lines-lf.sdp')) {
      // A plain RFC 8866 description, not WebRTC: no mid, ICE, DTLS or rtcp-mux.
      expect(new Set(errors.map((e) => e.code))).toEqual(
        new Set(['missing-mid', 'missing-ice-ufrag', 'missing-ice-pwd', 'missing-fingerprint', 'missing-setup', 'missing-rtcp-mux']),
      );
    } else {
      expect(errors).toEqual([]);
    }
  });

  it('warns exactly for the ssrc-group SSRCs without a=ssrc lines in the node-datachannel answer', () => {
    const f = loadSdpFixtures().find((x) => x.name.endsWith('ndc-answer-av-data.sdp'));
    expect(f).toBeDefined();
    // Independent reading of the text: SSRCs named by ssrc-group lines with no a=ssrc line.
    const described = new Set([...f!.text.matchAll(/^a=ssrc:(\d+) /gm)].map((m) => Number(m[1])));
    const grouped = [...f!.text.matchAll(/^a=ssrc-group:\S+((?: \d+)+)/gm)].flatMap((m) => m[1].trim().split(' ').map(Number));
    const orphans = grouped.filter((ssrc) => !described.has(ssrc));
    const warnings = validate(parse(f!.text), { type: 'answer' }).filter((i) => i.severity === 'warning');
    expect(warnings.map((w) => [w.code, w.message.slice(w.message.lastIndexOf('ssrc ') + 5)])).toEqual(
      orphans.map((ssrc) => ['ssrc-group-unknown-ssrc', String(ssrc)]),
    );
  });
});
