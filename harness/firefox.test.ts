/**
 * The harness in Debian's Firefox ESR (puppeteer-core over WebDriver BiDi): a scenario that
 * requires H.264 is reported `unsupported` with the codecs the browser itself lists, without
 * being run; others run in Firefox; the reports carry it. Skipped without firefox-esr.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFirefox } from './firefox.js';
import { runConformance, validateReport } from './runner.js';
import type { Scenario } from './types.js';

let available = true;
try {
  findFirefox();
} catch {
  available = false;
}
const out = mkdtempSync(join(tmpdir(), 'harness-firefox-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const quiet = { write: () => undefined, isTTY: false, columns: 80 };

describe.skipIf(!available)('harness in Firefox', () => {
  it('a scenario requiring H.264 is unsupported in Firefox from its own capabilities, and the others run there', async () => {
    let ran = false;
    const h264: Scenario = {
      name: 'needs-h264',
      description: 'needs H.264',
      requires: ['h264'],
      defaults: { duration: 1, thresholds: {} },
      thresholdDocs: {},
      async run() {
        ran = true;
        return [{ name: 'ran', value: true, threshold: '== true', pass: true }];
      },
    };
    const plain: Scenario = {
      name: 'plain',
      description: 'runs a page in the browser',
      defaults: { duration: 1, thresholds: {} },
      thresholdDocs: {},
      async run(ctx) {
        const page = await (await ctx.chromium()).newPage();
        const ua = await page.evaluate(() => navigator.userAgent);
        await page.close();
        return [{ name: 'page runs in Firefox', value: ua, threshold: 'contains Firefox', pass: ua.includes('Firefox') }];
      },
    };
    const result = await runConformance({ registry: [h264, plain], browser: 'firefox', outDir: out, runId: 'firefox', output: quiet });
    expect(ran).toBe(false);
    expect(result.report.scenarios.map((s) => s.status)).toEqual(['unsupported', 'pass']);
    expect(result.report.scenarios[0]!.notes[0]).toMatch(/^unsupported in firefox\/\d+.*VP8.*no H\.264/);
    expect(result.report.passed).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.report.environment.browser).toBe('firefox');
    expect(result.report.environment.chromium).toMatch(/^firefox\//);
    const junit = readFileSync(join(result.dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<skipped message="unsupported in firefox/);
    expect(validateReport(JSON.parse(readFileSync(join(result.dir, 'report.json'), 'utf8')))).toEqual([]);
  }, 90_000);
});
