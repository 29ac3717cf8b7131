import { describe, expect, it } from 'vitest';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { negotiateCodecs, parse, type CodecCapability } from './index.js';
import { H264_CONSTRAINED_BASELINE } from './__fixtures__/capabilities.js';

const fixtures = loadSdpFixtures();
const media = (suffix: string, kind: string) => parse(fixtures.find((f) => f.name.endsWith(suffix))!.text).media.find((m) => m.kind === kind)!;

const H264_CB = H264_CONSTRAINED_BASELINE;

describe('codec negotiation', () => {
  it('keeps the offer payload type numbers (PT mapping)', () => {
    // Firefox offers H.264 mode 1 as 126 with rtx 127; Safari offers it as 98 with rtx 99.
    expect(negotiateCodecs(media('firefox-offer.sdp', 'video').codecs, [H264_CB]).map((c) => c.payloadType)).toEqual([126, 127]);
    expect(negotiateCodecs(media('safari-offer.sdp', 'video').codecs, [H264_CB]).map((c) => c.payloadType)).toEqual([98, 99]);
  });

  it('points rtx apt at the offered primary payload type', () => {
    const [primary, rtx] = negotiateCodecs(media('safari-offer.sdp', 'video').codecs, [H264_CB]);
    expect(rtx).toMatchObject({ name: 'rtx', associatedPayloadType: primary.payloadType });
    expect([...rtx.parameters]).toEqual([['apt', String(primary.payloadType)]]);
  });

  it('drops rtx when we do not retransmit or its primary was not accepted', () => {
    const video = media('safari-offer.sdp', 'video');
    expect(negotiateCodecs(video.codecs, [{ ...H264_CB, rtx: false }]).map((c) => c.name)).toEqual(['H264']);
    expect(negotiateCodecs(video.codecs, [{ name: 'rtx', clockRate: 90000 }])).toEqual([]);
  });

  it('keeps the offer order across several accepted codecs', () => {
    const video = media('safari-offer.sdp', 'video');
    const vp8: CodecCapability = { name: 'vp8', clockRate: 90000, feedback: ['nack'], rtx: true };
    expect(negotiateCodecs(video.codecs, [vp8, H264_CB]).map((c) => c.payloadType)).toEqual([98, 99, 127, 125]);
  });

  it('intersects rtcp-fb with what we support', () => {
    const [h264] = negotiateCodecs(media('safari-offer.sdp', 'video').codecs, [{ ...H264_CB, feedback: ['nack pli', 'transport-cc', 'rrtr'] }]);
    expect(h264.feedback).toEqual([
      { type: 'transport-cc', subtype: undefined },
      { type: 'nack', subtype: 'pli' },
    ]);
  });

  it('requires equal VP9 profile-id (absent means 0)', () => {
    const video = media('chrome-offer-av-data.sdp', 'video');
    const vp9 = (profile?: string): CodecCapability => ({ name: 'VP9', clockRate: 90000, ...(profile ? { parameters: { 'profile-id': profile } } : {}) });
    const profileOf = (pts: number[]) => pts.map((pt) => video.fmtp(pt)?.parameters.get('profile-id') ?? '0');
    const zero = negotiateCodecs(video.codecs, [vp9()]).map((c) => c.payloadType);
    const two = negotiateCodecs(video.codecs, [vp9('2')]).map((c) => c.payloadType);
    expect(zero.length).toBeGreaterThan(0);
    expect(two.length).toBeGreaterThan(0);
    expect(new Set(profileOf(zero))).toEqual(new Set(['0']));
    expect(new Set(profileOf(two))).toEqual(new Set(['2']));
  });

  it('matches names case-insensitively and requires clock rate and channels', () => {
    const audio = media('safari-offer.sdp', 'audio');
    expect(negotiateCodecs(audio.codecs, [{ name: 'OPUS', clockRate: 48000, channels: 2 }]).map((c) => c.payloadType)).toEqual([111]);
    expect(negotiateCodecs(audio.codecs, [{ name: 'opus', clockRate: 48000, channels: 1 }])).toEqual([]);
    expect(negotiateCodecs(audio.codecs, [{ name: 'opus', clockRate: 16000, channels: 2 }])).toEqual([]);
    // PCMU's rtpmap has no channel count, which means one.
    expect(negotiateCodecs(audio.codecs, [{ name: 'PCMU', clockRate: 8000, channels: 1 }]).map((c) => c.payloadType)).toEqual([0]);
  });

  it('accepts RED only when the codecs it carries were accepted', () => {
    const audio = media('safari-offer.sdp', 'audio');
    const red: CodecCapability = { name: 'red', clockRate: 48000, channels: 2 };
    const opus: CodecCapability = { name: 'opus', clockRate: 48000, channels: 2 };
    expect(negotiateCodecs(audio.codecs, [opus, red]).map((c) => [c.payloadType, [...c.parameters.keys()]])).toEqual([
      [111, ['minptime', 'useinbandfec']],
      [63, ['111/111']],
    ]);
    expect(negotiateCodecs(audio.codecs, [red])).toEqual([]);
  });

  it('gives opus the answer parameters and send configuration from RFC 7587', () => {
    const audio = media('firefox-offer.sdp', 'audio');
    const [opus] = negotiateCodecs(audio.codecs, [{ name: 'opus', clockRate: 48000, channels: 2, opus: { sendStereo: true } }]);
    expect(opus.payloadType).toBe(109);
    expect(opus.opus).toMatchObject({ stereo: true, useInbandFec: true, maxPlaybackRate: 48000 });
  });
});
