/**
 * `spell lsp [--stdio]`: the spell language server on stdin/stdout (editors' clients pass
 * `--stdio`; it is also the default and only transport). Runs until the client exits.
 */
import type { Command } from 'commander';
import { runStdioServer } from '../src/lsp/index.js';

export function registerLsp(program: Command): void {
  program
    .command('lsp')
    .description('run the spell language server (LSP over stdio) for editors')
    .option('--stdio', 'talk LSP over stdin/stdout (the default)')
    .action(async () => {
      await runStdioServer({ chdirToRoot: true });
    });
}
