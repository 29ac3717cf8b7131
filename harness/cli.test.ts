/** `spell conform` as users run it: the built CLI in a child process. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from './scenarios/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'conform-cli-'));

function spell(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/spell.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// dist/ is built once for the whole run by vitest.global-setup.ts.

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('spell conform command line', () => {
  it('--list names exactly the built scenarios with their thresholds and exits 0', () => {
    const r = spell('conform', '--list');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const names = r.stdout.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(SCENARIOS.map((s) => s.name));
    expect(names).toEqual(expect.arrayContaining(['audio-opus', 'datachannel', 'reverse']));
    expect(r.stdout).toContain('minThroughputMBps = 5');
    expect(r.stdout).toContain('maxRateDeviation = 0.1');
    expect(r.stdout).toContain('minPacketRate = 45');
  });

  it('an unknown scenario exits 2 and lists the available ones, running nothing', () => {
    const r = spell('conform', '--scenario', 'no-such-scenario', '--out', tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`spell conform: unknown scenario 'no-such-scenario'; available: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
    expect(r.stdout).toBe('');
  });

  it('an invalid config exits 2 with file, line and column', () => {
    const file = join(tmp, 'conform.yaml');
    writeFileSync(file, 'scenarios:\n  reverse:\n    duraton: 3\n');
    const r = spell('conform', '--config', file, '--out', tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`spell conform: ${file}:3:5: unknown key 'duraton' in /scenarios/reverse\n`);
  });

  it('a bad --duration is a usage error (exit 2)', () => {
    const r = spell('conform', '--duration', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a number of seconds > 0');
  });
});
