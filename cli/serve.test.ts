/**
 * `spell serve` and `spell run --executor` end to end, each executor its own process: a
 * RemoteMedia manifest from a file whose chain is split across two executors, an executor
 * killed mid-stream (the run stops cleanly naming the node, or falls back to local where the
 * manifest says so), and a clean stop on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveProcess, type ServeProcess } from '../src/remote/__fixtures__/serve.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'spell.js');
const FIXTURES = join(ROOT, 'src', 'remote', '__fixtures__');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Start `spell serve --port 0 --name <name>` and wait for the URL it prints. */
async function serve(name: string): Promise<ServeProcess> {
  const p = await serveProcess(['--name', name]);
  children.push(p.child);
  return p;
}

/** Run `spell <args>`; resolves with its exit code and output. `during` runs while it runs. */
async function spell(args: string[], during?: (child: ChildProcess, stdout: () => string) => void): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  during?.(child, () => stdout);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);

describe('spell serve', () => {
  it('runs a manifest whose chain is split across two executors (two processes): every event arrives, each hop is measured, and inspect says where each node runs', async () => {
    const left = await serve('left');
    const right = await serve('right');
    const r = await spell(['run', join(FIXTURES, 'split-chain.yaml'), '--input', 'tone:440', '--executor', `left=${left.url}`, '--executor', `right=${right.url}`, '--inspect']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resample \(FastResampleNode\).* runs remote: host left: runs on executor left/);
    expect(r.stderr).toMatch(/chunker \(AudioChunkerNode\).* runs local/);
    expect(r.stderr).toMatch(/level \(AudioLevelNode\).* runs remote: host right: runs on executor right/);
    const out = lines(r.stdout);
    // tone:440 is 5 s; at 16 kHz in chunks of 320 samples (20 ms): 250 events from each analysis node.
    expect(out.filter((l) => l.node === 'level')).toHaveLength(250);
    expect(out.filter((l) => l.node === 'silence')).toHaveLength(250);
    expect(out.find((l) => l.node === 'level')!.value._schema).toBe('audio_level_event');
    const stats = out.at(-1)!;
    expect(stats.event).toBe('stats');
    expect(stats.remote_hops.map((h: { node: string; executor: string }) => `${h.node}@${h.executor}`).sort()).toEqual(['level@right', 'resample@left', 'silence@right']);
    for (const h of stats.remote_hops) {
      expect(h.frames_received).toBeGreaterThan(0);
      expect(h.p50_ms).toBeGreaterThan(0);
      expect(h.dropped).toBe(0);
    }
    expect(left.stderr()).toMatch(/session \d+: resample/);
    expect(right.stderr()).toMatch(/session \d+: level/);
    // SIGTERM: a clean stop with a summary.
    right.child.kill('SIGTERM');
    const [code] = (await once(right.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    // One caller; a second connection counts when libdatachannel's DTLS handshake failed once and the caller tried again.
    expect(right.stdout()).toMatch(/serve: stopped on SIGTERM \([12] callers, 2 sessions run, 0 failed/);
    left.child.kill('SIGTERM');
    await once(left.child, 'exit');
  }, 120_000);

  it('an executor killed mid-stream stops the run cleanly, naming the node and the lost connection; the process exits', async () => {
    const lab = await serve('lab');
    let killedAt = 0;
    const r = await spell(['run', join(FIXTURES, 'realtime-remote.yaml'), '--executor', `lab=${lab.url}`], (_child, stdout) => {
      const poll = setInterval(() => {
        if (stdout().split('\n').length > 25 && !killedAt) {
          killedAt = performance.now();
          lab.child.kill('SIGKILL');
          clearInterval(poll);
        }
      }, 50);
    });
    expect(killedAt).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    const error = lines(r.stdout).find((l) => l.event === 'error')!;
    expect(error.node).toBe('far');
    expect(error.code).toBe('remote-lost');
    expect(error.message).toMatch(/lost the connection to ws:\/\/127\.0\.0\.1:\d+\/signaling while node 'far' was running there/);
    // Fewer than the 250 frames of the whole tone came back: it really stopped mid-stream.
    expect(lines(r.stdout).filter((l) => l.node === 'far').length).toBeLessThan(250);
  }, 120_000);

  it('with execution.fallback: local, the node continues here after the executor dies, and the run completes', async () => {
    const lab = await serve('lab');
    let killed = false;
    const r = await spell(['run', join(FIXTURES, 'realtime-fallback.yaml'), '--executor', `lab=${lab.url}`], (_child, stdout) => {
      const poll = setInterval(() => {
        if (stdout().split('\n').length > 25 && !killed) {
          killed = true;
          lab.child.kill('SIGKILL');
          clearInterval(poll);
        }
      }, 50);
    });
    expect(killed).toBe(true);
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    const stats = out.at(-1)!;
    const hop = stats.remote_hops[0];
    expect(hop.fell_back).toBe(true);
    // Frames in flight when the connection went are lost; every other frame has its event.
    const events = out.filter((l) => l.node === 'far').length;
    expect(events).toBeGreaterThan(200);
    expect(events).toBeLessThanOrEqual(250);
  }, 120_000);
});
