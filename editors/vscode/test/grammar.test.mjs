// The TextMate grammar, tokenized as VS Code does (vscode-textmate on the oniguruma regex
// engine compiled to WASM), against sample lines of every glyph.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import textmate from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
const here = join(import.meta.dirname, '..');
const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
  loadGrammar: async (scope) => {
    const file = { 'source.spell': 'spell.tmLanguage.json', 'markdown.spell.injection': 'spell-markdown.injection.json' }[scope];
    return file ? textmate.parseRawGrammar(readFileSync(join(here, 'syntaxes', file), 'utf8'), join(here, 'syntaxes', file)) : null;
  },
});
const grammar = await registry.loadGrammar('source.spell');

/** Scopes of each token of each line, as `text => innermost scope`. */
function tokenize(lines) {
  let state = textmate.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, state);
    out.push(r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
    state = r.ruleStack;
  }
  return out;
}

/** The scopes of the token holding `text` on a line. */
function scopesOf(tokens, text) {
  const t = tokens.find((x) => x.text.includes(text));
  assert.ok(t, `no token holds '${text}' in ${JSON.stringify(tokens.map((x) => x.text))}`);
  return t.scopes;
}

test('the grammar and the markdown injection declare what package.json says', () => {
  const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.grammars.map((g) => g.scopeName), ['source.spell', 'markdown.spell.injection']);
  assert.equal(grammar.scopeName ?? 'source.spell', 'source.spell');
  assert.deepEqual(pkg.contributes.languages[0].extensions, ['.spell']);
});

test('headers, comments, sections and separators', () => {
  const [header, heading, comment, section, sep] = tokenize(['#Spell: Relay', '## #Relay2', '# a comment', '[Test Cases]', '---']);
  assert.ok(scopesOf(header, 'Relay').includes('entity.name.type.spell.spell'));
  assert.ok(scopesOf(header, 'Spell').includes('storage.type.spell.spell'));
  assert.ok(scopesOf(heading, 'Relay2').includes('entity.name.type.spell.spell'));
  assert.ok(scopesOf(comment, 'a comment').includes('comment.line.number-sign.spell'));
  assert.ok(scopesOf(section, 'Test Cases').includes('entity.name.section.spell'));
  assert.ok(scopesOf(sep, '---').includes('meta.separator.spell'));
});

test('every glyph and its label', () => {
  const lines = tokenize([
    '^ Intent: Relay messages.',
    '@RelayServer',
    '  : RelayOptions -> RelayServer',
    '  ! Guarantee: payloads are validated # why',
    '~ Assumption: one room',
    '- Exclusion: no storage',
    '> #Spell: Transport, Socket, @Frame',
    '? Question: how many rooms?',
    '$ prove: payloads are validated -> test: rejects a malformed join',
    '$ forbid: plaintext credentials',
  ]);
  const [intent, entity, contract, guarantee, assumption, exclusion, dependency, question, prove, forbid] = lines;
  assert.ok(scopesOf(intent, '^').includes('keyword.operator.glyph.intent.spell'));
  assert.ok(scopesOf(intent, 'Intent').includes('storage.type.label.spell'));
  assert.ok(scopesOf(entity, 'RelayServer').includes('entity.name.class.entity.spell'));
  assert.ok(scopesOf(contract, 'RelayOptions').includes('support.type.input.spell'));
  assert.ok(scopesOf(contract, '->').includes('keyword.operator.arrow.spell'));
  assert.ok(scopesOf(contract, 'RelayServer').includes('support.type.output.spell'));
  assert.ok(scopesOf(guarantee, '!').includes('keyword.operator.glyph.guarantee.spell'));
  assert.ok(scopesOf(guarantee, 'why').includes('comment.line.number-sign.spell'));
  assert.ok(scopesOf(assumption, '~').includes('keyword.operator.glyph.assumption.spell'));
  assert.ok(scopesOf(exclusion, 'no storage').includes('string.unquoted.exclusion.spell'));
  assert.ok(scopesOf(dependency, 'Transport').includes('entity.name.type.spell.spell'));
  assert.ok(scopesOf(dependency, 'Socket').includes('entity.name.type.spell.spell'));
  assert.ok(scopesOf(dependency, 'Frame').includes('variable.other.entity.spell'));
  assert.ok(scopesOf(question, '?').includes('keyword.operator.glyph.question.spell'));
  assert.ok(scopesOf(prove, 'prove').includes('keyword.other.obligation.spell'));
  assert.ok(scopesOf(prove, 'rejects a malformed join').includes('string.unquoted.test-title.spell'));
  assert.ok(scopesOf(forbid, 'forbid').includes('keyword.other.obligation.spell'));
});

test('a list item that is not an exclusion glyph, and prose, stay plain', () => {
  const [dashes, prose] = tokenize(['--verbose flag', 'plain text']);
  assert.ok(!dashes.some((t) => t.scopes.some((s) => s.includes('exclusion'))));
  assert.deepEqual(prose.map((t) => t.scopes), [['source.spell']]);
});
