// @ts-check
/**
 * The VS Code side of spells: starts `spell lsp --stdio` from the workspace's installed
 * `spellbook` package (or `spellbook.server.path`) with vscode-languageclient, and provides
 * the `spell check` tasks with the `$spell` problem matcher.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

/** Documents the server checks: `.spell`, `.spell.md`, `.spell.yaml`, Markdown books under spellbook/, the manifest. */
const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'spell' },
  { scheme: 'file', pattern: '**/*.spell.md' },
  { scheme: 'file', pattern: '**/*.spell.{yaml,yml}' },
  { scheme: 'file', language: 'markdown', pattern: '**/spellbook/**/*.md' },
  { scheme: 'file', pattern: '**/spellbook.yaml' },
];

/** The `spell` executable (bin/spell.js) for a workspace folder, if there is one. */
function findServer(folder) {
  const configured = vscode.workspace.getConfiguration('spellbook').get('server.path');
  const candidates = [
    configured ? path.resolve(folder, String(configured)) : undefined,
    path.join(folder, 'node_modules', 'spellbook', 'bin', 'spell.js'),
  ];
  // The spellbook repository itself.
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8'));
    if (pkg.name === 'spellbook') candidates.push(path.join(folder, 'bin', 'spell.js'));
  } catch {
    // no package.json
  }
  return candidates.find((c) => c && fs.existsSync(c));
}

function settings() {
  const c = vscode.workspace.getConfiguration('spellbook');
  return { paths: c.get('paths'), strict: c.get('strict'), results: c.get('results') || undefined, manifest: c.get('manifest') || undefined };
}

async function start() {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!folder) return;
  const server = findServer(folder);
  if (!server) {
    void vscode.window.showWarningMessage('Spellbook: no `spellbook` package in this workspace (npm install spellbook), and spellbook.server.path is not set; spells get highlighting only.');
    return;
  }
  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = { module: server, args: ['lsp'], transport: TransportKind.stdio, options: { cwd: folder } };
  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'spellbook', fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{spell,md,yaml,yml,ts,json}') },
    initializationOptions: settings(),
    outputChannelName: 'Spellbook',
  };
  client = new LanguageClient('spellbook', 'Spellbook (spell lsp)', serverOptions, clientOptions);
  await client.start();
}

/** `spell check` and `spell check --strict` as tasks whose findings land in Problems. */
function spellTask(command) {
  const definition = { type: 'spell', command };
  const task = new vscode.Task(definition, vscode.TaskScope.Workspace, `spell ${command}`, 'spell',
    new vscode.ShellExecution(`npx spell ${command} -f compact`), '$spell');
  task.group = vscode.TaskGroup.Test;
  return task;
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider('spell', {
      provideTasks: () => [spellTask('check'), spellTask('check --strict')],
      resolveTask: (task) => (task.definition.command ? spellTask(task.definition.command) : undefined),
    }),
    vscode.commands.registerCommand('spellbook.restartServer', async () => {
      if (client) await client.stop();
      client = undefined;
      await start();
    }),
  );
  await start();
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate, DOCUMENT_SELECTOR, findServer };
