/**
 * Test helper: `spell serve --port 0 [args]` as its own process (from the build, bin/spell.js),
 * resolved once it prints its URL; `stop()` sends SIGTERM and waits (SIGKILL after 5 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'spell.js');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
  stop: () => Promise<number | null>;
}

/** `bin`: the spell executable to run (the conformance harness passes the one beside its build). */
export async function serveProcess(args: string[], env: NodeJS.ProcessEnv = {}, bin: string = BIN): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spell serve printed no URL in 20 s: ${out} ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`spell serve exited with ${code}: ${err}`)); });
  });
  return {
    child,
    url,
    stderr: () => err,
    stdout: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
