/**
 * The background load of `spell conform --cpu-load`: real processes that really use a core,
 * gone when stopped, and recorded in the report with the CPU they got.
 */
import { execSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_CPU_LOAD, processCpuSeconds, startCpuLoad } from './cpu-load.js';
import { runConformance } from './runner.js';
import type { Scenario } from './types.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('cpu load', () => {
  it('runs busy processes that use CPU, and stop() kills them and reports the CPU they got', async () => {
    const load = startCpuLoad(1);
    expect(load.pids).toHaveLength(1);
    const [pid] = load.pids;
    // CPU time only grows while the process runs: wait until it has used a tenth of a second.
    const deadline = Date.now() + 20_000;
    while ((processCpuSeconds(pid) ?? 0) < 0.1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const before = processCpuSeconds(pid)!;
    expect(before).toBeGreaterThanOrEqual(0.1);
    const record = await load.stop();
    expect(record.processes).toBe(1);
    expect(record.cpuSeconds).toBeGreaterThanOrEqual(before);
    expect(record.cpuSeconds!).toBeLessThanOrEqual(record.wallSeconds + 0.05);
    expect(alive(pid)).toBe(false);
  }, 30_000);

  it('refuses a count outside 0..MAX_CPU_LOAD, and 0 starts nothing', async () => {
    expect(() => startCpuLoad(-1)).toThrow(RangeError);
    expect(() => startCpuLoad(MAX_CPU_LOAD + 1)).toThrow(RangeError);
    expect(() => startCpuLoad(1.5)).toThrow(RangeError);
    const none = startCpuLoad(0);
    expect(none.pids).toEqual([]);
    expect(await none.stop()).toMatchObject({ processes: 0, cpuSeconds: null });
  });

  it('a run with cpuLoad records it in the report (schema-valid) and the summary, and leaves no process behind', async () => {
    let pidsDuring: number[] = [];
    const probe: Scenario = {
      name: 'probe', description: 'waits while the load runs', defaults: { duration: 1, thresholds: {} }, thresholdDocs: {},
      async run() {
        // Children of this process while the scenario runs: the busy processes.
        pidsDuring = execSync(`pgrep -P ${process.pid} || true`, { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
        await new Promise((r) => setTimeout(r, 500));
        return [{ name: 'ran', value: true, threshold: '== true', pass: true }];
      },
    } as unknown as Scenario;
    let text = '';
    const { report } = await runConformance({ registry: [probe], cpuLoad: 2, outDir: tmpdir(), output: { write: (t) => (text += t), isTTY: false, columns: 80 } });
    expect(report.environment.cpuLoad?.processes).toBe(2);
    expect(report.environment.cpuLoad?.cpuSeconds).toBeGreaterThan(0);
    expect(text).toMatch(/background load: 2 busy processes, [\d.]+ CPU s over [\d.]+ s/);
    expect(pidsDuring.length).toBeGreaterThanOrEqual(2);
    for (const pid of pidsDuring) expect(alive(pid)).toBe(false);
  }, 30_000);
});
