import canonicalizeReference from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../fuzz/engine.js';
import { canonicalBytes, canonicalize, parseJson } from './canonical.js';
import { EnvelopeError } from './errors.js';

function refusal(fn: () => unknown): EnvelopeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error('expected an EnvelopeError');
}

/** A random JSON value canonical JSON can carry (safe integers, finite doubles, well-formed strings). */
function randomValue(random: () => number, depth = 0): unknown {
  const pick = (n: number) => Math.floor(random() * n);
  const kind = depth > 3 ? pick(4) : pick(6);
  switch (kind) {
    case 0: return [null, true, false][pick(3)];
    case 1: {
      const r = random();
      if (r < 0.3) return pick(2 ** 31) - 2 ** 30;
      if (r < 0.6) return (random() - 0.5) * 10 ** (pick(30) - 20);
      return Number((random() * 1e6).toFixed(pick(8)));
    }
    case 2: {
      const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0001', '\u007f', 'é', '€', '😀', '\ufb33', '/'];
      return Array.from({ length: pick(8) }, () => chars[pick(chars.length)]).join('');
    }
    case 3: return String(pick(1000));
    case 4: return Array.from({ length: pick(4) }, () => randomValue(random, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = pick(5); i > 0; i--) out[Array.from(String(randomValue(random, 9))).slice(0, 6).join('') + pick(50)] = randomValue(random, depth + 1);
      return out;
    }
  }
}

describe('RFC 8785 canonical JSON', () => {
  it('writes the RFC 8785 section 3.2.2 example exactly', () => {
    const input = '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}';
    expect(canonicalize(parseJson(input), { strict: false })).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units as in the RFC 8785 section 3.2.3 example', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // Section 3.2.4: UTF-8 on the wire.
    expect(Buffer.from(canonicalBytes({ '\u20ac': 1 })).toString('hex')).toBe('7b22e282ac223a317d');
  });

  it('serializes every RFC 8785 Appendix B number sample as the RFC gives it', () => {
    const samples: [string, string | undefined][] = [
      ['0000000000000000', '0'], ['8000000000000000', '0'], ['0000000000000001', '5e-324'], ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'], ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'], ['c340000000000000', '-9007199254740992'], ['4430000000000000', '295147905179352830000'],
      ['7fffffffffffffff', undefined], ['7ff0000000000000', undefined],
      ['44b52d02c7e14af5', '9.999999999999997e+22'], ['44b52d02c7e14af6', '1e+23'], ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'], ['444b1ae4d6e2ef4f', '999999999999999900000'], ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'], ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'], ['41b3de4355555554', '333333333.33333325'], ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'], ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'], ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, expected] of samples) {
      const n = Buffer.from(hex, 'hex').readDoubleBE(0);
      if (expected === undefined) expect(refusal(() => canonicalize(n, { strict: false })).code).toBe('not-canonicalizable');
      else expect(canonicalize(n, { strict: false })).toBe(expected);
    }
  });

  it('refuses values canonical JSON cannot carry exactly, naming where they are', () => {
    const cases: [unknown, RegExp, string][] = [
      [{ a: NaN }, /non-finite/, '/a'],
      [{ a: [1, Infinity] }, /non-finite/, '/a/1'],
      [{ a: -0 }, /-0/, '/a'],
      [{ big: 2 ** 53 }, /2\^53/, '/big'],
      [{ s: 'x\ud800y' }, /lone surrogate/, '/s'],
      [{ ['k\udc00']: 1 }, /lone surrogate/, '/k\udc00'],
      [{ u: undefined }, /undefined/, '/u'],
      [{ f: () => 1 }, /function/, '/f'],
      [{ b: 10n }, /bigint/, '/b'],
      [{ d: new Date(0) }, /plain object/, '/d'],
      [{ 'a/b~': NaN }, /non-finite/, '/a~1b~0'],
    ];
    for (const [value, message, path] of cases) {
      const error = refusal(() => canonicalize(value));
      expect(error.code).toBe('not-canonicalizable');
      expect(error.message).toMatch(message);
      expect(error.path).toBe(path);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(refusal(() => canonicalize(deep)).message).toMatch(/deeper/);
    expect(canonicalize(2 ** 53 - 1)).toBe('9007199254740991');
  });

  it('agrees with the canonicalize package on 2,000 random values', () => {
    const random = createRandom(8785);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(random);
      expect(canonicalize(value)).toBe(canonicalizeReference(value));
    }
  });

  it('parseJson gives what JSON.parse gives, but refuses duplicate member names with line and column', () => {
    const random = createRandom(4);
    for (let i = 0; i < 500; i++) {
      const text = JSON.stringify(randomValue(random), null, i % 2 ? 2 : undefined);
      expect(parseJson(text)).toEqual(JSON.parse(text));
    }
    const dup = refusal(() => parseJson('{\n  "a": 1,\n  "b": {"x": 1, "\\u0078": 2}\n}'));
    expect(dup).toMatchObject({ code: 'duplicate-key', line: 3, column: 17, path: '/b/x' });
    expect(refusal(() => parseJson('{"a":1,"a":1}')).code).toBe('duplicate-key');
    expect(refusal(() => parseJson('{"a":1,}')).code).toBe('bad-json');
    expect(refusal(() => parseJson('[1] x')).code).toBe('bad-json');
    expect(refusal(() => parseJson('"\u0001"')).code).toBe('bad-json');
    const proto = parseJson('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.keys(proto)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
