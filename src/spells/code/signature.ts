/**
 * Contract drift: does a spell's `: input -> output` contract fit an exported symbol's
 * signature? The check is by type names, not by type checking: every capitalized
 * identifier or TypeScript primitive type name in `input` must appear as a word in the
 * parameter text, and likewise `output` in the return type text.
 */

import type { ExportedSymbol, SignatureText } from './types.js';

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'bigint', 'symbol', 'object', 'unknown', 'any', 'null', 'undefined', 'never']);

const WORD = /[A-Za-z_$][\w$]*/g;

/** The type names a contract side requires ('void', 'nothing', '()' and '' require none). */
export function requiredTypeNames(text: string): string[] {
  const out: string[] = [];
  for (const w of text.match(WORD) ?? []) {
    const first = w.charCodeAt(0);
    if ((first >= 65 && first <= 90) || PRIMITIVES.has(w)) if (!out.includes(w)) out.push(w);
  }
  return out;
}

function wordsOf(text: string): Set<string> {
  return new Set(text.match(WORD) ?? []);
}

interface Candidate {
  label: string;
  sig: SignatureText;
}

function candidates(symbol: ExportedSymbol): Candidate[] {
  if (symbol.kind === 'class') {
    return Object.entries(symbol.members ?? {}).map(([member, sig]) =>
      member === 'constructor'
        ? { label: `new ${symbol.name}`, sig: { params: sig.params, returns: sig.returns || symbol.name } }
        : { label: `${symbol.name}.${member}`, sig },
    );
  }
  const sigs = symbol.overloads ?? (symbol.signature ? [symbol.signature] : []);
  return sigs.map((sig) => ({ label: symbol.name, sig }));
}

function describe(c: Candidate): string {
  return `${c.label}(${c.sig.params}) -> ${c.sig.returns || '(return type not annotated)'}`;
}

/**
 * Does `contract` fit `symbol`? For a class, any public method or the constructor (whose
 * output may be the class name) may fit. `actual` is the closest signature, for messages.
 */
export function contractFits(contract: { input: string; output: string }, symbol: ExportedSymbol): { fits: boolean; expected: string; actual: string } {
  const expected = `${contract.input.trim()} -> ${contract.output.trim()}`;
  const needIn = requiredTypeNames(contract.input);
  const needOut = requiredTypeNames(contract.output);
  const list = candidates(symbol);
  if (list.length === 0) {
    return { fits: false, expected, actual: `${symbol.kind} ${symbol.name} has no readable signature` };
  }
  let best = list[0];
  let bestMissing = Infinity;
  for (const c of list) {
    const params = wordsOf(c.sig.params);
    const returns = wordsOf(c.sig.returns);
    const missing = needIn.filter((w) => !params.has(w)).length + needOut.filter((w) => !returns.has(w)).length;
    if (missing < bestMissing) {
      best = c;
      bestMissing = missing;
      if (missing === 0) break;
    }
  }
  return { fits: bestMissing === 0, expected, actual: describe(best) };
}
