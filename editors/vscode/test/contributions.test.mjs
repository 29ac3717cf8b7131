// What package.json contributes, checked against the real thing: the `$spell` problem matcher
// against the spell engine's golden compact output (src/spells/__fixtures__/golden, the
// lines `spell check -f compact` prints), and the task definition against the CLI's options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const here = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
const repo = join(here, '..', '..');
// The golden file writes the repository's absolute path as `<root>`.
const golden = readFileSync(join(repo, 'src', 'spells', '__fixtures__', 'golden', 'report.compact.txt'), 'utf8').replaceAll('<root>', repo);

test('the $spell problem matcher reads every finding line of spell check -f compact', () => {
  const matcher = pkg.contributes.problemMatchers.find((m) => m.name === 'spell');
  const regexp = new RegExp(matcher.pattern.regexp);
  const findings = golden.split('\n').filter((line) => /: line \d+, col \d+, /.test(line));
  assert.ok(findings.length >= 3, 'the golden file has findings');
  for (const line of findings) {
    const m = regexp.exec(line);
    assert.ok(m, `the matcher does not read: ${line}`);
    assert.match(m[matcher.pattern.file], /^\//);
    assert.ok(Number(m[matcher.pattern.line]) >= 1 && Number(m[matcher.pattern.column]) >= 1);
    assert.ok(['Error', 'Warning', 'Info'].includes(m[matcher.pattern.severity]));
    assert.match(m[matcher.pattern.code], /^[a-z]+\/[a-z-]+$/);
    assert.ok(line.includes(`${m[matcher.pattern.message]} (${m[matcher.pattern.code]})`));
  }
  for (const line of golden.split('\n').filter((l) => !/: line \d+, col \d+, /.test(l))) assert.equal(regexp.exec(line), null);
});

test('the extension starts on spell files and its settings are the server\'s', () => {
  assert.ok(pkg.activationEvents.includes('onLanguage:spell'));
  assert.ok(pkg.activationEvents.includes('workspaceContains:**/spellbook.yaml'));
  const settings = Object.keys(pkg.contributes.configuration.properties);
  for (const key of ['strict', 'paths', 'results', 'manifest']) assert.ok(settings.includes(`spellbook.${key}`), key);
  assert.equal(pkg.main, './extension.js');
  assert.ok(pkg.dependencies['vscode-languageclient']);
});
