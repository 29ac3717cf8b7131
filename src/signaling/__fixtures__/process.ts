/**
 * Runs `spell signal` (cli/spell.ts through tsx, so no build is needed) as a real child
 * process and reads the URL it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SPELL_TS = fileURLToPath(new URL('../../../cli/spell.ts', import.meta.url));

export interface SignalProcess {
  proc: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  /** Sends `signal` and resolves with the exit code (or the signal that ended it). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startSignalProcess(args: string[]): Promise<SignalProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `const { main } = await import(${JSON.stringify(SPELL_TS)}); process.exitCode = await main(process.argv.slice(1));`, 'signal', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`spell signal did not print its URL in 30 s\nstdout: ${out}\nstderr: ${err}`)), 30_000);
    const check = () => {
      const m = /listening on (ws:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`spell signal exited ${code}\nstdout: ${out}\nstderr: ${err}`));
    });
  });
  return {
    proc,
    url,
    stdout: () => out,
    stderr: () => err,
    stop: (signal = 'SIGINT') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
