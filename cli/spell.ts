/**
 * The `spell` command line: parses arguments, calls `src/spells`, prints. No logic here.
 * Exit codes: 0 clean, 1 findings at error level (warnings too under --strict or over
 * --max-warnings), 2 usage or I/O error.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  BindError, DEFAULT_SPELLBOOK_DIR, FormatError, REPORT_FORMATS, SPELL_NAME_PATTERN, Validator, bindInvocation, collectSpellFiles,
  exitCodeFor, findManifest, formatReport, formatSpellSource, indexSpells, loadSpellbook, newSpellText, renderGraph,
  addManifestEntry, assumeFilesUnchanging, sealOf, writeSeal, analyzeDependencies, renderCodeGraph, type CheckReport, type ReportFormat,
} from '../src/spells/index.js';

class UsageError extends Error {}

/** What every command module's register function is given (each takes the part it uses). */
interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
  isTty: boolean;
}

interface CommandModule {
  register: (program: Command, io: CommandIo) => void;
  /** The module's usage error class: reported as `spell: <message>`, exit 2. */
  usageError?: new (...args: never[]) => Error;
}

/**
 * Commands that live in their own modules, loaded only when named (or for help and unknown
 * words): importing all of them (browsers, WebRTC, registries) took 300 ms of every run.
 * Help lists them in this order.
 */
const COMMAND_MODULES: { names: string[]; load: () => Promise<CommandModule> }[] = [
  { names: ['encode'], load: async () => { const m = await import('./encode.js'); return { register: m.registerEncode, usageError: m.EncodeUsageError }; } },
  { names: ['conform'], load: async () => ({ register: (await import('./conform.js')).registerConform }) },
  { names: ['book'], load: async () => { const m = await import('./book.js'); return { register: m.registerBook, usageError: m.BookUsageError }; } },
  { names: ['lsp'], load: async () => ({ register: (await import('./lsp.js')).registerLsp }) },
  { names: ['signal'], load: async () => ({ register: (await import('./signal.js')).registerSignal }) },
  { names: ['mesh'], load: async () => ({ register: (await import('./mesh.js')).registerMesh }) },
  { names: ['witness'], load: async () => ({ register: (await import('./witness.js')).registerWitness }) },
  { names: ['run'], load: async () => ({ register: (await import('./run.js')).registerRun }) },
  { names: ['serve'], load: async () => ({ register: (await import('./serve.js')).registerServe }) },
  { names: ['stream'], load: async () => ({ register: (await import('./stream.js')).registerStream }) },
  { names: ['pack', 'verify'], load: async () => ({ register: (await import('./pack.js')).registerPack }) },
  { names: ['push', 'pull'], load: async () => ({ register: (await import('./registry.js')).registerRegistry }) },
];

/** Commands defined in this file: naming one loads no command module. */
const CORE_COMMANDS = new Set(['check', 'list', 'show', 'graph', 'new', 'fmt', 'seal', 'bind']);

/** The command modules a command line needs: the one it names, none for a core command, else all. */
function modulesFor(argv: string[]): typeof COMMAND_MODULES {
  const word = argv.find((a) => !a.startsWith('-'));
  if (word !== undefined && CORE_COMMANDS.has(word)) return [];
  if (word === undefined && argv.some((a) => a === '-V' || a === '--version')) return [];
  const named = COMMAND_MODULES.filter((m) => word !== undefined && m.names.includes(word));
  return named.length > 0 ? named : COMMAND_MODULES;
}

function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    const path = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path)) return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}

function useColor(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

function requireExisting(paths: string[]): string[] {
  const list = paths.length ? paths : [DEFAULT_SPELLBOOK_DIR];
  for (const p of list) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  return list;
}

function rel(file: string): string {
  return relative(process.cwd(), file) || file;
}

export async function main(argv: string[]): Promise<number> {
  const out = (text: string) => process.stdout.write(text);
  const err = (text: string) => process.stderr.write(text);
  let exitCode = 0;
  const version = packageVersion();

  const program = new Command('spell')
    .description('Check, seal and format spells (Sorcery glyph notation) against the code that implements them.')
    .version(version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });

  program
    .command('check')
    .description('validate spells: seal rules, dependency graph, mapping to code and tests')
    .argument('[paths...]', 'spell files or folders', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('human'))
    .option('--strict', 'hold drafts to sealed standards; warnings fail the check')
    .option('-q, --quiet', 'report errors only')
    .option('--max-warnings <n>', 'fail when there are more warnings than this', wholeNumber)
    .option('--results <file>', 'vitest JSON report: bound tests must have passed in it')
    .option('--manifest <file>', 'spellbook manifest to use (default: spellbook.yaml near the paths)')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .action((paths: string[], opts: { format: ReportFormat; strict?: boolean; quiet?: boolean; maxWarnings?: number; results?: string; manifest?: string; output?: string }) => {
      assumeFilesUnchanging(); // one run, then exit: each path is looked at once
      const list = requireExisting(paths);
      if (opts.results && !existsSync(opts.results)) throw new UsageError(`no such results file: ${opts.results}`);
      if (opts.manifest && !existsSync(opts.manifest)) throw new UsageError(`no such manifest: ${opts.manifest}`);
      let report: CheckReport;
      try {
        report = new Validator({ paths: list, strict: opts.strict, results: opts.results, manifest: opts.manifest }).run();
      } catch (error) {
        if (error instanceof Error && error.name === 'VitestResultsError') throw new UsageError(error.message);
        throw error;
      }
      const text = formatReport(report, opts.format, { color: !opts.output && useColor(), quiet: opts.quiet, toolVersion: version });
      if (opts.output) {
        mkdirSync(dirname(opts.output), { recursive: true });
        writeFileSync(opts.output, text);
        err(`spell: ${report.errorCount} errors, ${report.warningCount} warnings; report written to ${opts.output}\n`);
      } else out(text);
      exitCode = report.diagnostics.some((d) => d.rule === 'file/unreadable') ? 2 : exitCodeFor(report, { strict: opts.strict, maxWarnings: opts.maxWarnings });
    });

  program
    .command('list')
    .description('list spells with their file, seal state and module')
    .argument('[paths...]', 'spell files or folders', [])
    .option('--json', 'print JSON')
    .action((paths: string[], opts: { json?: boolean }) => {
      const report = new Validator({ paths: requireExisting(paths) }).run();
      if (opts.json) { out(JSON.stringify(report.spells.map((s) => ({ ...s, file: rel(s.file) })), null, 2) + '\n'); return; }
      const width = Math.max(4, ...report.spells.map((s) => s.name.length));
      for (const s of report.spells) out(`${s.name.padEnd(width)}  ${(s.sealed ? 'sealed' : 'draft').padEnd(6)}  ${`${rel(s.file)}:${s.line}`}${s.module ? `  -> ${s.module}` : ''}\n`);
      out(`${report.spells.length} spells (${report.spells.filter((s) => s.sealed).length} sealed)\n`);
    });

  program
    .command('show')
    .description('print one spell as written, with its seal state and findings')
    .argument('<spell>', 'spell name')
    .argument('[paths...]', 'spell files or folders', [])
    .action((name: string, paths: string[]) => {
      const list = requireExisting(paths);
      const book = loadSpellbook(list);
      const spell = book.spells.find((s) => s.name === name);
      if (!spell) throw new UsageError(`no spell named '${name}' in ${list.join(', ')}`);
      const entry = book.manifest?.entries.get(name);
      const lines = readFileSync(spell.location.file, 'utf8').split(/\r\n|\r|\n/).slice(spell.location.line - 1, spell.endLine);
      out(`${rel(spell.location.file)}:${spell.location.line}-${spell.endLine}\n`);
      out(`module: ${entry?.modules.join(', ') || '(none)'}\nseal:   ${entry?.seal ? (entry.seal === sealOf(spell) ? 'sealed' : 'STALE (edited since sealing)') : 'draft'}\n\n`);
      out(lines.join('\n') + '\n');
      const report = new Validator({ paths: list }).run(book);
      const own = report.diagnostics.filter((d) => d.spell === name);
      if (own.length) out('\n' + own.map((d) => `${rel(d.location.file)}:${d.location.line}:${d.location.column}  ${d.severity}  ${d.message}  ${d.rule}`).join('\n') + '\n');
    });

  program
    .command('graph')
    .description('print the dependency graph')
    .argument('[paths...]', 'spell files or folders', [])
    .addOption(new Option('--format <format>', 'graph language').choices(['mermaid', 'dot']).default('mermaid'))
    .option('--code', "draw the modules' imports next to the declared edges, drift highlighted")
    .action((paths: string[], opts: { format: 'mermaid' | 'dot'; code?: boolean }) => {
      assumeFilesUnchanging();
      const book = loadSpellbook(requireExisting(paths));
      const index = indexSpells(book.spells, []);
      const sealed = new Set([...index.spells.values()].filter((s) => { const e = book.manifest?.entries.get(s.name); return e?.seal === sealOf(s); }).map((s) => s.name));
      if (!opts.code) { out(renderGraph(index, opts.format, sealed)); return; }
      if (!book.manifest) throw new UsageError('--code needs a spellbook.yaml manifest mapping spells to modules');
      out(renderCodeGraph(index, analyzeDependencies(index, book.manifest), opts.format, sealed));
    });

  program
    .command('new')
    .description('create a draft spell file (and its manifest entry when --module is given)')
    .argument('<name>', 'spell name, e.g. WebRTCRealSDP')
    .option('--dir <folder>', 'where to write it', DEFAULT_SPELLBOOK_DIR)
    .option('--module <path>', 'module implementing it, recorded in the manifest (e.g. src/sdp)')
    .action((name: string, opts: { dir: string; module?: string }) => {
      if (!SPELL_NAME_PATTERN.test(name)) throw new UsageError(`'${name}' is not a spell name (letters, digits, _ . -; starting with a letter)`);
      const file = join(opts.dir, `${name}.spell`);
      if (existsSync(file)) throw new UsageError(`${file} already exists`);
      mkdirSync(opts.dir, { recursive: true });
      writeFileSync(file, newSpellText(name));
      out(`created ${file}\n`);
      if (opts.module) {
        const manifest = findManifest([opts.dir]) ?? join(opts.dir, 'spellbook.yaml');
        addManifestEntry(manifest, name, opts.module);
        out(`mapped ${name} -> ${opts.module} in ${manifest}\n`);
      }
    });

  program
    .command('fmt')
    .description('rewrite spell files in canonical layout (or, with --check, list those that are not)')
    .argument('[paths...]', 'spell files or folders', [])
    .option('--check', 'change nothing; exit 1 if any file is not formatted')
    .action((paths: string[], opts: { check?: boolean }) => {
      const { files } = collectSpellFiles(requireExisting(paths));
      let changed = 0;
      let refused = 0;
      for (const file of files) {
        const before = readFileSync(file, 'utf8');
        let after: string;
        try {
          after = formatSpellSource(file, before);
        } catch (error) {
          if (!(error instanceof FormatError)) throw error;
          const d = error.diagnostic;
          err(`${rel(file)}:${d.location.line}:${d.location.column}: cannot format until this is fixed: ${d.message} (${d.rule})\n`);
          refused++;
          continue;
        }
        if (after === before) continue;
        changed++;
        if (opts.check) out(`${rel(file)}: not formatted\n`);
        else { writeFileSync(file, after); out(`formatted ${rel(file)}\n`); }
      }
      if (opts.check && changed) { err(`${changed} file${changed === 1 ? '' : 's'} not formatted; run 'spell fmt'\n`); exitCode = 1; }
      else if (!changed && !refused) out(`${files.length} file${files.length === 1 ? '' : 's'} already formatted\n`);
      if (refused) exitCode = 1;
    });

  program
    .command('seal')
    .description('seal spells: record the hash of their normalized content in the manifest')
    .argument('<spells...>', 'spell names')
    .option('--paths <paths...>', 'spell files or folders', [DEFAULT_SPELLBOOK_DIR])
    .option('--results <file>', 'vitest JSON report the bound tests must have passed in')
    .action((names: string[], opts: { paths: string[]; results?: string }) => {
      const list = requireExisting(opts.paths);
      const book = loadSpellbook(list);
      if (!book.manifest) throw new UsageError(`no spellbook.yaml manifest found near ${list.join(', ')}; seals are recorded there`);
      // A spell is sealed only when it passes every rule as if it were already sealed.
      const report = new Validator({ paths: list, strict: true, results: opts.results }).run(book);
      for (const name of names) {
        const spell = book.spells.find((s) => s.name === name);
        if (!spell) throw new UsageError(`no spell named '${name}'`);
        const blocking = report.diagnostics.filter((d) => d.spell === name && d.severity === 'error' && d.rule !== 'seal/stale');
        const blockingWarnings = report.diagnostics.filter((d) => d.spell === name && d.rule !== 'seal/draft' && d.rule !== 'seal/stale' && d.severity === 'warning' && !d.rule.startsWith('map/contract-drift'));
        if (blocking.length || blockingWarnings.length) {
          err(`cannot seal ${name}:\n` + [...blocking, ...blockingWarnings].map((d) => `  ${rel(d.location.file)}:${d.location.line}:${d.location.column}  ${d.message}  ${d.rule}`).join('\n') + '\n');
          exitCode = 1;
          continue;
        }
        const seal = sealOf(spell);
        writeSeal(book.manifest.path, name, seal);
        out(`sealed ${name} ${seal.slice(0, 19)}… in ${rel(book.manifest.path)}\n`);
      }
    });

  program
    .command('bind')
    .description('check that an expanded invocation keeps every line of its spell')
    .argument('<spellFile>', 'the spell file')
    .argument('<invocationFile>', 'the expanded invocation')
    .option('--deny-extra', 'also fail on glyph lines the spell does not have')
    .option('--spell <name>', 'which spell, when the file holds several')
    .action((spellFile: string, invocationFile: string, opts: { denyExtra?: boolean; spell?: string }) => {
      for (const f of [spellFile, invocationFile]) if (!existsSync(f)) throw new UsageError(`no such file: ${f}`);
      const result = bindInvocation(spellFile, readFileSync(spellFile, 'utf8'), invocationFile, readFileSync(invocationFile, 'utf8'), opts);
      out(`${result.bound ? 'BOUND' : 'NOT BOUND'}: ${result.spell} in ${invocationFile}\n`);
      for (const m of result.missing) out(`  missing ${rel(spellFile)}:${m.line}: ${m.text}\n`);
      if (opts.denyExtra) for (const x of result.extra) out(`  extra   ${rel(invocationFile)}:${x.line}: ${x.text}\n`);
      exitCode = result.bound ? 0 : 1;
    });

  const io: CommandIo = { out, err, setExitCode: (code) => { exitCode = code; }, isTty: Boolean(process.stderr.isTTY) };
  const usageErrors: (new (...args: never[]) => Error)[] = [UsageError, BindError];
  for (const loaded of await Promise.all(modulesFor(argv).map((m) => m.load()))) {
    loaded.register(program, io);
    if (loaded.usageError) usageErrors.push(loaded.usageError);
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof Error && usageErrors.some((type) => error instanceof type)) { err(`spell: ${error.message}\n`); return 2; }
    if (error instanceof Error && 'code' in error && typeof (error as NodeJS.ErrnoException).code === 'string') {
      err(`spell: ${error.message}\n`);
      return 2;
    }
    err(`spell: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}
