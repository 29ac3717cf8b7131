/**
 * The `pipeline` scenario end to end: real headless Chromium, a real executor process
 * (`spell serve`, from the build), audio on a real Opus track both ways.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../runner.js';

describe('pipeline scenario', () => {
  it('Chromium streams a switched tone to a remote executor process: every switch is detected there at its media time, and the processed audio comes back with no loss', async () => {
    const written: string[] = [];
    const result = await runConformance({ scenarios: ['pipeline'], duration: 5, outDir: mkdtempSync(join(tmpdir(), 'conform-pipeline-')), runId: 'pipeline', output: { write: (t: string) => void written.push(t), isTTY: false } });
    const s = result.report.scenarios[0]!;
    const failed = s.error ?? s.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${String(c.value)} ${c.detail ?? ''}`).join('; ');
    expect(failed).toBe('');
    const check = (name: string) => s.checks.find((c) => c.name.startsWith(name))!;
    expect(check('tone switches seen').value).toBeGreaterThanOrEqual(4);
    expect(check('largest event error').value as number).toBeLessThanOrEqual(50);
    expect(check('audio packets lost on the way back').value).toBe(0);
    expect(check('executor hop p95').value as number).toBeGreaterThan(0);
    expect(s.notes.some((n) => /RTCP round trip/.test(n))).toBe(true);
  }, 120_000);
});
