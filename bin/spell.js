#!/usr/bin/env node
// The `spell` executable: runs the compiled CLI (built by `npm run build`, which
// `npm install` / `npm ci` run through the `prepare` script).
import { main } from '../dist/cli/spell.js';

// A reader that stops early (`spell check | head`) is not a crash: stop quietly, with the
// status a shell gives a process ended by SIGPIPE unless the command already chose one.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 141);
  });
}

process.exitCode = await main(process.argv.slice(2));
