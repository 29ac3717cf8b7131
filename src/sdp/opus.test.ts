import { describe, expect, it } from 'vitest';
import { negotiateOpus, opusMaxAverageBitrate } from './index.js';

const params = (text: string) => new Map(text.split(';').filter(Boolean).map((p) => p.split('=') as [string, string]));

describe('Opus (RFC 7587)', () => {
  it('answers with our receive preferences: minptime 10 and in-band FEC by default', () => {
    const { answerParameters } = negotiateOpus(params('minptime=10;useinbandfec=1'));
    expect([...answerParameters]).toEqual([
      ['minptime', '10'],
      ['useinbandfec', '1'],
    ]);
  });

  it('states stereo, sprop-stereo, DTX, minptime and maxaveragebitrate we ask for', () => {
    const { answerParameters } = negotiateOpus(params(''), {
      stereo: true,
      sendStereo: true,
      useDtx: true,
      useInbandFec: false,
      minPtime: 20,
      maxAverageBitrate: 64000,
    });
    expect(Object.fromEntries(answerParameters)).toEqual({ minptime: '20', stereo: '1', 'sprop-stereo': '1', usedtx: '1', maxaveragebitrate: '64000' });
  });

  it('does not echo offered parameters it does not know', () => {
    const { answerParameters } = negotiateOpus(params('minptime=10;x-google-foo=1;useinbandfec=1'));
    expect(answerParameters.has('x-google-foo')).toBe(false);
  });

  it('sends stereo only when the offer asks for it and we can', () => {
    expect(negotiateOpus(params('stereo=1'), { sendStereo: true }).send.stereo).toBe(true);
    expect(negotiateOpus(params('stereo=1'), {}).send.stereo).toBe(false);
    expect(negotiateOpus(params('stereo=0'), { sendStereo: true }).send.stereo).toBe(false);
    expect(negotiateOpus(params(''), { sendStereo: true }).send.stereo).toBe(false);
  });

  it('uses in-band FEC, DTX and CBR when sending only if the offer declares them with 1', () => {
    expect(negotiateOpus(params('useinbandfec=1;usedtx=1;cbr=1')).send).toMatchObject({ useInbandFec: true, useDtx: true, cbr: true });
    expect(negotiateOpus(params('useinbandfec=true;usedtx=0')).send).toMatchObject({ useInbandFec: false, useDtx: false, cbr: false });
  });

  it('bounds our send bitrate by the offered maxaveragebitrate, clamped to 6000-510000', () => {
    expect(negotiateOpus(params('maxaveragebitrate=96000')).send.maxAverageBitrate).toBe(96000);
    expect(negotiateOpus(params('maxaveragebitrate=96000'), { sendBitrate: 32000 }).send.maxAverageBitrate).toBe(32000);
    expect(negotiateOpus(params('maxaveragebitrate=20000'), { sendBitrate: 32000 }).send.maxAverageBitrate).toBe(20000);
    expect(opusMaxAverageBitrate(params('maxaveragebitrate=1000'))).toBe(6000);
    expect(opusMaxAverageBitrate(params('maxaveragebitrate=900000'))).toBe(510000);
    expect(opusMaxAverageBitrate(params('maxaveragebitrate=fast'))).toBeUndefined();
    expect(negotiateOpus(params('')).send.maxAverageBitrate).toBeUndefined();
  });

  it('takes the offered minptime and maxplaybackrate as bounds for what we send', () => {
    expect(negotiateOpus(params('minptime=20;maxplaybackrate=16000')).send).toMatchObject({ minPtime: 20, maxPlaybackRate: 16000 });
    expect(negotiateOpus(params('minptime=abc')).send.minPtime).toBeUndefined();
  });
});
