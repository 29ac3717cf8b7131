/**
 * Background load for `spell conform --cpu-load N`: N other processes, each a busy loop,
 * running for the whole conformance run. Issue 12's robustness bar is that video-720p30
 * holds a median of 29 frames/s while another process keeps one core busy, as on a user's
 * machine running other work. The processes are real OS processes (not threads of ours),
 * so the scheduler treats them as it would a user's other work; how much CPU they actually
 * got is read back from /proc and recorded in the report, so a run can show that the load
 * was there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What the report says about the background load. */
export interface CpuLoadRecord {
  /** Busy processes that ran beside the scenarios. */
  processes: number;
  /** CPU seconds they used in all (user + system), from /proc; null where /proc is absent. */
  cpuSeconds: number | null;
  /** Seconds they ran. */
  wallSeconds: number;
}

export interface CpuLoad {
  readonly pids: number[];
  /** Kills the processes and says how much CPU they got. */
  stop(): Promise<CpuLoadRecord>;
}

/** The longest a busy process may live: a run that dies without stopping it does not leave it spinning for ever. */
const MAX_LIFETIME_S = 3 * 3600;

/** Most busy processes `--cpu-load` starts (more would only measure the scheduler). */
export const MAX_CPU_LOAD = 8;

/** CPU seconds (user + system) of a process, or null when /proc cannot tell. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : null; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** Starts `count` busy processes (0 starts none). */
export function startCpuLoad(count: number): CpuLoad {
  if (!Number.isInteger(count) || count < 0 || count > MAX_CPU_LOAD) throw new RangeError(`cpu load must be a whole number from 0 to ${MAX_CPU_LOAD}, got ${count}`);
  const started = performance.now();
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    // A loop the JIT cannot remove, that stops by itself after MAX_LIFETIME_S.
    const program = `const end = Date.now() + ${MAX_LIFETIME_S * 1000}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x = (x + i) | 0; }`;
    const child = spawn(process.execPath, ['-e', program], { stdio: 'ignore' });
    child.on('error', () => undefined);
    children.push(child);
  }
  const killAll = () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.once('exit', killAll);
  return {
    pids: children.map((c) => c.pid ?? -1),
    async stop(): Promise<CpuLoadRecord> {
      let cpu: number | null = children.length ? 0 : null;
      for (const c of children) {
        const s = c.pid === undefined ? null : processCpuSeconds(c.pid);
        cpu = cpu === null || s === null ? null : cpu + s;
      }
      const wallSeconds = (performance.now() - started) / 1000;
      await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      }))));
      process.removeListener('exit', killAll);
      return { processes: children.length, cpuSeconds: cpu === null ? null : Math.round(cpu * 100) / 100, wallSeconds: Math.round(wallSeconds * 100) / 100 };
    },
  };
}
