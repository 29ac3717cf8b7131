/**
 * `spell stream` as a user runs it: a child process serving a Y4M and a WAV file on a free
 * port prints its URL, serves the page and refuses a bad offer, takes live controls on
 * standard input, and exits 0 on Ctrl-C (SIGINT). Bad arguments exit 2 with one line.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createI420Frame, writeWav, writeY4m } from '../src/encoding/index.js';

const SPELL = fileURLToPath(new URL('./spell.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cli-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string; err: () => string; exit: Promise<number | null> } {
  // The CLI's main() from source (bin/spell.js runs the same from dist/).
  const script = `import { main } from ${JSON.stringify(SPELL)}; process.exitCode = await main(${JSON.stringify(['stream', ...args])});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function until(ok: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('spell stream', () => {
  it('serves a Y4M and a WAV file: prints the URL, answers HTTP, takes controls on stdin, exits 0 on SIGINT', async () => {
    const y4m = join(dir, 'clip.y4m');
    writeFileSync(y4m, writeY4m([createI420Frame(128, 96), createI420Frame(128, 96)], 10));
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, writeWav(new Int16Array(4410), 44100, 1));
    const p = run(['--video', y4m, '--audio', wav, '--port', '0', '--workers', '1']);
    try {
      await until(() => /open (http:\/\/\S+)/.test(p.out()), 30_000, `the URL (stderr: ${p.err()})`);
      expect(p.out()).toContain('128x96@10');
      const url = /open (http:\/\/\S+)/.exec(p.out())![1]!;
      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(new URL('/whep', url), { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' })).status).toBe(415);
      p.child.stdin.write('bitrate 300k\nsize 640x360\nfps 200\nstats\n');
      await until(() => p.out().includes('viewers;'), 10_000, 'the stats line');
      expect(p.out()).toContain('bitrate 300000 bit/s');
      expect(p.out()).toContain('size 640x360');
      expect(p.err()).toMatch(/frameRate must be a number in 1\.\.60/);
      p.child.kill('SIGINT');
      expect(await p.exit).toBe(0);
      expect(p.out()).toMatch(/stopped on SIGINT \(0 viewers closed\)/);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 60_000);

  it('a file it cannot stream exits 2 with one line naming the problem', async () => {
    const p = run(['--video', join(dir, 'absent.y4m'), '--port', '0']);
    expect(await p.exit).toBe(2);
    expect(p.err()).toMatch(/spell stream: cannot open .*absent\.y4m: ENOENT/);
  }, 30_000);
});
