import { describe, expect, it } from 'vitest';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { createAnswer, parse, planAnswer, validate, type AnswerOptions } from './index.js';
import { H264_CONSTRAINED_BASELINE, OPUS, TEST_TRANSPORT, VP8 } from './__fixtures__/capabilities.js';

const fixtures = loadSdpFixtures();
const text = (suffix: string) => fixtures.find((f) => f.name.endsWith(suffix))!.text;
const offers = fixtures.filter((f) => f.type === 'offer' && !f.name.endsWith('rfc8866-lines-lf.sdp'));

const H264 = H264_CONSTRAINED_BASELINE;
const LOCAL: AnswerOptions = {
  ...TEST_TRANSPORT,
  audio: { codecs: [OPUS], extensions: ['urn:ietf:params:rtp-hdrext:sdes:mid'], ssrc: 1111, cname: 'spellbook', msid: { streamId: 's', trackId: 'a' } },
  video: { codecs: [H264, VP8], extensions: ['urn:ietf:params:rtp-hdrext:sdes:mid', 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time'], ssrc: 2222, rtxSsrc: 3333 },
};

describe('createAnswer', () => {
  it('has captured Chrome and node-datachannel offers to answer', () => {
    expect(offers.filter((f) => f.captured).length).toBeGreaterThanOrEqual(3);
  });

  it.each(offers.map((f) => [f.name, f.text]))('answers %s with an answer our validation accepts', (_name, offerText) => {
    const offer = parse(offerText);
    const answer = createAnswer(offer, LOCAL);
    expect(validate(answer, { type: 'answer', offer })).toEqual([]);
    expect(parse(answer.toString()).toString()).toBe(answer.toString());
    expect(answer.media.map((m) => m.mid)).toEqual(offer.media.map((m) => m.mid));
  });

  it('produces the codecs, parameters and directions Chrome produced for the same offer', () => {
    // fixtures/chrome/rtp: node-datachannel offered recvonly H.264 + Opus, Chrome answered.
    const offer = parse(text('chrome-h264-opus.offer.sdp'));
    const chrome = parse(text('chrome-h264-opus.answer.sdp'));
    const ours = createAnswer(offer, { ...LOCAL, audio: { codecs: [OPUS], direction: 'sendonly' }, video: { codecs: [H264], direction: 'sendonly' } });
    const shape = (d: typeof ours) =>
      d.media.map((m) => [m.mid, m.direction, m.formats.join(' '), m.fmtps.map((f) => `${f.format} ${f.config}`), m.setup?.value, m.rtcpMux]);
    expect(shape(ours)).toEqual(shape(chrome));
  });

  it('uses the offer payload types and keeps rtx apt on them', () => {
    const offer = parse(text('firefox-offer.sdp'));
    const video = createAnswer(offer, LOCAL).media[1];
    expect(video.formats).toEqual(['120', '124', '126', '127']);
    expect(video.fmtp(124)!.parameters.get('apt')).toBe('120');
    expect(video.fmtp(127)!.parameters.get('apt')).toBe('126');
    expect(video.rtpmap(126)?.encodingName).toBe('H264');
  });

  it('answers sendonly with recvonly and leaves out msid and ssrc when not sending', () => {
    const offer = parse(text('chrome-h264-opus.offer.sdp').replace(/a=recvonly/g, 'a=sendonly'));
    const answer = createAnswer(offer, LOCAL);
    expect(answer.media.map((m) => m.direction)).toEqual(['recvonly', 'recvonly']);
    expect(answer.media.every((m) => m.msids.length === 0 && m.ssrcs.length === 0)).toBe(true);
  });

  it('adds msid, ssrc and an FID group with rtx when sending', () => {
    const answer = createAnswer(parse(text('safari-offer.sdp')), LOCAL);
    const video = answer.media[1];
    expect(video.direction).toBe('sendrecv');
    expect(video.ssrcGroups).toEqual([{ line: video.ssrcGroups[0].line, semantics: 'FID', ssrcs: [2222, 3333] }]);
    expect(answer.media[0].msids.map((m) => [m.streamId, m.trackId])).toEqual([['s', 'a']]);
  });

  it('keeps only the header extensions we support, with the offer ids', () => {
    const offer = parse(text('safari-offer.sdp'));
    const video = createAnswer(offer, LOCAL).media[1];
    const offered = new Map(offer.media[1].extmaps.map((e) => [e.uri, e.id]));
    expect(video.extmaps.map((e) => [e.uri, e.id])).toEqual(
      offer.media[1].extmaps.filter((e) => LOCAL.video!.extensions!.includes(e.uri)).map((e) => [e.uri, offered.get(e.uri)]),
    );
  });

  it('rejects sections it cannot take with port 0, the offered formats and the mid, outside BUNDLE', () => {
    const offer = parse(text('safari-offer.sdp'));
    const answer = createAnswer(offer, { ...LOCAL, video: undefined, dataChannel: false });
    const [audio, video, data] = answer.media;
    expect([audio.port, video.port, data.port]).toEqual([9, 0, 0]);
    expect(video.formats).toEqual(offer.media[1].formats);
    expect([video.mid, data.mid]).toEqual(['1', '2']);
    expect(answer.bundleGroups.map((g) => g.mids)).toEqual([['0']]);
    expect(validate(answer, { type: 'answer', offer })).toEqual([]);
  });

  it('rejects a media section when no codec matches', () => {
    const offer = parse(text('safari-offer.sdp'));
    const plan = planAnswer(offer, { ...LOCAL, video: { codecs: [{ name: 'AV1', clockRate: 90000 }] } });
    expect(plan.map((p) => p.accepted)).toEqual([true, false, true]);
  });

  it('takes setup active by default, passive on request, and the opposite of a forced offer role', () => {
    const offer = text('chrome-offer-data-only.sdp');
    expect(createAnswer(offer, LOCAL).media[0].setup?.value).toBe('active');
    expect(createAnswer(offer, { ...LOCAL, setup: 'passive' }).media[0].setup?.value).toBe('passive');
    expect(createAnswer(offer.replace('a=setup:actpass', 'a=setup:active'), LOCAL).media[0].setup?.value).toBe('passive');
  });

  it('puts candidates only in the section that carries the bundled transport', () => {
    const answer = createAnswer(text('chrome-offer-av-data.sdp'), {
      ...LOCAL,
      candidates: ['1 1 udp 2122260223 192.0.2.10 50000 typ host'],
      endOfCandidates: true,
    });
    expect(answer.media.map((m) => [m.candidates.length, m.endOfCandidates])).toEqual([
      [1, true],
      [0, false],
      [0, false],
    ]);
    expect(answer.media[0].candidates[0]).toMatchObject({ address: '192.0.2.10', port: 50000, type: 'host' });
  });

  it('writes data channel parameters and CRLF line endings', () => {
    const answer = createAnswer(text('chrome-offer-data-only.sdp'), { ...LOCAL, dataChannel: { maxMessageSize: 1048576 } });
    expect([answer.media[0].sctpPort, answer.media[0].maxMessageSize]).toEqual([5000, 1048576]);
    expect(answer.lineEnding).toBe('\r\n');
    expect(answer.toString().endsWith('\r\n')).toBe(true);
  });

  it('refuses ICE credentials and fingerprints that would not validate', () => {
    expect(() => createAnswer(text('chrome-offer-data-only.sdp'), { ...LOCAL, iceUfrag: 'abc' })).toThrow(RangeError);
    expect(() => createAnswer(text('chrome-offer-data-only.sdp'), { ...LOCAL, icePwd: 'short' })).toThrow(RangeError);
    expect(() => createAnswer(text('chrome-offer-data-only.sdp'), { ...LOCAL, fingerprint: { algorithm: 'sha-256', value: 'AB:CD' } })).toThrow(RangeError);
  });
});
