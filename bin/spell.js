#!/usr/bin/env node
// The `spell` executable: runs the compiled CLI (built by `npm run build`, which
// `npm install` / `npm ci` run through the `prepare` script).
import { main } from '../dist/cli/spell.js';

process.exitCode = await main(process.argv.slice(2));
