/**
 * SDP parse + serialize: spellbook/sdp against sdp-transform on the same text (the captured
 * Chrome offer, or the largest SDP fixture when that capture is missing), then a check of
 * which library gives the input back byte for byte on every fixture.
 */
import * as sdpTransform from 'sdp-transform';
import { loadSdpFixtures } from '../src/sdp/__fixtures__/load.js';
import { parse, validate } from '../src/sdp/index.js';
import { measure, printComparison, printFigure } from './lib.js';

const GOAL = 3;
const PREFERRED = 'fixtures/chrome/sdp/chrome-offer-av-data-gathered.sdp';

const fixtures = loadSdpFixtures();
if (fixtures.length === 0) throw new Error('no SDP fixtures found');
const chosen = fixtures.find((f) => f.name === PREFERRED) ?? fixtures.reduce((a, b) => (b.text.length > a.text.length ? b : a));
const text = chosen.text;
const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
console.log(`input: ${chosen.name} (${text.length} bytes, ${lines} lines${chosen.name === PREFERRED ? '' : '; captured Chrome offer not found, using the largest fixture'})`);

let sink = 0;
const ours = measure('spellbook/sdp', () => {
  sink += parse(text).toString().length;
});
const theirs = measure('sdp-transform', () => {
  sink += sdpTransform.write(sdpTransform.parse(text)).length;
});
printComparison('parse + serialize', ours, theirs, GOAL, 'round trips/s');

const deep = measure('spellbook/sdp + codecs + validate', () => {
  const d = parse(text);
  for (const m of d.media) sink += m.codecs.length;
  sink += validate(d, { type: chosen.type }).length;
  sink += d.toString().length;
});
printFigure('parse + codec view of every section + validate + serialize', deep, 'round trips/s');
if (sink === 0) console.log('(unreachable)');

/** What an output changed relative to its input, in words. */
function describeChange(input: string, output: string): string {
  if (input === output) return 'identical';
  const notes: string[] = [];
  const inCrlf = input.includes('\r\n');
  const outCrlf = output.includes('\r\n');
  if (inCrlf !== outCrlf) notes.push(`line endings ${inCrlf ? 'CRLF' : 'LF'} -> ${outCrlf ? 'CRLF' : 'LF'}`);
  if (!input.endsWith('\n') && output.endsWith('\n')) notes.push('final line break added');
  const split = (s: string) => s.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
  const a = split(input);
  const b = split(output);
  /** Lines of x left after taking out one copy of each line of y. */
  const minus = (x: string[], y: string[]) => {
    const left = new Map<string, number>();
    for (const l of y) left.set(l, (left.get(l) ?? 0) + 1);
    return x.filter((l) => {
      const n = left.get(l) ?? 0;
      if (n > 0) left.set(l, n - 1);
      return n === 0;
    });
  };
  const dropped = minus(a, b);
  const added = minus(b, a);
  if (dropped.length) notes.push(`lost or rewrote ${dropped.length} line(s), e.g. ${JSON.stringify(dropped[0])}${added.length ? ` -> ${JSON.stringify(added[0])}` : ''}`);
  else if (added.length) notes.push(`added ${added.length} line(s), e.g. ${JSON.stringify(added[0])}`);
  const kept = new Set(b);
  const orderA = a.filter((l) => kept.has(l));
  const keptA = new Set(a);
  const orderB = b.filter((l) => keptA.has(l));
  const moved = orderA.filter((l, i) => orderB[i] !== l).length;
  if (moved) notes.push(`${moved} line(s) in a different order`);
  return notes.join('; ') || 'differs';
}

console.log('\nbyte-identical round trip on every SDP fixture');
let oursIdentical = 0;
let theirsIdentical = 0;
for (const f of fixtures) {
  const mine = parse(f.text).toString();
  let other: string;
  try {
    other = sdpTransform.write(sdpTransform.parse(f.text));
  } catch (error) {
    other = `(threw ${(error as Error).message})`;
  }
  if (mine === f.text) oursIdentical++;
  if (other === f.text) theirsIdentical++;
  console.log(`  ${f.name}`);
  console.log(`    spellbook/sdp  ${describeChange(f.text, mine)}`);
  console.log(`    sdp-transform  ${describeChange(f.text, other)}`);
}
console.log(`  identical: spellbook/sdp ${oursIdentical}/${fixtures.length}, sdp-transform ${theirsIdentical}/${fixtures.length}`);
if (oursIdentical !== fixtures.length) process.exitCode = 1;
