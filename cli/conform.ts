/**
 * `spell conform`: runs the conformance scenarios against a real headless Chromium and writes
 * reports/<run-id>/{report.json,report.html,junit.xml}. Thin: parses options, calls
 * harness/runner. Exit codes: 0 all scenarios passed, 1 a scenario failed, 2 usage error
 * (unknown scenario, bad option, invalid config).
 */
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_CPU_LOAD } from '../harness/cpu-load.js';

export interface ConformIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function cpuLoad(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_CPU_LOAD) throw new InvalidArgumentError(`expected a whole number from 0 to ${MAX_CPU_LOAD}`);
  return n;
}

interface ConformOptions {
  scenario: string[];
  cpuLoad?: number;
  duration?: number;
  out?: string;
  config?: string;
  runId?: string;
  list?: boolean;
  browser: string;
}

export function registerConform(program: Command, io: ConformIo): void {
  program
    .command('conform')
    .description('run conformance scenarios against headless Chromium and write reports/<run-id>/')
    .option('-s, --scenario <name>', 'scenario to run (repeatable, or comma separated); default: all', collect, [])
    .option('-d, --duration <seconds>', 'seconds per scenario (over the config and defaults)', seconds)
    .option('-o, --out <dir>', 'parent folder of the run folder', 'reports')
    .option('-c, --config <file>', 'YAML file of per-scenario durations and thresholds')
    .option('--run-id <id>', 'name of the run folder (default: the UTC start time)')
    .option('--list', 'list the available scenarios and exit')
    .option('--cpu-load <n>', 'keep n other processes busy (a busy loop each) for the whole run, as a machine running other work', cpuLoad)
    .option('--browser <name>', 'chromium or firefox (Debian firefox-esr over WebDriver BiDi; scenarios needing H.264 are reported unsupported when it lacks it)', 'chromium')
    .action(async (opts: ConformOptions) => {
      if (opts.browser !== 'chromium' && opts.browser !== 'firefox') {
        io.err(`spell conform: unknown browser '${opts.browser}'; use chromium or firefox\n`);
        io.setExitCode(2);
        return;
      }
      // Loaded here so other commands do not load puppeteer and node-datachannel.
      const { SCENARIOS } = await import('../harness/scenarios/index.js');
      if (opts.list) {
        for (const s of SCENARIOS) {
          io.out(`${s.name}  (default ${s.defaults.duration} s)\n  ${s.description}\n`);
          for (const [k, v] of Object.entries(s.defaults.thresholds)) io.out(`    ${k} = ${v}: ${s.thresholdDocs[k] ?? ''}\n`);
        }
        return;
      }
      const known = SCENARIOS.map((s) => s.name);
      const unknown = opts.scenario.filter((n) => !known.includes(n));
      if (unknown.length) {
        io.err(`spell conform: unknown scenario${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; available: ${known.join(', ')}\n`);
        io.setExitCode(2);
        return;
      }
      if (opts.runId !== undefined && !/^[A-Za-z0-9._-]+$/.test(opts.runId)) {
        io.err('spell conform: --run-id may hold only letters, digits, ".", "_" and "-"\n');
        io.setExitCode(2);
        return;
      }
      const { ConfigError, loadConfig } = await import('../harness/config.js');
      let config;
      if (opts.config !== undefined) {
        if (!existsSync(opts.config)) {
          io.err(`spell conform: no such config file: ${opts.config}\n`);
          io.setExitCode(2);
          return;
        }
        try {
          config = loadConfig(opts.config);
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          io.err(`spell conform: ${e.message}\n`);
          io.setExitCode(2);
          return;
        }
      }
      const { runConformance } = await import('../harness/runner.js');
      const { releaseNative } = await import('../harness/native.js');
      try {
        const result = await runConformance({
          scenarios: opts.scenario,
          duration: opts.duration,
          config,
          configFile: opts.config ?? null,
          outDir: opts.out,
          runId: opts.runId,
          browser: opts.browser,
          cpuLoad: opts.cpuLoad,
          output: { write: io.out, isTTY: Boolean(process.stdout.isTTY), columns: process.stdout.columns },
        });
        io.setExitCode(result.exitCode);
      } finally {
        await releaseNative();
      }
    });
}
