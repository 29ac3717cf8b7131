import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCandidate } from './candidate.js';
import { computeFoundation, computePairPriority, computePriority, pairPriorityFor } from './priority.js';

const chromeCandidates = readFileSync(join(import.meta.dirname, '__fixtures__', 'chrome-candidates.txt'), 'utf8').split('\n').filter(Boolean);

describe('priorities and foundations (RFC 8445)', () => {
  it('computes candidate priority from type preference, local preference and component', () => {
    expect(computePriority({ type: 'host', component: 1 })).toBe(2130706431);
    expect(computePriority({ type: 'host', component: 2 })).toBe(2130706430);
    expect(computePriority({ type: 'prflx', component: 1 })).toBe(110 * 2 ** 24 + 65535 * 256 + 255);
    expect(computePriority({ type: 'srflx', component: 1, localPreference: 0 })).toBe(100 * 2 ** 24 + 255);
    expect(computePriority({ type: 'relay', component: 256, localPreference: 0 })).toBe(0);
    expect(computePriority({ type: 'relay', component: 1, typePreference: 2 })).toBe(2 * 2 ** 24 + 65535 * 256 + 255);
    expect(() => computePriority({ type: 'host', component: 0 })).toThrow(RangeError);
    expect(() => computePriority({ type: 'host', component: 1, localPreference: 65536 })).toThrow(RangeError);
    expect(() => computePriority({ type: 'host', component: 1, typePreference: 127 })).toThrow(RangeError);
  });

  it('reproduces the priority of every Chromium candidate from its type and local preference', () => {
    for (const line of chromeCandidates) {
      const c = parseCandidate(line);
      const localPreference = Math.floor(c.priority / 256) % 65536;
      expect(computePriority({ type: c.type, component: c.component, localPreference }), line).toBe(c.priority);
    }
  });

  it('computes pair priority exactly with BigInt (2^32*MIN + 2*MAX + (G>D))', () => {
    expect(computePairPriority(1, 2)).toBe(4294967300n);
    expect(computePairPriority(2, 1)).toBe(4294967301n);
    expect(computePairPriority(7, 7)).toBe(7n * 2n ** 32n + 14n);
    expect(computePairPriority(2130706431, 2113937151)).toBe(9079290933605826559n);
    expect(computePairPriority(2113937151, 2130706431)).toBe(9079290933605826558n);
    // Plain number arithmetic cannot represent this value.
    expect(BigInt(2 ** 32 * 2113937151 + 2 * 2130706431 + 1)).not.toBe(9079290933605826559n);
    expect(computePairPriority(2 ** 31 - 1, 2 ** 31 - 1)).toBe(9223372036854775806n);
    expect(pairPriorityFor('controlling', 2130706431, 2113937151)).toBe(9079290933605826559n);
    expect(pairPriorityFor('controlled', 2113937151, 2130706431)).toBe(9079290933605826559n);
    expect(() => computePairPriority(-1, 1)).toThrow(RangeError);
    expect(() => computePairPriority(1.5, 1)).toThrow(RangeError);
  });

  it('orders pairs by the lower priority first, then the higher, then the role bit', () => {
    const pairs = [
      computePairPriority(100, 200),
      computePairPriority(200, 100),
      computePairPriority(101, 101),
      computePairPriority(50, 4000000000),
    ];
    const sorted = [...pairs].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    expect(sorted).toEqual([pairs[2], pairs[1], pairs[0], pairs[3]]);
  });

  it('gives equal foundations exactly for equal type, base, transport and server', () => {
    const base = { type: 'srflx' as const, baseAddress: '192.0.2.2', transport: 'udp', serverAddress: '198.51.100.1' };
    const f = computeFoundation(base);
    expect(f).toMatch(/^[0-9]{1,10}$/);
    expect(computeFoundation({ ...base, transport: 'UDP' })).toBe(f);
    const variants = [
      { ...base, type: 'host' as const },
      { ...base, baseAddress: '192.0.2.3' },
      { ...base, transport: 'tcp' },
      { ...base, serverAddress: '198.51.100.2' },
      { ...base, serverAddress: undefined },
    ];
    const all = new Set([f, ...variants.map(computeFoundation)]);
    expect(all.size).toBe(6);
    expect(parseCandidate(`candidate:${f} 1 udp 1 192.0.2.2 9 typ srflx`).foundation).toBe(f);
  });
});
