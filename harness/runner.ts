/**
 * Runs conformance scenarios one after another, each with its own headless Chromium, and
 * writes `<out>/<run-id>/report.json` (validated against conformance-report.schema.json
 * first), `report.html` and `junit.xml`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { launchChromium, type ChromiumSession } from './chromium.js';
import { launchFirefox, receivableVideoCodecs } from './firefox.js';
import type { ConformanceConfig } from './config.js';
import { DEFAULT_REPORTS_DIR, MESSAGES } from './constants.js';
import { renderJunit } from './junit.js';
import { ProgressDisplay, type ProgressOutput } from './progress.js';
import { type CpuLoadRecord, startCpuLoad } from './cpu-load.js';
import { renderHtml } from './report-html.js';
import { loadSchema } from './schemas.js';
import { SCENARIOS, scenarioNames } from './scenarios/index.js';
import type { BrowserName, Check, ConformanceReport, Sample, Scenario, ScenarioContext, ScenarioReport, SeriesInfo } from './types.js';

export interface RunOptions {
  /** Scenario names, in run order; all available ones when empty. */
  scenarios?: string[];
  /** Seconds for every scenario, over the config and defaults (--duration). */
  duration?: number;
  config?: ConformanceConfig;
  /** The config file's path, recorded in the report. */
  configFile?: string | null;
  /** Parent folder of the run folder (default `reports`). */
  outDir?: string;
  /** Folder name of this run (default: the UTC start time). */
  runId?: string;
  /** Where progress and the summary go (default: standard output). */
  output?: ProgressOutput;
  /** The scenario table (tests may pass their own); default SCENARIOS. */
  registry?: readonly Scenario[];
  /** The browser the scenarios run in (default chromium). */
  browser?: BrowserName;
  /** Busy processes kept running beside the scenarios (`--cpu-load`; default 0). */
  cpuLoad?: number;
}

export interface RunResult {
  report: ConformanceReport;
  /** The run folder holding the three files. */
  dir: string;
  /** 0 when every scenario passed, 1 otherwise. */
  exitCode: 0 | 1;
}

/** An unknown scenario name (the CLI exits 2 with the list). */
export class UnknownScenarioError extends Error {
  override readonly name = 'UnknownScenarioError';
  constructor(readonly scenario: string, readonly known: string[]) {
    super(MESSAGES.unknownScenario(scenario, known));
  }
}

export function defaultRunId(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Resolves names to scenarios, checking each exists, in the order given. */
export function selectScenarios(names: readonly string[] | undefined, registry: readonly Scenario[] = SCENARIOS): Scenario[] {
  if (!names || names.length === 0) return [...registry];
  const known = registry.map((s) => s.name);
  return names.map((n) => {
    const s = registry.find((x) => x.name === n);
    if (!s) throw new UnknownScenarioError(n, known);
    return s;
  });
}

/** Duration and thresholds of one scenario: defaults, then the config, then --duration. */
export function settingsFor(s: Scenario, config: ConformanceConfig | undefined, duration: number | undefined): { duration: number; thresholds: Record<string, number> } {
  const own = config?.scenarios?.[s.name];
  return {
    duration: duration ?? own?.duration ?? config?.duration ?? s.defaults.duration,
    thresholds: { ...s.defaults.thresholds, ...(own?.thresholds ?? {}) },
  };
}

let reportValidator: ReturnType<Ajv['compile']> | undefined;
/** Schema errors of a report as one line each (empty when it is valid). */
export function validateReport(report: unknown): string[] {
  reportValidator ??= new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(loadSchema('conformance-report.schema.json'));
  if (reportValidator(report)) return [];
  return (reportValidator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}

function stdoutOutput(): ProgressOutput {
  return {
    write: (t) => void process.stdout.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    get columns() {
      return process.stdout.columns;
    },
  };
}

/** Files scenarios hand to the run (ScenarioContext.artifact), keyed `<scenario>/<name>`; written beside report.json. */
const artifacts = new Map<string, string>();

/** Why `session`'s browser cannot run scenario `s`, read from the browser; undefined when it can. */
async function missingFeature(s: Scenario, session: ChromiumSession): Promise<string | undefined> {
  if (!s.requires?.includes('h264')) return undefined;
  const codecs = await receivableVideoCodecs(session);
  if (codecs.some((c) => /^h264$/i.test(c))) return undefined;
  return `${session.version}: RTCRtpReceiver and RTCRtpSender.getCapabilities('video') both list ${codecs.join(', ') || 'no codec'} and no H.264, which this scenario needs`;
}

async function runOne(s: Scenario, settings: { duration: number; thresholds: Record<string, number> }, progress: ProgressDisplay, env: { chromium: string | null; chromiumPath: string | null; browser: BrowserName }): Promise<ScenarioReport> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const samples: Sample[] = [];
  const series = new Map<string, SeriesInfo>();
  const notes: string[] = [];
  const deferred: (() => unknown)[] = [];
  let session: Promise<ChromiumSession> | undefined;
  const ctx: ScenarioContext = {
    duration: settings.duration,
    thresholds: settings.thresholds,
    chromium() {
      session ??= (env.browser === 'firefox' ? launchFirefox() : launchChromium()).then((c) => {
        env.chromium = c.version;
        env.chromiumPath = c.location.path;
        return c;
      });
      return session;
    },
    progress: (phase, figures = {}) => progress.update(s.name, elapsed(), settings.duration, phase, figures),
    series: (metric, unit, label = metric) => void series.set(metric, { metric, unit, label }),
    sample: (metric, value) => {
      if (Number.isFinite(value)) samples.push({ t: Math.round(elapsed() * 1000) / 1000, metric, value: Math.round(value * 1000) / 1000 });
    },
    note: (text) => void notes.push(text),
    elapsed,
    defer: (fn) => void deferred.push(fn),
    artifact: (name, text) => {
      if (!/^[\w.-]{1,100}$/.test(name)) throw new Error(`artifact name ${JSON.stringify(name)}: letters, digits, . _ - only`);
      artifacts.set(`${s.name}/${name}`, text);
    },
  };
  let checks: Check[] = [];
  let error: string | undefined;
  let unsupported: string | undefined;
  progress.update(s.name, 0, settings.duration, 'starting', {}, true);
  try {
    if (s.requires?.length) unsupported = await missingFeature(s, await ctx.chromium());
    if (unsupported) notes.push(`unsupported in ${unsupported}`);
    else checks = await s.run(ctx);
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  } finally {
    for (const fn of deferred.reverse()) {
      try {
        await fn();
      } catch (e) {
        notes.push(`cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (session) await session.then((c) => c.close(), () => undefined);
  }
  const status = error !== undefined ? 'error' : unsupported !== undefined ? 'unsupported' : checks.length > 0 && checks.every((c) => c.pass) ? 'pass' : 'fail';
  if (!error && !unsupported && checks.length === 0) notes.push('the scenario returned no checks, so it cannot pass');
  const report: ScenarioReport = {
    name: s.name,
    description: s.description,
    status,
    duration: settings.duration,
    elapsed: Math.round(elapsed() * 1000) / 1000,
    thresholds: settings.thresholds,
    checks,
    series: [...series.values()],
    samples,
    notes,
    ...(error !== undefined ? { error } : {}),
  };
  const failed = checks.filter((c) => !c.pass).map((c) => c.name);
  progress.done(`${status.toUpperCase().padEnd(5)} ${s.name} (${report.elapsed.toFixed(1)} s)${error ? `: ${error}` : unsupported ? `: ${unsupported}` : failed.length ? `: failed ${failed.join(', ')}` : ''}`);
  return report;
}

/** The console summary printed after the run. */
export function summaryText(report: ConformanceReport, dir: string): string {
  const lines: string[] = [''];
  for (const s of report.scenarios) {
    lines.push(`${s.name}: ${s.status.toUpperCase()}`);
    for (const c of s.checks) lines.push(`  ${c.pass ? 'ok  ' : 'FAIL'} ${c.name}: ${String(c.value)}${c.unit ? ` ${c.unit}` : ''} (${c.threshold})`);
    if (s.error) lines.push(`  error: ${s.error}`);
    if (s.status === 'unsupported') for (const n of s.notes) lines.push(`  ${n}`);
  }
  const load = report.environment.cpuLoad;
  if (load) lines.push('', `background load: ${load.processes} busy process${load.processes > 1 ? 'es' : ''}, ${load.cpuSeconds ?? '?'} CPU s over ${load.wallSeconds} s`);
  const passed = report.scenarios.filter((s) => s.status === 'pass').length;
  const unsupported = report.scenarios.filter((s) => s.status === 'unsupported').length;
  lines.push('', `${passed}/${report.scenarios.length} scenarios passed${unsupported ? `, ${unsupported} unsupported by the browser` : ''}; reports in ${dir}/ (report.json, report.html, junit.xml)`, '');
  return lines.join('\n');
}

export async function runConformance(options: RunOptions = {}): Promise<RunResult> {
  const registry = options.registry ?? SCENARIOS;
  const scenarios = selectScenarios(options.scenarios, registry);
  const output = options.output ?? stdoutOutput();
  const progress = new ProgressDisplay(output);
  const startedAt = new Date();
  const runId = options.runId ?? defaultRunId(startedAt);
  const env = { chromium: null as string | null, chromiumPath: null as string | null, browser: options.browser ?? ('chromium' as BrowserName) };
  const results: ScenarioReport[] = [];
  const load = startCpuLoad(options.cpuLoad ?? 0);
  let cpuLoad: CpuLoadRecord;
  try {
    for (const s of scenarios) results.push(await runOne(s, settingsFor(s, options.config, options.duration), progress, env));
  } finally {
    cpuLoad = await load.stop();
  }
  const report: ConformanceReport = {
    schemaVersion: 1,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    passed: results.some((r) => r.status === 'pass') && results.every((r) => r.status === 'pass' || r.status === 'unsupported'),
    environment: { node: process.versions.node, platform: process.platform, arch: process.arch, ...env, ...(cpuLoad.processes ? { cpuLoad } : {}) },
    config: options.configFile ?? null,
    scenarios: results,
  };
  const errors = validateReport(report);
  if (errors.length) throw new Error(MESSAGES.reportInvalid(errors.join('; ')));
  const dir = join(options.outDir ?? DEFAULT_REPORTS_DIR, runId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
  writeFileSync(join(dir, 'junit.xml'), renderJunit(report));
  for (const [name, text] of artifacts) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  artifacts.clear();
  output.write(summaryText(report, dir));
  return { report, dir, exitCode: report.passed ? 0 : 1 };
}

export { scenarioNames };
