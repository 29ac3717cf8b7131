/**
 * The language server as an editor sees it: the real `spell lsp --stdio` executable in a
 * child process, driven over JSON-RPC by a `vscode-languageserver-protocol` client
 * (`__fixtures__/client.ts`) on a small spell project in a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, SymbolInformation, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { MESSAGES, formatSpellSource, parseSpellSource, sealOf } from '../spells/index.js';
import { BIN, LspClient } from './__fixtures__/client.js';
import { ALPHA, BETA_BOOK, MODULE, TESTS, writeProject } from './__fixtures__/project.js';

const ALPHA_PATH = 'spellbook/Alpha.spell';
const BETA_PATH = 'spellbook/beta.md';
const severityName = (s: number | undefined) => (s === 1 ? 'error' : s === 2 ? 'warning' : 'info');
const pos = (line: number, character: number) => ({ line, character });
const codes = (ds: Diagnostic[]) => ds.map((d) => String(d.code));

function spellCheckJson(root: string): { diagnostics: { file: string; line: number; column: number; severity: string; rule: string; message: string }[] } {
  const result = spawnSync(process.execPath, [BIN, 'check', '-f', 'json'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return JSON.parse(result.stdout);
}

describe('spell lsp over stdio', () => {
  let root: string;
  let client: LspClient;
  const doc = (path: string) => ({ textDocument: { uri: client.uri(path) } });

  beforeAll(async () => {
    root = writeProject();
    client = await LspClient.start(root);
    await client.open(ALPHA_PATH, ALPHA);
    await client.open(BETA_PATH, BETA_BOOK, 'markdown');
    await client.waitForDiagnostics(BETA_PATH, () => true);
  });
  afterAll(async () => {
    expect(await client.stop()).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });

  it('publishes the same findings as spell check, with the same rule ids, severities and messages', async () => {
    const broken = [
      '#Spell: Broken',
      '^ Intent: Show findings.',
      '> Alpah',
      '% not a glyph',
      ': no arrow here',
      '',
      'stray text',
      '',
    ].join('\n');
    const dir = writeProject({ 'spellbook/broken.spell': broken });
    const other = await LspClient.start(dir);
    try {
      const expected = spellCheckJson(dir).diagnostics;
      expect(expected.map((d) => d.rule)).toEqual(expect.arrayContaining(['graph/unknown-dependency', 'syntax/unknown-glyph', 'syntax/malformed-contract', 'syntax/orphan-line', 'seal/draft']));
      const files = [...new Set(expected.map((d) => d.file))];
      for (const file of files) await other.waitForDiagnostics(file, (ds) => ds.length === expected.filter((d) => d.file === file).length);
      const got = [...other.diagnostics.values()].flatMap((p) => p.diagnostics.map((d) => ({
        file: relative(dir, fileURLToPath(p.uri)), line: d.range.start.line + 1, column: d.range.start.character + 1,
        severity: severityName(d.severity), rule: String(d.code), message: String(d.message),
      })));
      const key = (d: { file: string; line: number; column: number; severity: string; rule: string; message: string }) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.rule} ${d.message}`;
      expect(got.map(key).sort()).toEqual(expected.map(key).sort());
      expect(got.find((d) => d.rule === 'graph/unknown-dependency')?.message).toBe(MESSAGES.unknownDependency('Alpah', 'Alpha'));
    } finally {
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('updates diagnostics as you type with incremental changes', async () => {
    // Delete the intent line: the draft now misses its intent.
    let version = await client.change(ALPHA_PATH, { start: pos(1, 0), end: pos(2, 0) }, '');
    let ds = await client.waitForDiagnostics(ALPHA_PATH, (_, p) => p.version === version);
    expect(ds.find((d) => d.code === 'seal/intent-missing')).toMatchObject({ severity: 2, message: MESSAGES.intentMissing() });
    // Type a dependency on a spell that does not exist, one keystroke at a time.
    let col = 0;
    for (const ch of '> Gamma') {
      version = await client.change(ALPHA_PATH, { start: pos(1, col), end: pos(1, col) }, col === 0 ? ch + '\n' : ch);
      col++;
    }
    ds = await client.waitForDiagnostics(ALPHA_PATH, (_, p) => p.version === version);
    const unknown = ds.find((d) => d.code === 'graph/unknown-dependency');
    expect(unknown).toMatchObject({ severity: 1, message: MESSAGES.unknownDependency('Gamma', undefined), range: { start: pos(1, 0) } });
    // Undo both edits: back to the original text and its findings.
    version = await client.change(ALPHA_PATH, { start: pos(1, 0), end: pos(2, 0) }, ALPHA.split('\n')[1] + '\n');
    ds = await client.waitForDiagnostics(ALPHA_PATH, (_, p) => p.version === version);
    expect(codes(ds)).toEqual(['seal/draft']);
    // The manifest as you type: an unsaved buffer that does not fit the manifest schema.
    const manifest = 'spellbook/spellbook.yaml';
    const original = readFileSync(join(root, manifest), 'utf8');
    await client.open(manifest, original, 'yaml');
    const broken = await client.change(manifest, { start: pos(2, 4), end: pos(2, 10) }, 'modul');
    const invalid = await client.waitForDiagnostics(manifest, (_, p) => p.version === broken);
    expect(invalid.map((d) => [d.code, d.severity, d.range.start.line])).toEqual([['map/manifest-invalid', 1, 2]]);
    const fixed = await client.change(manifest, { start: pos(2, 4), end: pos(2, 9) }, 'module');
    expect(await client.waitForDiagnostics(manifest, (_, p) => p.version === fixed)).toEqual([]);
    await client.connection.sendNotification('textDocument/didClose', doc(manifest));
  });

  it('hovers a glyph, and a spell with its intent, seal state, module and bound tests with their last results', async () => {
    const glyph = await client.request<Hover>('textDocument/hover', { ...doc(ALPHA_PATH), position: pos(6, 0) });
    expect(JSON.stringify(glyph.contents)).toContain('exclusion');
    const spell = await client.request<Hover>('textDocument/hover', { ...doc(BETA_PATH), position: pos(6, 4) });
    const text = (spell.contents as { value: string }).value;
    expect(text).toContain('#Alpha');
    expect(text).toContain('Make widgets for the other spells.');
    expect(text).toContain('draft');
    expect(text).toContain('src/alpha');
    expect(text).toContain('makes a widget · passed');
    expect(text).toContain('rejects an empty widget · failed');
    expect(spell.range).toEqual({ start: pos(6, 2), end: pos(6, 7) });
  });

  it('goes to definition: a dependency to its spell, an entity to its export, a test binding to the test', async () => {
    const toSpell = await client.request<Location[]>('textDocument/definition', { ...doc(BETA_PATH), position: pos(6, 3) });
    expect(toSpell).toEqual([{ uri: client.uri(ALPHA_PATH), range: { start: pos(0, 8), end: pos(0, 13) } }]);
    const toExport = await client.request<Location[]>('textDocument/definition', { ...doc(ALPHA_PATH), position: pos(2, 2) });
    expect(toExport).toEqual([{ uri: client.uri('src/alpha/index.ts'), range: { start: pos(1, 13), end: pos(1, 13) } }]);
    const entityRef = await client.request<Location[]>('textDocument/definition', { ...doc(BETA_PATH), position: pos(7, 4) });
    expect(entityRef.map((l) => l.uri)).toEqual([client.uri(ALPHA_PATH), client.uri('src/alpha/index.ts')]);
    const toTest = await client.request<Location[]>('textDocument/definition', { ...doc(ALPHA_PATH), position: pos(7, 40) });
    expect(toTest).toEqual([{ uri: client.uri('src/alpha/alpha.test.ts'), range: { start: pos(1, 0), end: pos(1, 0) } }]);
    const testCase = await client.request<Location[]>('textDocument/definition', { ...doc(ALPHA_PATH), position: pos(10, 5) });
    expect(testCase).toEqual([{ uri: client.uri('src/alpha/alpha.test.ts'), range: { start: pos(2, 0), end: pos(2, 0) } }]);
  });

  it('finds who depends on a spell and renames it across books and the manifest', async () => {
    const refs = await client.request<Location[]>('textDocument/references', { ...doc(ALPHA_PATH), position: pos(0, 9), context: { includeDeclaration: false } });
    expect(refs).toEqual([{ uri: client.uri(BETA_PATH), range: { start: pos(6, 2), end: pos(6, 7) } }]);
    const prepared = await client.request('textDocument/prepareRename', { ...doc(ALPHA_PATH), position: pos(0, 9) });
    expect(prepared).toEqual({ start: pos(0, 8), end: pos(0, 13) });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...doc(BETA_PATH), position: pos(6, 3), newName: 'Omega' });
    const changes = edit.changes!;
    expect(changes[client.uri(ALPHA_PATH)]).toEqual([{ range: { start: pos(0, 8), end: pos(0, 13) }, newText: 'Omega' }]);
    expect(changes[client.uri(BETA_PATH)]).toEqual([{ range: { start: pos(6, 2), end: pos(6, 7) }, newText: 'Omega' }]);
    expect(changes[client.uri('spellbook/spellbook.yaml')]).toEqual([{ range: { start: pos(1, 2), end: pos(1, 7) }, newText: 'Omega' }]);
    await expect(client.request('textDocument/rename', { ...doc(BETA_PATH), position: pos(6, 3), newName: 'not a name' })).rejects.toThrow(/not a spell name/);
  });

  it('completes glyphs, spell names after >, entity names from the module exports and test titles', async () => {
    const path = 'spellbook/typing.spell';
    await client.open(path, '#Spell: Typing\n\n> \n@\n$ prove: x -> test: \n');
    const labels = async (line: number, character: number) => (await client.request<CompletionItem[]>('textDocument/completion', { ...doc(path), position: pos(line, character) })).map((c) => c.label);
    expect(await labels(1, 0)).toEqual(expect.arrayContaining(['^ Intent:', '! Guarantee:', '- Exclusion:', '>', '$ prove:']));
    expect(await labels(2, 2)).toEqual(expect.arrayContaining(['Alpha', 'Beta']));
    expect(await labels(2, 2)).not.toContain('Typing');
    await client.connection.sendNotification('textDocument/didClose', doc(path));
    // A spell mapped to src/alpha is offered its module's exports that it does not declare yet.
    const version = await client.change(ALPHA_PATH, { start: pos(8, 0), end: pos(8, 0) }, '@\n');
    await client.waitForDiagnostics(ALPHA_PATH, (_, p) => p.version === version);
    const entities = (await client.request<CompletionItem[]>('textDocument/completion', { ...doc(ALPHA_PATH), position: pos(8, 1) })).map((c) => c.label);
    expect(entities).toEqual(expect.arrayContaining(['makeGadget', 'WidgetOptions']));
    expect(entities).not.toContain('Widget');
    const tests = (await client.request<CompletionItem[]>('textDocument/completion', { ...doc(ALPHA_PATH), position: pos(7, 38) })).map((c) => c.label);
    expect(tests).toEqual(['makes a widget', 'rejects an empty widget']);
    const back = await client.change(ALPHA_PATH, { start: pos(8, 0), end: pos(9, 0) }, '');
    await client.waitForDiagnostics(ALPHA_PATH, (_, p) => p.version === back);
  });

  it('lists document symbols and workspace symbols', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', doc(ALPHA_PATH));
    expect(symbols.map((s) => s.name)).toEqual(['Alpha']);
    expect(symbols[0].children!.map((c) => c.name)).toEqual(['Widget', '[Test Cases]']);
    expect(symbols[0].range.start).toEqual(pos(0, 0));
    const book = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', doc(BETA_PATH));
    expect(book.map((s) => [s.name, s.range.start.line])).toEqual([['Beta', 4]]);
    const found = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'widg' });
    expect(found.map((s) => [s.name, s.containerName])).toEqual([['Widget', 'Alpha']]);
  });
});

/** A fresh project and server for a test that changes files; the server must exit cleanly after it. */
async function withServer(body: (client: LspClient, root: string, doc: (path: string) => { textDocument: { uri: string } }) => Promise<void>): Promise<void> {
  const root = writeProject();
  const client = await LspClient.start(root);
  try {
    await body(client, root, (path) => ({ textDocument: { uri: client.uri(path) } }));
  } finally {
    expect(await client.stop()).toBe(0);
    rmSync(root, { recursive: true, force: true });
  }
}

describe('spell lsp and the files around it', () => {
  it('updates cross-file findings when files change on disk', () => withServer(async (client, root) => {
    await client.open(ALPHA_PATH, ALPHA);
    expect(codes(await client.waitForDiagnostics(ALPHA_PATH, () => true))).toEqual(['seal/draft']);
    // The module stops exporting Widget, and a bound test is renamed.
    writeFileSync(join(root, 'src/alpha/index.ts'), MODULE.replace('export class Widget', 'class Widget'));
    writeFileSync(join(root, 'src/alpha/alpha.test.ts'), TESTS.replace('makes a widget', 'builds a widget'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [
      { uri: client.uri('src/alpha/index.ts'), type: 2 }, { uri: client.uri('src/alpha/alpha.test.ts'), type: 2 },
    ] });
    const ds = await client.waitForDiagnostics(ALPHA_PATH, (d) => d.length > 1);
    expect(ds.find((d) => d.code === 'map/entity-not-exported')?.message).toBe(MESSAGES.entityNotExported('Widget', 'src/alpha'));
    expect(ds.find((d) => d.code === 'map/test-missing')?.range.start).toEqual(pos(7, 0));
    // The book that was never opened is deleted: its findings go away, and Alpha's dependents with it.
    await client.waitForDiagnostics(BETA_PATH, (d) => d.length > 0);
    rmSync(join(root, BETA_PATH));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(BETA_PATH), type: 3 }] });
    await client.waitForDiagnostics(BETA_PATH, (d) => d.length === 0);
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: client.uri(ALPHA_PATH) }, position: pos(0, 9), context: { includeDeclaration: false } });
    expect(refs).toEqual([]);
  }));

  it('formats with spell fmt and offers quick fixes, a new spell file and sealing', () => withServer(async (client, root, doc) => {
    const messy = '#Gamma\n^    intent:   Do one thing.\n>   Delta\n!  it holds\n';
    await client.open('spellbook/gamma.spell', messy);
    const ds = await client.waitForDiagnostics('spellbook/gamma.spell', (d) => d.length > 0);
    expect(codes(ds)).toEqual(expect.arrayContaining(['graph/unknown-dependency', 'seal/no-exclusion']));
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { ...doc('spellbook/gamma.spell'), options: { tabSize: 2, insertSpaces: true } });
    expect(edits).toHaveLength(1);
    expect(edits[0].newText).toBe(formatSpellSource('gamma.spell', messy));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { ...doc('spellbook/gamma.spell'), range: { start: pos(0, 0), end: pos(3, 0) }, context: { diagnostics: ds } });
    const titles = actions.map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['Add an exclusion stub', 'Create the spell file for Delta', 'Seal spell Gamma']));
    const create = actions.find((a) => a.title === 'Create the spell file for Delta')!;
    expect(create.edit!.documentChanges![0]).toMatchObject({ kind: 'create', uri: client.uri('spellbook/Delta.spell') });
    const stub = actions.find((a) => a.title === 'Add an exclusion stub')!;
    expect(stub.edit!.changes![client.uri('spellbook/gamma.spell')][0]).toEqual({ range: { start: pos(3, 11), end: pos(3, 11) }, newText: '\n- Exclusion: ' });
    // Gamma cannot be sealed (unknown dependency, no exclusion, no module); Alpha can.
    await expect(client.request('workspace/executeCommand', { command: 'spellbook.seal', arguments: ['Gamma'] })).rejects.toThrow(/cannot seal Gamma/);
    await client.open(ALPHA_PATH, ALPHA);
    await client.waitForDiagnostics(ALPHA_PATH, (d) => codes(d).includes('seal/draft'));
    const sealed = await client.request<{ seal: string }>('workspace/executeCommand', { command: 'spellbook.seal', arguments: ['Alpha'] });
    expect(sealed.seal).toBe(sealOf(parseSpellSource('Alpha.spell', ALPHA).spells[0]));
    expect(readFileSync(join(root, 'spellbook/spellbook.yaml'), 'utf8')).toContain(`seal: ${sealed.seal}`);
    const after = await client.waitForDiagnostics(ALPHA_PATH, (d) => !codes(d).includes('seal/draft'));
    expect(after.filter((d) => d.severity === 1)).toEqual([]);
  }));

  it('answers after binary, half-typed, oversized and deleted documents without crashing', () => withServer(async (client, root, doc) => {
    await client.open('spellbook/binary.spell', 'PK\u0003\u0004\u0000\u0000garbage\u00ff');
    const binary = await client.waitForDiagnostics('spellbook/binary.spell', (d) => d.length > 0);
    expect(binary).toMatchObject([{ code: 'file/encoding', message: MESSAGES.fileBinary(4) }]);
    // Over the engine's 32 MiB limit: one finding, no parse.
    await client.open('spellbook/huge.md', '## #Spell: Huge\n' + '! a guarantee line of text\n'.repeat(1_300_000));
    const huge = await client.waitForDiagnostics('spellbook/huge.md', (d) => d.length > 0, 60_000);
    expect(huge.map((d) => d.code)).toEqual(['file/too-large']);
    // Half-typed lines, one keystroke at a time, with requests in between.
    const path = 'spellbook/typing.spell';
    await client.open(path, '');
    const typed = '#Spell: T\n^ Int\n@\n: a ->\n$ prove: x -> te\n> #Sp, @, ,\n[Test\n- \n';
    let line = 0;
    let col = 0;
    let version = 1;
    for (const ch of typed) {
      version = await client.change(path, { start: pos(line, col), end: pos(line, col) }, ch);
      if (ch === '\n') { line++; col = 0; } else col++;
      if (col % 3 === 0) {
        await client.request('textDocument/hover', { ...doc(path), position: pos(line, col) });
        await client.request('textDocument/completion', { ...doc(path), position: pos(line, col) });
        await client.request('textDocument/definition', { ...doc(path), position: pos(line, Math.max(0, col - 1)) });
      }
    }
    const final = await client.waitForDiagnostics(path, (_, p) => p.version === version);
    expect(codes(final)).toEqual(expect.arrayContaining(['syntax/empty-entity', 'syntax/malformed-contract', 'syntax/malformed-obligation']));
    // A file deleted under an open document, then closed.
    rmSync(join(root, ALPHA_PATH));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(ALPHA_PATH), type: 3 }] });
    await client.connection.sendNotification('textDocument/didClose', doc('spellbook/huge.md'));
    const beta = await client.waitForDiagnostics(BETA_PATH, (d) => codes(d).includes('graph/unknown-dependency'));
    expect(beta.find((d) => d.code === 'graph/unknown-dependency')?.message).toBe(MESSAGES.unknownDependency('Alpha', undefined));
    const alive = await client.request<SymbolInformation[]>('workspace/symbol', { query: '' });
    expect(alive.map((s) => s.name)).toContain('Beta');
    expect(client.stderr.join('')).not.toMatch(/TypeError|RangeError|ReferenceError/);
  }), 120_000);
});
