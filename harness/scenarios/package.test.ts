/**
 * The `package` scenario end to end: a real docker-registry, real executor processes
 * (`spell serve`, from the build), the packaged gain.wasm in their sandboxes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../runner.js';

describe('package scenario', () => {
  it('a package made by spell pack is pushed to the registry, pulled, verified and run in the sandbox by an executor process; a second run fetches nothing, an unsigned package is refused, a wrong digest over the channel is refused', async () => {
    const written: string[] = [];
    const result = await runConformance({ scenarios: ['package'], outDir: mkdtempSync(join(tmpdir(), 'conform-package-')), runId: 'package', output: { write: (t: string) => void written.push(t), isTTY: false } });
    const s = result.report.scenarios[0]!;
    const failed = s.error ?? s.checks.filter((c) => !c.pass).map((c) => `${c.name}: ${String(c.value)} ${c.detail ?? ''}`).join('; ');
    expect(failed).toBe('');
    const check = (name: string) => s.checks.find((c) => c.name.startsWith(name))!;
    expect(check('level events back').value).toBe(25);
    expect(check('WASM gain in the sandbox').value as number).toBeLessThanOrEqual(0.1);
    expect(check('blobs fetched again').value).toBe(0);
    expect(s.notes.some((n) => /pushed to docker-registry on 127\.0\.0\.1:\d+/.test(n))).toBe(true);
  }, 180_000);
});
