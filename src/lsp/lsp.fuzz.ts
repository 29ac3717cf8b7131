/**
 * Fuzz target for the language server: whatever text a document holds and however it is
 * edited, the server's code path (incremental sync with `vscode-languageserver-textdocument`,
 * the workspace check, and every feature at positions on and off the text) returns normally.
 * Nothing may throw: the server has no expected errors on document text.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createRandom, type FuzzTarget } from '../../fuzz/engine.js';
import { ALPHA, BETA_BOOK, writeProject } from './__fixtures__/project.js';
import { codeActions, completion, definition, docView, documentSymbols, formatting, hover, prepareRename, references, rename, toLspDiagnostics, workspaceSymbols } from './features.js';
import { LineReader } from './text.js';
import { SpellWorkspace } from './workspace.js';

function fixtureFiles(dir: string, pattern: RegExp): Uint8Array[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureFiles(path, pattern);
    return pattern.test(name) ? [new Uint8Array(readFileSync(path))] : [];
  });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
const seeds = [
  encoder.encode(ALPHA), encoder.encode(BETA_BOOK),
  ...fixtureFiles(join(import.meta.dirname, '..', 'spells', '__fixtures__'), /\.(spell|md|ya?ml)$/).slice(0, 40),
];

let workspace: SpellWorkspace | undefined;
let version = 0;
const KINDS = ['fuzz.spell', 'fuzz.md', 'fuzz.spell.yaml'];

/** One case: open the input as a document, edit it twice incrementally, and ask every feature about it after each edit. */
function run(input: Uint8Array): void {
  if (!workspace) {
    const root = writeProject();
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    workspace = new SpellWorkspace({ root });
  }
  const ws = workspace;
  const file = join(ws.root, 'spellbook', KINDS[input.length % KINDS.length]);
  const random = createRandom(input.length * 2654435761 + (input[0] ?? 0));
  const text = decoder.decode(input);
  let doc = TextDocument.create(`file://${file}`, 'spell', ++version, text);
  for (let round = 0; round < 2; round++) {
    const a = Math.floor(random() * (doc.getText().length + 1));
    const b = Math.min(doc.getText().length, a + Math.floor(random() * 40));
    const from = Math.floor(random() * text.length);
    const insert = text.slice(from, from + Math.floor(random() * 24));
    doc = TextDocument.update(doc, [{ range: { start: doc.positionAt(a), end: doc.positionAt(b) }, text: insert }], ++version);
    ws.setOpen(file, doc.getText(), doc.version);
    const analysis = ws.analyze();
    const view = docView(file, doc.getText());
    const lines = new LineReader(view.text);
    toLspDiagnostics(analysis.byFile.get(file) ?? [], (n) => lines.line(n));
    const readText = (f: string) => ws.textOf(f);
    for (let k = 0; k < 3; k++) {
      const p = doc.positionAt(Math.floor(random() * (view.text.length + 2)));
      const position = k === 2 ? { line: p.line + 1, character: p.character + 3 } : p; // and one past the end
      hover(analysis, view, position, ws.lastResults());
      definition(analysis, view, position, readText);
      references(analysis, view, position, true, readText);
      prepareRename(analysis, view, position);
      try {
        rename(analysis, view, position, random() < 0.5 ? 'Renamed' : insert, readText);
      } catch (error) {
        if (!(error instanceof RangeError && /not a spell name/.test(error.message))) throw error;
      }
      completion(analysis, view, position);
      codeActions(analysis, view, { start: position, end: position });
    }
    documentSymbols(analysis, view);
    workspaceSymbols(analysis, insert);
    formatting(view);
  }
  ws.close(file);
}

export const targets: FuzzTarget[] = [
  // A case runs the whole workspace check twice and every feature six times (and re-reads the
  // disk once a second), so it gets more time than a parser's case; a hang still shows.
  { name: 'lsp.edits', seeds, run, isExpectedError: () => false, maxLength: 16_384, maxCaseMs: 2000 },
];
