/**
 * The spell language server: LSP 3.17 over any message connection (stdio for `spell lsp`),
 * built on Microsoft's `vscode-languageserver` with incremental document sync
 * (`TextDocumentSyncKind.Incremental`). Every request handler is guarded: a failure is
 * logged and answered with an empty result, so the server keeps answering whatever text
 * it is given.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification, ResponseError, ErrorCodes, TextDocumentSyncKind, TextDocuments,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver';
import { createConnection } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { COMMANDS, LIMITS } from './constants.js';
import { LspError } from './errors.js';
import {
  codeActions, completion, definition, docView, documentSymbols, formatting, hover, prepareRename, references, rename,
  toLspDiagnostics, uriOf, workspaceSymbols, type DocView,
} from './features.js';
import { sealSpell } from './seal.js';
import { LineReader } from './text.js';
import { SpellWorkspace, isManifestPath, isSpellPath, type WorkspaceOptions } from './workspace.js';

/** Settings a client may pass in `initializationOptions` or `workspace/didChangeConfiguration` (`spellbook` section). */
export interface SpellServerSettings {
  paths?: string[];
  strict?: boolean;
  results?: string;
  manifest?: string;
}

export interface SpellServerOptions {
  /** Change the process's working folder to the workspace root, so messages name paths as `spell check` run there does (default false). */
  chdirToRoot?: boolean;
  /** Root when the client names none (default: the working folder). */
  defaultRoot?: string;
}

const fileOf = (uri: string): string | undefined => {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
};

function settingsFrom(value: unknown): SpellServerSettings {
  const v = (value && typeof value === 'object' && 'spellbook' in value ? (value as { spellbook: unknown }).spellbook : value) as Record<string, unknown> | undefined;
  if (!v || typeof v !== 'object') return {};
  const out: SpellServerSettings = {};
  if (Array.isArray(v.paths) && v.paths.every((p) => typeof p === 'string') && v.paths.length) out.paths = v.paths as string[];
  if (typeof v.strict === 'boolean') out.strict = v.strict;
  if (typeof v.results === 'string' && v.results) out.results = v.results;
  if (typeof v.manifest === 'string' && v.manifest) out.manifest = v.manifest;
  return out;
}

/** Wire the spell language features to a connection and start listening on it. */
export function startSpellServer(connection: Connection, options: SpellServerOptions = {}): { workspace: () => SpellWorkspace | undefined } {
  const documents = new TextDocuments(TextDocument);
  let workspace: SpellWorkspace | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastResultsProblem: string | undefined;
  let watchRegistration = false;

  const guard = <P, R>(name: string, fallback: R, handler: (params: P) => R) => (params: P): R => {
    try {
      return handler(params);
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      connection.console.error(`${name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return fallback;
    }
  };

  const view = (uri: string): { doc: DocView; ws: SpellWorkspace } | undefined => {
    const file = fileOf(uri);
    const document = documents.get(uri);
    if (!file || !workspace) return undefined;
    const text = document?.getText() ?? workspace.textOf(file);
    return text === undefined ? undefined : { doc: docView(file, text), ws: workspace };
  };

  /** What each URI last showed (findings and text version), so only changes are sent again. */
  let shown = new Map<string, string>();

  const publish = () => {
    timer = undefined;
    if (!workspace) return;
    try {
      const analysis = workspace.analyze();
      if (analysis.resultsProblem && analysis.resultsProblem !== lastResultsProblem) void connection.window.showWarningMessage(analysis.resultsProblem);
      lastResultsProblem = analysis.resultsProblem;
      const now = new Map<string, string>();
      for (const [file, findings] of analysis.byFile) {
        const uri = uriOf(file);
        const document = documents.get(uri);
        const key = `${document?.version ?? analysis.files.get(file)?.key}\n` + findings.map((d) => `${d.location.line}:${d.location.column}:${d.severity}:${d.rule}:${d.message}`).join('\n');
        now.set(uri, key);
        if (shown.get(uri) === key) continue;
        const text = document?.getText() ?? analysis.files.get(file)?.text ?? workspace.textOf(file);
        const lines = new LineReader(text ?? '');
        void connection.sendDiagnostics({ uri, version: document?.version, diagnostics: toLspDiagnostics(findings, (n) => lines.line(n)) });
      }
      // Files (and open documents) with no findings now: clear what they showed.
      for (const uri of new Set([...shown.keys(), ...documents.keys()])) {
        if (now.has(uri)) continue;
        const key = `${documents.get(uri)?.version}\n`;
        now.set(uri, key);
        if (shown.get(uri) !== key) void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics: [] });
      }
      shown = now;
    } catch (error) {
      connection.console.error(`check: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(publish, LIMITS.debounceMs);
  };

  const track = (document: TextDocument, edited: boolean) => {
    const file = fileOf(document.uri);
    if (!file || !workspace || (!isSpellPath(file) && !isManifestPath(file))) return;
    const text = document.getText();
    workspace.setOpen(file, text, document.version);
    if (!edited || text.length <= LIMITS.checkOnSaveBytes) schedule();
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const rootUri = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = (rootUri && fileOf(rootUri)) ?? params.rootPath ?? options.defaultRoot ?? process.cwd();
    if (options.chdirToRoot) {
      try { process.chdir(root); } catch { /* keep the working folder */ }
    }
    const wsOptions: WorkspaceOptions = { root: resolve(root), ...settingsFrom(params.initializationOptions) };
    workspace = new SpellWorkspace(wsOptions);
    watchRegistration = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        completionProvider: { triggerCharacters: ['>', '@', '#', ' ', ':'] },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', 'source'] },
        executeCommandProvider: { commands: [COMMANDS.seal] },
      },
      serverInfo: { name: 'spell-lsp' },
    };
  });

  connection.onInitialized(() => {
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{spell,md,yaml,yml,ts,json}' }],
      }).catch(() => undefined);
    }
    schedule();
  });

  connection.onDidChangeConfiguration((change) => {
    workspace?.configure(settingsFrom(change.settings));
    schedule();
  });

  documents.onDidOpen((e) => track(e.document, false));
  documents.onDidChangeContent((e) => track(e.document, true));
  documents.onDidSave((e) => track(e.document, false));
  documents.onDidClose((e) => {
    const file = fileOf(e.document.uri);
    if (file && workspace) { workspace.close(file); schedule(); }
  });

  connection.onDidChangeWatchedFiles(guard('watched files', undefined, (params) => {
    const files = params.changes.map((c) => fileOf(c.uri)).filter((f): f is string => Boolean(f));
    workspace?.filesChanged(files);
    schedule();
  }));

  const readText = (file: string) => {
    const document = documents.get(uriOf(file));
    return document ? document.getText() : workspace?.textOf(file);
  };

  connection.onHover(guard('hover', null, (p) => {
    const v = view(p.textDocument.uri);
    return v ? hover(v.ws.analyze(), v.doc, p.position, v.ws.lastResults()) : null;
  }));
  connection.onDefinition(guard('definition', [], (p) => {
    const v = view(p.textDocument.uri);
    return v ? definition(v.ws.analyze(), v.doc, p.position, readText) : [];
  }));
  connection.onReferences(guard('references', [], (p) => {
    const v = view(p.textDocument.uri);
    return v ? references(v.ws.analyze(), v.doc, p.position, p.context.includeDeclaration, readText) : [];
  }));
  connection.onPrepareRename(guard('prepareRename', null, (p) => {
    const v = view(p.textDocument.uri);
    return v ? prepareRename(v.ws.analyze(), v.doc, p.position) : null;
  }));
  connection.onRenameRequest(guard('rename', null, (p) => {
    const v = view(p.textDocument.uri);
    if (!v) return null;
    try {
      return rename(v.ws.analyze(), v.doc, p.position, p.newName, readText) ?? null;
    } catch (error) {
      if (error instanceof RangeError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
      throw error;
    }
  }));
  connection.onCompletion(guard('completion', [], (p) => {
    const v = view(p.textDocument.uri);
    return v ? completion(v.ws.analyze(), v.doc, p.position) : [];
  }));
  connection.onDocumentSymbol(guard('documentSymbol', [], (p) => {
    const v = view(p.textDocument.uri);
    return v ? documentSymbols(v.ws.analyze(), v.doc) : [];
  }));
  connection.onWorkspaceSymbol(guard('workspaceSymbol', [], (p) => (workspace ? workspaceSymbols(workspace.analyze(), p.query) : [])));
  connection.onDocumentFormatting(guard('formatting', [], (p) => {
    const v = view(p.textDocument.uri);
    return v ? formatting(v.doc) : [];
  }));
  connection.onCodeAction(guard('codeAction', [], (p) => {
    const v = view(p.textDocument.uri);
    return v ? codeActions(v.ws.analyze(), v.doc, p.range) : [];
  }));
  connection.onExecuteCommand(guard('executeCommand', null, (p) => {
    if (p.command !== COMMANDS.seal || !workspace) return null;
    const name = p.arguments?.[0];
    if (typeof name !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${COMMANDS.seal} takes a spell name`);
    try {
      const sealed = sealSpell(workspace, name);
      schedule();
      return sealed;
    } catch (error) {
      if (error instanceof LspError) throw new ResponseError(ErrorCodes.InvalidRequest, error.message, { code: error.code });
      throw error;
    }
  }));

  documents.listen(connection);
  connection.listen();
  return { workspace: () => workspace };
}

/**
 * `spell lsp --stdio`: a server on this process's stdin and stdout. Resolves when the client
 * ends the session (`exit`) or closes the stream. Output meant for a person goes to stderr.
 */
export function runStdioServer(options: SpellServerOptions = { chdirToRoot: true }): Promise<void> {
  // stdout carries the protocol: nothing else may write to it.
  console.log = console.info = (...args: unknown[]) => { process.stderr.write(args.map(String).join(' ') + '\n'); };
  const connection = createConnection(process.stdin, process.stdout);
  return new Promise((done) => {
    connection.onExit(() => done());
    process.stdin.on('close', () => done());
    startSpellServer(connection, options);
  });
}

