import { describe, expect, it } from 'vitest';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { isLevel1b, levelRank, negotiateH264, parse, parseProfileLevelId, sameProfile } from './index.js';

const params = (text: string) =>
  new Map(
    text
      .split(';')
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );

function answerPli(offer: string, local: string): string | undefined {
  const result = negotiateH264(params(offer), params(local));
  return result.ok ? result.parameters.get('profile-level-id') : undefined;
}

describe('H.264 (RFC 6184 section 8)', () => {
  it('parses profile-level-id into profile_idc, profile-iop and level_idc bytes', () => {
    expect(parseProfileLevelId('42e01f')).toEqual({ profileIdc: 0x42, profileIop: 0xe0, levelIdc: 0x1f });
    expect(parseProfileLevelId('640C1F')).toEqual({ profileIdc: 0x64, profileIop: 0x0c, levelIdc: 0x1f });
    for (const bad of ['', '42e01', '42e01f0', 'g2e01f', ' 42e01']) expect(parseProfileLevelId(bad)).toBeUndefined();
  });

  it('requires equal packetization-mode', () => {
    expect(negotiateH264(params('packetization-mode=1;profile-level-id=42e01f'), params('packetization-mode=0;profile-level-id=42e01f'))).toEqual({
      ok: false,
      reason: 'packetization-mode',
    });
    expect(negotiateH264(params('packetization-mode=1;profile-level-id=42e01f'), params('packetization-mode=1;profile-level-id=42e01f')).ok).toBe(true);
  });

  it('treats a missing packetization-mode as mode 0', () => {
    expect(negotiateH264(params('profile-level-id=42e01f'), params('packetization-mode=0;profile-level-id=42e01f')).ok).toBe(true);
    expect(negotiateH264(params('profile-level-id=42e01f'), params('packetization-mode=1;profile-level-id=42e01f'))).toEqual({
      ok: false,
      reason: 'packetization-mode',
    });
    const result = negotiateH264(params('profile-level-id=42e01f'), params('profile-level-id=42e01f'));
    expect(result.ok && result.parameters.get('packetization-mode')).toBe('0');
  });

  it('compares profiles as profile_idc and constraint bytes, not as strings', () => {
    expect(answerPli('packetization-mode=1;profile-level-id=42E01F', 'packetization-mode=1;profile-level-id=42e01f')).toBe('42e01f');
    // Same profile_idc (Baseline) but different constraint flags: not the same profile.
    expect(negotiateH264(params('packetization-mode=1;profile-level-id=42001f'), params('packetization-mode=1;profile-level-id=42e01f'))).toEqual({
      ok: false,
      reason: 'profile',
    });
    expect(negotiateH264(params('packetization-mode=1;profile-level-id=640c1f'), params('packetization-mode=1;profile-level-id=42e01f'))).toEqual({
      ok: false,
      reason: 'profile',
    });
    expect(sameProfile(parseProfileLevelId('4d001f')!, parseProfileLevelId('4D0028')!)).toBe(true);
  });

  it('rejects a profile-level-id that is not three hex bytes', () => {
    expect(negotiateH264(params('profile-level-id=42e01'), params('profile-level-id=42e01f'))).toEqual({ ok: false, reason: 'bad-profile-level-id' });
  });

  it('uses 420010 when profile-level-id is absent', () => {
    expect(answerPli('', 'profile-level-id=420010')).toBe('420010');
    expect(negotiateH264(params(''), params('profile-level-id=42e01f'))).toEqual({ ok: false, reason: 'profile' });
  });

  it('answers with the lower level when level asymmetry is not allowed by both', () => {
    // Offer 3.1, we decode 4.2: the answer uses 3.1.
    expect(answerPli('packetization-mode=1;profile-level-id=42e01f', 'packetization-mode=1;profile-level-id=42e02a')).toBe('42e01f');
    // Offer 4.2, we decode 3.1: the answer uses 3.1.
    expect(answerPli('packetization-mode=1;profile-level-id=42e02a', 'packetization-mode=1;profile-level-id=42e01f')).toBe('42e01f');
    // Only one side allows asymmetry: still the lower level, and no asymmetry in the answer.
    const one = negotiateH264(params('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e02a'), params('packetization-mode=1;profile-level-id=42e01f'));
    expect(one.ok && [one.parameters.get('profile-level-id'), one.parameters.has('level-asymmetry-allowed')]).toEqual(['42e01f', false]);
  });

  it('lets the levels differ when both allow level asymmetry', () => {
    const result = negotiateH264(
      params('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f'),
      params('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e02a'),
    );
    expect(result).toEqual({
      ok: true,
      levelAsymmetry: true,
      parameters: new Map([
        ['level-asymmetry-allowed', '1'],
        ['packetization-mode', '1'],
        ['profile-level-id', '42e02a'],
      ]),
    });
  });

  it('orders level 1b between level 1 and level 1.1 and keeps its constraint_set3 flag out of the profile', () => {
    const oneB = parseProfileLevelId('42f00b')!; // Constrained Baseline, set3 + level_idc 11 = 1b
    const oneOne = parseProfileLevelId('42e00b')!; // Constrained Baseline level 1.1
    expect(isLevel1b(oneB)).toBe(true);
    expect(isLevel1b(oneOne)).toBe(false);
    expect(levelRank(parseProfileLevelId('42e00a')!)).toBeLessThan(levelRank(oneB));
    expect(levelRank(oneB)).toBeLessThan(levelRank(oneOne));
    expect(sameProfile(oneB, oneOne)).toBe(true);
    expect(answerPli('profile-level-id=42e00b', 'profile-level-id=42f00b')).toBe('42f00b');
    expect(answerPli('profile-level-id=42f00b', 'profile-level-id=42e01f')).toBe('42f00b');
    // High profile signals 1b with level_idc 9.
    expect(isLevel1b(parseProfileLevelId('640009')!)).toBe(true);
    expect(answerPli('profile-level-id=64001f', 'profile-level-id=640009')).toBe('640009');
  });

  it('matches exactly the captured Chrome offer entries with the same profile bytes and mode', () => {
    const fixture = loadSdpFixtures().find((f) => f.name.endsWith('chrome-offer-av-data.sdp'))!;
    const video = parse(fixture.text).media.find((m) => m.kind === 'video')!;
    const local = params('level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f');
    const matched = video.codecs.filter((c) => c.name === 'H264' && negotiateH264(c.parameters, local).ok).map((c) => c.payloadType);
    // Independent reading of the fmtp lines: profile bytes 42e0 (any case) and mode 1.
    const expected = [...fixture.text.matchAll(/^a=fmtp:(\d+) (.*)$/gm)]
      .filter(([, , cfg]) => /profile-level-id=42e0/i.test(cfg) && /packetization-mode=1/.test(cfg))
      .map(([, pt]) => Number(pt));
    expect(expected.length).toBeGreaterThan(0);
    expect(matched).toEqual(expected);
  });
});
