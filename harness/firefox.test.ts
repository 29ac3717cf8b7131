/**
 * The harness in Debian's Firefox ESR (puppeteer-core over WebDriver BiDi): a scenario that
 * requires H.264 is reported `unsupported` with the codecs the browser itself lists, without
 * being run; others run in Firefox; the reports carry it. Skipped without firefox-esr.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFirefox, launchFirefox } from './firefox.js';
import { pulseAvailable } from './pulse.js';
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

  // CI installs pulseaudio with firefox-esr (.ci/run); without it Firefox has no sound, as before.
  it.skipIf(!pulseAvailable())('plays Web Audio in real time through a private PulseAudio null sink, and stops the sound server with the browser', async () => {
    const session = await launchFirefox();
    const server = session.soundServer!;
    try {
      expect(session.sound).toBe(true);
      const page = await session.newPage();
      const r = await page.evaluate(async () => {
        const ac = new AudioContext();
        await Promise.race([ac.resume(), new Promise((resolve) => setTimeout(resolve, 5000))]);
        const osc = ac.createOscillator();
        const analyser = ac.createAnalyser();
        osc.connect(analyser).connect(ac.destination);
        osc.start();
        const t0 = performance.now();
        const c0 = ac.currentTime;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const buf = new Float32Array(analyser.fftSize);
        analyser.getFloatTimeDomainData(buf);
        let peak = 0;
        for (const v of buf) peak = Math.max(peak, Math.abs(v));
        return { state: ac.state, audioSeconds: ac.currentTime - c0, wallSeconds: (performance.now() - t0) / 1000, peak };
      });
      expect(r.state).toBe('running');
      // The audio clock advances with the wall clock (a device in real time, not a stalled one).
      expect(r.audioSeconds).toBeGreaterThan(0.5 * r.wallSeconds);
      expect(r.audioSeconds).toBeLessThan(1.5 * r.wallSeconds);
      expect(r.peak).toBeGreaterThan(0.9);
    } finally {
      await session.close();
    }
    const alive = (() => { try { process.kill(server.pid, 0); return true; } catch { return false; } })();
    expect(alive).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  }, 90_000);
});
