/** `spell encode` end to end, as a child process of the built executable. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Y4mReader, splitAnnexB } from '../src/encoding/index.js';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'spell-encode-'));

function spell(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'spell.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// dist/ is built once for the whole run by vitest.global-setup.ts.

describe('spell encode', () => {
  it('encodes the synthetic source to an Annex B stream and its reconstruction, printing fps, bitrate and PSNR', () => {
    const r = spell(['encode', '-i', 'synthetic', '--size', '176x144', '--frames', '12', '--keyint', '6', '--workers', '1', '-o', 's.h264', '--recon', 'r.y4m']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^12 frames 176x144 \(avc1\.42e0..\) in [\d.]+ s: [\d.]+ fps, [\d.]+ Mbit\/s, Y-PSNR [\d.]+ dB, 2 keyframes/);
    const nals = splitAnnexB(new Uint8Array(readFileSync(join(dir, 's.h264'))));
    expect(nals[0].type).toBe(7); // SPS first
    expect(nals.filter((n) => n.type === 5).length).toBe(2); // two IDR pictures
    const recon = new Y4mReader(new Uint8Array(readFileSync(join(dir, 'r.y4m'))));
    let frames = 0;
    while (recon.next()) frames++;
    expect([recon.header.width, recon.header.height, frames]).toEqual([176, 144, 12]);
  });

  it('encodes a Y4M file at its own size and rate', () => {
    const r = spell(['encode', '-i', 'r.y4m', '--qp', '20', '--workers', '1', '-o', 'again.h264']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^12 frames 176x144 /);
  });

  it('refuses a truncated or malformed Y4M with one line naming the problem and its byte offset', () => {
    const good = readFileSync(join(dir, 'r.y4m'));
    writeFileSync(join(dir, 'cut.y4m'), good.subarray(0, 1000));
    const cut = spell(['encode', '-i', 'cut.y4m']);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/^spell: cut\.y4m: truncated frame.*byte \d+/m);
    writeFileSync(join(dir, 'bad.y4m'), 'YUV4MPEG2 W10 H10 F30:1 C422\nFRAME\n');
    const bad = spell(['encode', '-i', 'bad.y4m']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects odd sizes, bad bitrates and unknown patterns as usage errors', () => {
    expect(spell(['encode', '-i', 'synthetic', '--size', '641x360']).code).toBe(2);
    expect(spell(['encode', '-i', 'synthetic', '--bitrate', 'fast']).code).toBe(2);
    expect(spell(['encode', '-i', 'synthetic:plaid', '--frames', '1']).code).toBe(2);
  });
});
