import { describe, expect, it } from 'vitest';
import { formatIpv6, parseIp, parseIpv4, parseIpv6 } from './ip.js';

const roundTrip = (text: string) => formatIpv6(parseIpv6(text)!);

describe('IP address text (RFC 4291 section 2.2, RFC 5952 section 4)', () => {
  it('writes IPv6 in RFC 5952 canonical form', () => {
    expect(roundTrip('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(roundTrip('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(roundTrip('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // a single zero group stays
    expect(roundTrip('::')).toBe('::');
    expect(roundTrip('::1')).toBe('::1');
    expect(roundTrip('fe80::')).toBe('fe80::');
    expect(roundTrip('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(roundTrip('1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3'); // the longest run wins
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['1:::2', ':1::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1', '1:2:3:4:5:6:7:8::', '::1.2.3', 'fe80::1%eth0']) {
      expect(parseIpv6(bad), bad).toBeNull();
    }
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1..2.3', '', '1.2.3.4 ']) expect(parseIpv4(bad), bad).toBeNull();
    expect(Array.from(parseIp('192.0.2.1')!)).toEqual([192, 0, 2, 1]);
    expect(parseIp('2001:db8::1')!.length).toBe(16);
  });
});
