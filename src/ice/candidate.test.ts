import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandidate, serializeCandidate } from './candidate.js';
import { CandidateParseError } from './errors.js';

const chromeCandidates = readFileSync(join(import.meta.dirname, '__fixtures__', 'chrome-candidates.txt'), 'utf8').split('\n').filter(Boolean);

function parseError(input: string): CandidateParseError {
  try {
    parseCandidate(input);
  } catch (error) {
    if (error instanceof CandidateParseError) return error;
    throw error;
  }
  throw new Error(`expected a CandidateParseError for ${input}`);
}

describe('candidate attribute (RFC 8839 section 5.1)', () => {
  it('round-trips every candidate Chromium gathered byte for byte', () => {
    expect(chromeCandidates.length).toBeGreaterThanOrEqual(4);
    for (const line of chromeCandidates) expect(serializeCandidate(parseCandidate(line))).toBe(line);
    const types = new Set(chromeCandidates.map((l) => parseCandidate(l).type));
    expect(types).toEqual(new Set(['host', 'srflx']));
  });

  it('parses a Chrome srflx candidate with raddr, rport and browser extensions', () => {
    const line = 'candidate:842163049 1 udp 1677729535 203.0.113.5 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag abcd network-cost 999';
    const c = parseCandidate(line);
    expect(c).toMatchObject({
      foundation: '842163049',
      component: 1,
      transport: 'udp',
      priority: 1677729535,
      address: '203.0.113.5',
      port: 54321,
      type: 'srflx',
      relatedAddress: '0.0.0.0',
      relatedPort: 0,
      generation: 0,
      ufrag: 'abcd',
      networkCost: 999,
    });
    expect(c.networkId).toBeUndefined();
    expect(c.tcpType).toBeUndefined();
    expect(serializeCandidate(c)).toBe(line);
  });

  it('accepts the a= and candidate: prefixes or neither, and a trailing CRLF', () => {
    const bare = '1 1 UDP 2114977791 192.0.2.2 40279 typ host';
    const expected = parseCandidate(bare);
    expect(parseCandidate(`candidate:${bare}`)).toEqual(expected);
    expect(parseCandidate(`a=candidate:${bare}`)).toEqual(expected);
    expect(parseCandidate(`a=candidate:${bare}\r\n`)).toEqual(expected);
    expect(expected.transport).toBe('UDP');
    expect(serializeCandidate(expected, { prefix: 'a=candidate:' })).toBe(`a=candidate:${bare}`);
    expect(serializeCandidate(expected, { prefix: '' })).toBe(bare);
  });

  it('parses mDNS host names and IPv6 addresses', () => {
    const mdns = parseCandidate('candidate:4166749453 1 udp 2113937151 b37a5371-1522-48b4-9b85-03ba6133b5f6.local 35609 typ host generation 0 ufrag yGYi network-cost 999');
    expect(mdns.address).toBe('b37a5371-1522-48b4-9b85-03ba6133b5f6.local');
    const v6 = parseCandidate('candidate:2 1 UDP 2116026111 fd00::2 40279 typ host');
    expect(v6.address).toBe('fd00::2');
    const relay = parseCandidate('candidate:3 1 udp 16777215 2001:db8::10 3478 typ relay raddr 2001:db8::1:2 rport 50000');
    expect(relay).toMatchObject({ type: 'relay', relatedAddress: '2001:db8::1:2', relatedPort: 50000 });
  });

  it('parses RFC 6544 TCP candidates with tcptype', () => {
    const line = 'candidate:1052353022 1 tcp 1518280447 192.0.2.2 9 typ host tcptype active generation 0 network-id 1';
    const c = parseCandidate(line);
    expect(c).toMatchObject({ transport: 'tcp', port: 9, tcpType: 'active', generation: 0, networkId: 1 });
    expect(serializeCandidate(c)).toBe(line);
    expect(parseCandidate('candidate:7 1 TCP 1 192.0.2.2 443 typ prflx tcptype so').tcpType).toBe('so');
  });

  it('keeps unknown extension pairs in wire order', () => {
    const line = 'candidate:a+/b 2 udp 16777215 198.51.100.4 3478 typ relay raddr 198.51.100.1 rport 3478 x-custom foo generation 1 zzz 1 network-id 2';
    const c = parseCandidate(line);
    expect(c.component).toBe(2);
    expect(c.extensions).toEqual([
      { name: 'x-custom', value: 'foo' },
      { name: 'generation', value: '1' },
      { name: 'zzz', value: '1' },
      { name: 'network-id', value: '2' },
    ]);
    expect(serializeCandidate(c)).toBe(line);
  });

  it('serializes edited typed fields in place and appends new ones', () => {
    const c = parseCandidate('candidate:1 1 udp 2113937151 192.0.2.2 5000 typ host generation 0 x y network-cost 999');
    c.generation = 3;
    c.networkCost = undefined;
    c.ufrag = 'Zq9+';
    expect(serializeCandidate(c)).toBe('candidate:1 1 udp 2113937151 192.0.2.2 5000 typ host generation 3 x y ufrag Zq9+');
    const built = serializeCandidate({ foundation: '9', component: 1, transport: 'udp', priority: 1, address: '192.0.2.9', port: 9, type: 'prflx', networkId: 4, tcpType: 'passive' });
    expect(built).toBe('candidate:9 1 udp 1 192.0.2.9 9 typ prflx tcptype passive network-id 4');
  });

  it('reports the column of the offending token', () => {
    const cases: Array<[string, string, string]> = [
      ['candidate:1 1 udp 99999999999 192.0.2.1 1 typ host', '99999999999', 'priority'],
      ['candidate:1 0 udp 1 192.0.2.1 1 typ host', '0 udp', 'component'],
      ['candidate:1 257 udp 1 192.0.2.1 1 typ host', '257', 'component'],
      ['candidate:1 1 udp 1 192.0.2.300 1 typ host', '192.0.2.300', 'connection address'],
      ['candidate:1 1 udp 1 fe80::1::2 1 typ host', 'fe80::1::2', 'connection address'],
      ['candidate:1 1 udp 1 192.0.2.1 65536 typ host', '65536', 'port'],
      ['candidate:1 1 udp 1 192.0.2.1 1 type host', 'type', 'typ'],
      ['candidate:1 1 udp 1 192.0.2.1 1 typ relayed', 'relayed', 'candidate type'],
      ['candidate:1 1 udp 1 192.0.2.1 1 typ host tcptype both', 'both', 'tcptype'],
      ['candidate:1 1 udp 1 192.0.2.1 1 typ host generation x', 'x', 'generation'],
      ['candidate:1 1 udp 1 192.0.2.1 1 typ host ufrag a:b', 'a:b', 'ufrag'],
      ['candidate:1 1 udp 1 192.0.2.1 1 typ host  generation 0', ' generation', 'space'],
      ['candidate:1 1 udp 1 192.0.2.1 1 typ srflx rport 5 raddr 192.0.2.2', 'raddr', 'out of place'],
      ['candidate:f00~ 1 udp 1 192.0.2.1 1 typ host', 'f00~', 'foundation'],
      [`candidate:${'a'.repeat(33)} 1 udp 1 192.0.2.1 1 typ host`, 'a'.repeat(33), 'foundation'],
      ['candidate:1 1 u(p 1 192.0.2.1 1 typ host', 'u(p', 'transport'],
    ];
    for (const [input, token, words] of cases) {
      const e = parseError(input);
      expect(e.line).toBe(1);
      expect(e.column, input).toBe(input.indexOf(token) + 1);
      expect(e.message, input).toContain(words);
    }
  });

  it('reports missing fields at the end of the input', () => {
    for (const input of ['candidate:1 1 udp 1 192.0.2.1 1', 'candidate:1 1 udp 1 192.0.2.1 1 typ host generation', 'candidate:1 1 udp 1 192.0.2.1 1 typ srflx raddr']) {
      const e = parseError(input);
      expect(e.column, input).toBe(input.length + 1);
    }
    expect(parseError('').column).toBe(1);
    expect(parseError('a=candidat:1').column).toBe(3);
    expect(parseError('candidate:1 1 udp 1 192.0.2.1 1 typ host ').message).toContain('end');
  });
});
