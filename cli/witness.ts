/**
 * `spell witness`: verify a witness log (and its checkpoints), sign and cosign checkpoints,
 * print inclusion and consistency proofs. Argument parsing and printing only; the work is in
 * src/witness. Findings print like `spell check`: `path:line:col  error  message  rule`
 * (human) or ESLint compact; exit 0 intact, 1 damage found, 2 usage or I/O error.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { KeyFileError, toBase64 } from '../src/envelope/index.js';
import {
  MerkleTree,
  WitnessError,
  cosignCheckpoint,
  formatVerifierKey,
  noteSignerFromKeyFile,
  resolveNoteVerifier,
  signCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
  type LogReport,
} from '../src/witness/index.js';
import { collect } from './options.js';

export interface WitnessIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

const wholeNumber = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
};

function readText(file: string): string {
  if (!existsSync(file)) throw new WitnessUsageError(`no such file: ${file}`);
  return readFileSync(file, 'utf8');
}

export class WitnessUsageError extends Error {}

/** Run an action; a usage or I/O problem prints `spell: ...` and exits 2. */
function guarded<A extends unknown[]>(io: WitnessIo, action: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      action(...args);
    } catch (error) {
      if (!(error instanceof WitnessUsageError)) throw error;
      io.err(`spell: ${error.message}\n`);
      io.setExitCode(2);
    }
  };
}

function formatHuman(report: LogReport, log: string): string {
  const lines = report.findings.map((f) => `${f.file}:${f.line}:${f.column}  error  ${f.message}${f.index !== undefined ? ` (index ${f.index})` : ''}  witness/${f.kind}`);
  if (report.ok) {
    lines.push(`✔ ${log}: ${report.size} entries intact, root ${report.root}`);
    for (const c of report.checkpoints) lines.push(`  checkpoint ${c.file}: ${c.origin} size ${c.size} matches${c.signedBy.length ? `, signed by ${c.signedBy.join(', ')}` : ' (signature not checked: no --key)'}`);
  } else {
    lines.push('', `✖ ${report.findings.length} problem${report.findings.length === 1 ? '' : 's'} in ${log} (${report.size} entries)`);
  }
  return lines.join('\n') + '\n';
}

function formatCompact(report: LogReport): string {
  const lines = report.findings.map((f) => `${resolve(f.file)}: line ${f.line}, col ${f.column}, Error - ${f.message}${f.index !== undefined ? ` (index ${f.index})` : ''} (witness/${f.kind})`);
  if (lines.length) lines.push('', `${lines.length} problem${lines.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}

function readKeyOrUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof KeyFileError || error instanceof WitnessError) throw new WitnessUsageError(error.message);
    throw error;
  }
}

const b64 = (hashes: Uint8Array[]) => hashes.map(toBase64);

function treeOf(log: string): MerkleTree {
  const report = verifyLog(readText(log), { file: log });
  if (!report.ok) throw new WitnessUsageError(`${log} does not verify (run spell witness verify ${log})`);
  return report.tree;
}

export function registerWitness(program: Command, io: WitnessIo): void {
  const witness = program.command('witness').description('tamper-evident log of signaling events: verify, checkpoint, cosign, proofs');

  witness
    .command('verify')
    .description('verify a witness log (and checkpoints): exit 0 intact, 1 with every damaged entry named')
    .argument('<log>', 'the JSON-lines log')
    .option('--checkpoint <file>', 'a signed checkpoint already seen (repeatable)', collect)
    .option('--key <key>', 'a key the checkpoint must be signed by: name+id+key, ed25519:..., or a key file (repeatable)', collect)
    .option('--name <name>', 'key name for an --key without one (default: its agent id)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['human', 'compact', 'json']).default('human'))
    .action(guarded(io, (log: string, opts: { checkpoint?: string[]; key?: string[]; name?: string; format: string }) => {
      const text = readText(log);
      const checkpoints = (opts.checkpoint ?? []).map((file) => ({ file, text: readText(file) }));
      const keys = readKeyOrUsage(() => (opts.key ?? []).map((k) => resolveNoteVerifier(k, opts.name)));
      const report = verifyLog(text, { file: log, checkpoints, keys });
      if (opts.format === 'json') {
        const { tree: _tree, entries: _entries, ...rest } = report;
        io.out(JSON.stringify(rest, null, 2) + '\n');
      } else {
        io.out(opts.format === 'compact' ? formatCompact(report) : formatHuman(report, log));
      }
      io.setExitCode(report.ok ? 0 : 1);
    }));

  witness
    .command('checkpoint')
    .description('sign a checkpoint (C2SP signed note) of the log as it is now')
    .argument('<log>', 'the JSON-lines log')
    .requiredOption('--key <keyfile>', 'signing key file (spell mesh keygen)')
    .requiredOption('--origin <origin>', 'the log origin line, e.g. example.com/witness/room')
    .option('--name <name>', 'key name (default: the agent id)')
    .option('-o, --output <file>', 'write the checkpoint here instead of standard output')
    .action(guarded(io, (log: string, opts: { key: string; origin: string; name?: string; output?: string }) => {
      const tree = treeOf(log);
      const signer = readKeyOrUsage(() => noteSignerFromKeyFile(opts.key, opts.name));
      const note = readKeyOrUsage(() => signCheckpoint({ origin: opts.origin, size: tree.size, rootHash: tree.root(), extensions: [] }, signer));
      if (opts.output) writeFileSync(opts.output, note);
      else io.out(note);
    }));

  witness
    .command('cosign')
    .description('add a signature by another key to a checkpoint')
    .argument('<checkpoint>', 'the signed checkpoint')
    .requiredOption('--key <keyfile>', 'cosigning key file')
    .option('--name <name>', 'key name (default: the agent id)')
    .option('-o, --output <file>', 'write the cosigned checkpoint here instead of standard output')
    .action(guarded(io, (file: string, opts: { key: string; name?: string; output?: string }) => {
      const signer = readKeyOrUsage(() => noteSignerFromKeyFile(opts.key, opts.name));
      const note = readKeyOrUsage(() => cosignCheckpoint(readText(file), signer));
      if (opts.output) writeFileSync(opts.output, note);
      else io.out(note);
    }));

  witness
    .command('vkey')
    .description('print the note verifier key (name+id+key) of a key file or public key')
    .argument('<key>', 'key file or ed25519:<base64>')
    .option('--name <name>', 'key name (default: the agent id)')
    .action(guarded(io, (key: string, opts: { name?: string }) => {
      io.out(formatVerifierKey(readKeyOrUsage(() => resolveNoteVerifier(key, opts.name))) + '\n');
    }));

  const proof = witness.command('proof').description('RFC 9162 inclusion and consistency proofs, as JSON, verified before printing');
  proof
    .command('inclusion')
    .argument('<log>', 'the JSON-lines log')
    .requiredOption('--index <n>', 'entry index', wholeNumber)
    .option('--size <n>', 'tree size (default: the whole log)', wholeNumber)
    .action(guarded(io, (log: string, opts: { index: number; size?: number }) => {
      const tree = treeOf(log);
      const size = opts.size ?? tree.size;
      if (size > tree.size || opts.index >= size) throw new WitnessUsageError(`index ${opts.index} is not in a tree of size ${size} (the log has ${tree.size})`);
      const path = tree.inclusionProof(opts.index, size);
      const ok = verifyInclusion(tree.leafHashAt(opts.index), opts.index, size, path, tree.root(size));
      io.out(JSON.stringify({ index: opts.index, size, leafHash: toBase64(tree.leafHashAt(opts.index)), root: toBase64(tree.root(size)), proof: b64(path), verified: ok }, null, 2) + '\n');
      io.setExitCode(ok ? 0 : 1);
    }));
  proof
    .command('consistency')
    .argument('<log>', 'the JSON-lines log')
    .requiredOption('--from <n>', 'older tree size', wholeNumber)
    .option('--to <n>', 'newer tree size (default: the whole log)', wholeNumber)
    .action(guarded(io, (log: string, opts: { from: number; to?: number }) => {
      const tree = treeOf(log);
      const to = opts.to ?? tree.size;
      if (to > tree.size || opts.from > to) throw new WitnessUsageError(`sizes ${opts.from}..${to} do not fit a log of ${tree.size}`);
      const path = tree.consistencyProof(opts.from, to);
      const ok = verifyConsistency(opts.from, to, tree.root(opts.from), tree.root(to), path);
      io.out(JSON.stringify({ from: opts.from, to, fromRoot: toBase64(tree.root(opts.from)), toRoot: toBase64(tree.root(to)), proof: b64(path), verified: ok }, null, 2) + '\n');
      io.setExitCode(ok ? 0 : 1);
    }));
}
