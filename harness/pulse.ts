/**
 * A private PulseAudio server with a null sink, for headless Firefox: with no sound device its
 * audio engine never starts (an AudioContext stays `suspended`, so Web Audio analysers read
 * silence), while over PulseAudio's null sink it runs in real time like a machine with speakers.
 * Chromium needs none of this (it runs its audio without a device).
 *
 * The server runs as a child of this process in its own runtime directory, loads only the null
 * sink and the native protocol on a Unix socket there, never exits on idle, and is stopped with
 * the browser. When `pulseaudio` is not installed (Debian: `apt-get install -y pulseaudio`),
 * `startPulse` resolves undefined and Firefox runs without sound, as before.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PulseServer {
  /** For the browser's environment: `PULSE_SERVER=unix:<socket>`. */
  env: Record<string, string>;
  pid: number;
  /** Its runtime directory (removed by stop()). */
  dir: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;

export function pulseAvailable(): boolean {
  return spawnSync('pulseaudio', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startPulse(): Promise<PulseServer | undefined> {
  if (!pulseAvailable()) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'spell-pulse-'));
  const socket = join(dir, 'native');
  const child: ChildProcess = spawn('pulseaudio', [
    '-n', '--daemonize=no', '--exit-idle-time=-1', '--disallow-exit', '--log-target=stderr', '--log-level=error',
    '--load=module-null-sink sink_name=spell_null',
    `--load=module-native-protocol-unix auth-anonymous=1 socket=${socket}`,
  ], { env: { ...process.env, XDG_RUNTIME_DIR: dir, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const t0 = performance.now();
  while (!existsSync(socket)) {
    if (child.exitCode !== null || performance.now() - t0 > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`pulseaudio did not start (${child.exitCode !== null ? `exit ${child.exitCode}` : 'no socket within 10 s'}): ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let stopped: Promise<void> | undefined;
  return {
    env: { PULSE_SERVER: `unix:${socket}` },
    pid: child.pid!,
    dir,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
