import { describe, expect, it } from 'vitest';
import { InvalidChannelOptionError } from './errors.js';
import { channelType, reliabilityFromInit, toNativeInit, validateReliability, type Reliability } from './reliability.js';
import { canTransition } from './state.js';

describe('reliability options (RFC 8831 section 6.1, RFC 8832 section 5.1)', () => {
  it('rejects maxRetransmits together with maxPacketLifeTime with InvalidChannelOptionError', () => {
    const error = (() => {
      try {
        reliabilityFromInit({ maxRetransmits: 2, maxPacketLifeTime: 100 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidChannelOptionError);
    expect(error).toMatchObject({ option: 'reliability', code: 'invalid-option' });
    expect(String((error as Error).message)).toContain('RFC 8831 section 6.1');
    // Both set to 0 is still both set.
    expect(() => reliabilityFromInit({ maxRetransmits: 0, maxPacketLifeTime: 0 })).toThrow(InvalidChannelOptionError);
    // null means "not given", as in RTCDataChannelInit.
    expect(reliabilityFromInit({ maxRetransmits: 5, maxPacketLifeTime: null })).toEqual({
      kind: 'max-retransmits',
      maxRetransmits: 5,
      ordered: true,
    });
  });

  it('maps W3C init fields to the discriminated reliability', () => {
    expect(reliabilityFromInit({})).toEqual({ kind: 'reliable', ordered: true });
    expect(reliabilityFromInit({ ordered: false })).toEqual({ kind: 'reliable', ordered: false });
    expect(reliabilityFromInit({ ordered: false, maxPacketLifeTime: 250 })).toEqual({
      kind: 'max-packet-lifetime',
      maxPacketLifeTime: 250,
      ordered: false,
    });
  });

  it('maps each reliability to its RFC 8832 channel type byte', () => {
    const cases: [Reliability, number][] = [
      [{ kind: 'reliable', ordered: true }, 0x00],
      [{ kind: 'reliable', ordered: false }, 0x80],
      [{ kind: 'max-retransmits', maxRetransmits: 1, ordered: true }, 0x01],
      [{ kind: 'max-retransmits', maxRetransmits: 1, ordered: false }, 0x81],
      [{ kind: 'max-packet-lifetime', maxPacketLifeTime: 1, ordered: true }, 0x02],
      [{ kind: 'max-packet-lifetime', maxPacketLifeTime: 1, ordered: false }, 0x82],
    ];
    for (const [reliability, type] of cases) expect(channelType(reliability)).toBe(type);
  });

  it('rejects reliability parameters outside 0..65535 or not integers', () => {
    for (const bad of [-1, 65_536, 1.5, Number.NaN]) {
      expect(() => reliabilityFromInit({ maxRetransmits: bad })).toThrow(InvalidChannelOptionError);
      expect(() => reliabilityFromInit({ maxPacketLifeTime: bad })).toThrow(InvalidChannelOptionError);
    }
    expect(() => validateReliability({ kind: 'bogus' } as unknown as Reliability)).toThrow(InvalidChannelOptionError);
    expect(reliabilityFromInit({ maxRetransmits: 65_535 })).toMatchObject({ maxRetransmits: 65_535 });
  });

  it('translates to node-datachannel init fields, which spell ordering as unordered', () => {
    expect(toNativeInit({ kind: 'reliable', ordered: true })).toEqual({ unordered: false });
    expect(toNativeInit({ kind: 'max-retransmits', maxRetransmits: 3, ordered: false })).toEqual({ unordered: true, maxRetransmits: 3 });
    expect(toNativeInit({ kind: 'max-packet-lifetime', maxPacketLifeTime: 150, ordered: true })).toEqual({
      unordered: false,
      maxPacketLifeTime: 150,
    });
  });

  it('channel states only move forward', () => {
    expect(canTransition('connecting', 'open')).toBe(true);
    expect(canTransition('open', 'closing')).toBe(true);
    expect(canTransition('closing', 'closed')).toBe(true);
    expect(canTransition('open', 'connecting')).toBe(false);
    expect(canTransition('closed', 'open')).toBe(false);
    expect(canTransition('closing', 'open')).toBe(false);
  });
});
