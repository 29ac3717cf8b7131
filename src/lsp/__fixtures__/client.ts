/**
 * A Language Server Protocol client for the tests: starts the real `spell lsp --stdio`
 * (bin/spell.js over the built dist/) as a child process and talks JSON-RPC to it over its
 * stdin/stdout with `vscode-languageserver-protocol` (which runs on `vscode-jsonrpc`),
 * as an editor's client does. Published diagnostics are kept per URI.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const REPO = join(import.meta.dirname, '..', '..', '..');
export const BIN = join(REPO, 'bin', 'spell.js');

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly stderr: string[] = [];
  readonly versions = new Map<string, number>();
  /** Called on every publishDiagnostics as it arrives (for timing). */
  readonly listeners = new Set<(p: PublishDiagnosticsParams) => void>();

  private constructor(readonly child: ChildProcess, readonly connection: ProtocolConnection, readonly root: string) {}

  static async start(root: string, initializationOptions: unknown = {}, options: { beforeInitialized?: () => void } = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection, root);
    child.stderr!.on('data', (chunk: Buffer) => client.stderr.push(chunk.toString()));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p);
      client.published.push(p);
      for (const listener of client.listeners) listener(p);
    });
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/showMessageRequest', () => null);
    connection.onRequest('workspace/configuration', () => []);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid, rootUri: pathToFileURL(root).href, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'test' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } }, textDocument: { rename: { prepareSupport: true } } },
      initializationOptions,
    });
    options.beforeInitialized?.();
    await connection.sendNotification('initialized', {});
    return client;
  }

  uri(path: string): string {
    return pathToFileURL(join(this.root, path)).href;
  }

  async open(path: string, text: string, languageId = 'spell'): Promise<void> {
    this.versions.set(path, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: this.uri(path), languageId, version: 1, text } });
  }

  /** An incremental change: replace `range` with `text`. */
  async change(path: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): Promise<number> {
    const version = (this.versions.get(path) ?? 1) + 1;
    this.versions.set(path, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: this.uri(path), version }, contentChanges: [{ range, text }] });
    return version;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Wait until the latest diagnostics for `path` satisfy `ok` (they arrive asynchronously). */
  async waitForDiagnostics(path: string, ok: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean, timeoutMs = 20_000): Promise<Diagnostic[]> {
    const uri = this.uri(path);
    const started = Date.now();
    for (;;) {
      const p = this.diagnostics.get(uri);
      if (p && ok(p.diagnostics, p)) return p.diagnostics;
      if (Date.now() - started > timeoutMs) {
        throw new Error(`timed out waiting for diagnostics of ${path}; last: ${JSON.stringify(p?.diagnostics.map((d) => `${d.range.start.line + 1}:${d.code}`))}\nserver stderr: ${this.stderr.join('')}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    const code = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => { this.child.kill(); r(null); }, 5000))]);
    this.connection.dispose();
    return code;
  }
}
