/**
 * The runner end to end: both real scenarios against real headless Chromium at short
 * durations, and the runner's own handling of failing and throwing scenarios.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from './chromium.js';
import { parseConfig } from './config.js';
import { atLeast } from './checks.js';
import { seriesOf } from './report-html.js';
import { releaseNative } from './native.js';
import { runConformance, validateReport } from './runner.js';
import type { ConformanceReport, Scenario } from './types.js';

const out = mkdtempSync(join(tmpdir(), 'conform-test-'));
const written: string[] = [];
const quiet = { write: (t: string) => void written.push(t), isTTY: false };

function hasChromium(): boolean {
  try {
    findChromium();
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await releaseNative();
});

/**
 * XML 1.0 well-formedness for what junit.xml uses: one root, balanced and properly nested
 * elements, quoted attributes, only predefined or numeric entity references, no bare `<`.
 */
export function checkWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const token = /<[^>]*>|[^<]+/g;
  for (const m of body.matchAll(token)) {
    const t = m[0];
    if (!t.startsWith('<')) {
      if (stack.length === 0 && t.trim()) throw new Error(`text outside the root: ${t.slice(0, 20)}`);
      const bad = t.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, '');
      if (bad.includes('&') || bad.includes('>')) throw new Error(`bad character data: ${t.slice(0, 40)}`);
      continue;
    }
    const close = /^<\/([A-Za-z_][\w.-]*)\s*>$/.exec(t);
    if (close) {
      if (stack.pop() !== close[1]) throw new Error(`mismatched </${close[1]}>`);
      continue;
    }
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>$/.exec(t);
    if (!open) throw new Error(`malformed tag: ${t.slice(0, 60)}`);
    for (const a of open[2]!.matchAll(/="([^"]*)"/g)) {
      if (a[1]!.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, '').includes('&')) throw new Error(`bad attribute value: ${a[1]}`);
    }
    if (stack.length === 0) roots++;
    if (!open[3]) stack.push(open[1]!);
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

describe.skipIf(!hasChromium())('conformance runner against Chromium', () => {
  it('runs datachannel and reverse for 3 s each and writes a valid report.json, a chart per series in report.html and well-formed junit.xml', async () => {
    // Loose performance thresholds: this test is about the pipeline, not this machine's speed.
    const config = parseConfig('scenarios:\n  datachannel:\n    thresholds:\n      minThroughputMBps: 0.5\n      maxRttP50Ms: 50\n      maxRttP95Ms: 200\n');
    const result = await runConformance({ scenarios: ['datachannel', 'reverse'], duration: 3, config, configFile: 'conform.yaml', outDir: out, runId: 'e2e', output: quiet });
    const report = JSON.parse(readFileSync(join(result.dir, 'report.json'), 'utf8')) as ConformanceReport;
    expect(validateReport(report)).toEqual([]);
    const failed = (s: ConformanceReport['scenarios'][number]) => s.error ?? s.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${String(c.value)} ${c.detail ?? ''}`).join('; ');
    expect(report.scenarios.map((s) => [s.name, s.status, failed(s)])).toEqual([['datachannel', 'pass', ''], ['reverse', 'pass', '']]);
    expect(result.exitCode).toBe(0);
    expect(report.environment.chromium).toMatch(/Chrom/);

    const dc = report.scenarios[0]!;
    const check = (name: string) => dc.checks.find((c) => c.name === name)!;
    expect(check('throughput Node to Chromium').value as number).toBeGreaterThan(0);
    expect(check('maximum-size message round-trips').detail).toMatch(/^\d+ bytes/);
    expect(dc.thresholds.maxRttP95Ms).toBe(200);
    expect(check('round trip p95').threshold).toBe('<= 200');
    expect(report.config).toBe('conform.yaml');
    expect(dc.samples.some((s) => s.metric === 'throughput')).toBe(true);
    expect(dc.samples.some((s) => s.metric === 'rtt_p50')).toBe(true);
    const rev = report.scenarios[1]!;
    expect(rev.checks.find((c) => c.name === 'SPS picture size')!.value).toBe('1280x720');
    expect(rev.samples.some((s) => s.metric === 'fps')).toBe(true);

    const html = readFileSync(join(result.dir, 'report.html'), 'utf8');
    const charts = report.scenarios.reduce((n, s) => n + seriesOf(s).length, 0);
    expect(charts).toBeGreaterThanOrEqual(5);
    expect(html.match(/<svg[\s>]/g)?.length).toBe(charts);
    for (const s of report.scenarios) for (const { info } of seriesOf(s)) expect(html).toContain(`aria-label="${info.label.replace(/'/g, '&#39;')}`);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<script|<link|src=/i);

    const junit = readFileSync(join(result.dir, 'junit.xml'), 'utf8');
    checkWellFormed(junit);
    const checks = report.scenarios.reduce((n, s) => n + s.checks.length, 0);
    expect(junit.match(/<testcase /g)?.length).toBe(checks);
    expect(junit).not.toContain('<failure');
    expect(written.join('')).toContain('2/2 scenarios passed');
  }, 60_000);

  it('runs video-720p30 (at 640x360, loose thresholds) with its Chrome-to-Chrome anchor after the window: both latencies and their ratio in the closing note, the anchor series in the report', async () => {
    // The thresholds are loose on purpose: this test is about the anchor being measured and
    // reported, not about this machine's frame rate.
    const config = parseConfig([
      'scenarios:',
      '  video-720p30:',
      '    thresholds:',
      '      width: 640',
      '      height: 360',
      '      bitrateBps: 800000',
      '      warmupSeconds: 1',
      '      minMedianFps: 0',
      '      maxDroppedRatio: 1',
      '      maxFreezes: 1000',
      '      maxPacketsLost: 100000',
      '      maxLatencyP95Ms: 100000',
      '      maxUnreadableRatio: 1',
      '',
    ].join('\n'));
    const result = await runConformance({ scenarios: ['video-720p30'], duration: 5, config, outDir: out, runId: 'anchor', output: quiet });
    const report = JSON.parse(readFileSync(join(result.dir, 'report.json'), 'utf8')) as ConformanceReport;
    expect(validateReport(report)).toEqual([]);
    const video = report.scenarios[0]!;
    expect([video.name, video.error ?? '']).toEqual(['video-720p30', '']);
    // Information, not a check: no check is about the anchor.
    expect(video.checks.map((c) => c.name).filter((n) => /anchor|chrome to chrome/i.test(n))).toEqual([]);
    const closing = video.notes.at(-1)!;
    const m = /ours p50 ([\d.]+) ms, p95 ([\d.]+) ms; Chrome to Chrome p50 ([\d.]+) ms, p95 ([\d.]+) ms .*ratio ours \/ Chrome's: p50 ([\d.]+), p95 ([\d.]+)\./.exec(closing);
    expect(m, closing).not.toBeNull();
    const [oursP50, oursP95, anchorP50, anchorP95, ratioP50, ratioP95] = m!.slice(1).map(Number) as [number, number, number, number, number, number];
    for (const v of [oursP50, oursP95, anchorP50, anchorP95, ratioP50, ratioP95]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(anchorP50).toBeLessThanOrEqual(anchorP95);
    // The printed ratios are the printed latencies divided (two decimals).
    expect(ratioP50).toBeCloseTo(oursP50 / anchorP50, 1);
    expect(ratioP95).toBeCloseTo(oursP95 / anchorP95, 1);
    const anchorSamples = video.samples.filter((s) => s.metric === 'anchor_latency');
    expect(anchorSamples.length).toBeGreaterThan(0);
    for (const s of anchorSamples) expect(s.value).toBeGreaterThan(0);
    // Measured after our window: every anchor sample comes after the last of our latency samples.
    const ours = video.samples.filter((s) => s.metric === 'latency');
    expect(ours.length).toBeGreaterThan(0);
    expect(Math.min(...anchorSamples.map((s) => s.t))).toBeGreaterThan(Math.max(...ours.map((s) => s.t)));
    expect(readFileSync(join(result.dir, 'report.html'), 'utf8')).toContain('Chrome to Chrome p50');
  }, 120_000);

  it('fails a real scenario whose threshold is out of reach: exit 1, one junit failure naming the measured value', async () => {
    const config = parseConfig('scenarios:\n  datachannel:\n    thresholds:\n      minThroughputMBps: 100000\n');
    const result = await runConformance({ scenarios: ['datachannel'], duration: 1.5, config, outDir: out, runId: 'unreachable', output: quiet });
    expect(result.exitCode).toBe(1);
    const dc = result.report.scenarios[0]!;
    expect(dc.status).toBe('fail');
    expect(dc.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual(['throughput Node to Chromium']);
    const junit = readFileSync(join(result.dir, 'junit.xml'), 'utf8');
    checkWellFormed(junit);
    expect(junit.match(/<failure /g)?.length).toBe(1);
    expect(junit).toMatch(/<testcase classname="conformance.datachannel" name="throughput Node to Chromium" time="0"><failure message="measured [\d.]+ MB\/s, required &gt;= 100000/);
  }, 60_000);
});

describe('conformance runner verdicts', () => {
  const failing: Scenario = {
    name: 'always-short',
    description: 'a check that misses its threshold',
    defaults: { duration: 1, thresholds: { min: 10 } },
    thresholdDocs: { min: 'at least' },
    async run(ctx) {
      ctx.series('x', 'u', 'X & <y>');
      ctx.sample('x', 1);
      ctx.sample('x', 2);
      return [atLeast('value & "quote" <tag>', 3, ctx.thresholds.min!, 'u')];
    },
  };
  const throwing: Scenario = {
    name: 'throws',
    description: 'throws after recording',
    defaults: { duration: 1, thresholds: {} },
    thresholdDocs: {},
    async run(ctx) {
      let cleaned = false;
      ctx.defer(() => { cleaned = true; ctx.note(`cleaned ${cleaned}`); });
      throw new Error('page http://localhost:1234/ said <no>');
    },
  };
  const empty: Scenario = { ...failing, name: 'no-checks', run: async () => [] };

  it('marks failed checks and thrown scenarios as failures, exits 1, and escapes everything it writes', async () => {
    const result = await runConformance({ registry: [failing, throwing, empty], outDir: out, runId: 'verdicts', output: quiet });
    expect(result.exitCode).toBe(1);
    expect(result.report.passed).toBe(false);
    expect(result.report.scenarios.map((s) => s.status)).toEqual(['fail', 'error', 'fail']);
    expect(result.report.scenarios[1]!.error).toBe('Error: page http://localhost:1234/ said <no>');
    expect(result.report.scenarios[1]!.notes).toEqual(['cleaned true']);
    expect(result.report.environment.chromium).toBeNull();
    const junit = readFileSync(join(result.dir, 'junit.xml'), 'utf8');
    checkWellFormed(junit);
    expect(junit).toContain('<failure message="measured 3 u, required &gt;= 10"');
    expect(junit).toContain('failures="1" errors="1"');
    expect(junit).toMatch(/<error message="Error: page http:\/\/localhost:1234\/ said &lt;no&gt;"/);
    const html = readFileSync(join(result.dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('said &lt;no&gt;');
    expect(html).toContain('value &amp; &quot;quote&quot; &lt;tag&gt;');
    expect(html.match(/<svg[\s>]/g)?.length).toBe(1);
    expect(validateReport(JSON.parse(readFileSync(join(result.dir, 'report.json'), 'utf8')))).toEqual([]);
  });

  it('refuses to write a report the schema rejects', () => {
    const report = { schemaVersion: 1, runId: 'bad id', passed: true };
    expect(validateReport(report).join('\n')).toMatch(/must have required property 'startedAt'[\s\S]*runId must match pattern/);
    expect(existsSync(join(out, 'bad id'))).toBe(false);
  });
});
