import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRtpDump } from '../../src/rtp/index.js';

const root = fileURLToPath(new URL('../../fixtures/chrome/', import.meta.url));
const read = (relative: string): Buffer => readFileSync(path.join(root, relative));

interface Manifest {
  chromium: { version: string };
  files: { file: string; bytes: number; description: string }[];
}
const manifest = JSON.parse(read('manifest.json').toString('utf8')) as Manifest;

function sdpFiles(): string[] {
  return ['sdp', 'rtp'].flatMap((dir) =>
    readdirSync(path.join(root, dir))
      .filter((name) => name.endsWith('.sdp'))
      .map((name) => `${dir}/${name}`),
  );
}

describe('captured Chromium fixtures', () => {
  it('keeps every SDP exactly as produced: CRLF line ends, no bare LF, nothing appended', () => {
    const files = sdpFiles();
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      const text = read(file).toString('latin1');
      expect(text.startsWith('v=0\r\n'), file).toBe(true);
      expect(text.endsWith('\r\n'), file).toBe(true);
      expect(text.endsWith('\r\n\r\n'), file).toBe(false);
      expect(/[^\r]\n/.test(text), file).toBe(false);
    }
  });

  it('lists every fixture file in the manifest with its size on disk', () => {
    const onDisk = ['sdp', 'rtp'].flatMap((dir) => readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`));
    const listed = manifest.files.map((f) => f.file).filter((f) => f !== 'manifest.json');
    expect([...listed].sort()).toEqual([...onDisk].sort());
    for (const entry of manifest.files) {
      if (entry.file === 'manifest.json') continue;
      expect(statSync(path.join(root, entry.file)).size, entry.file).toBe(entry.bytes);
      expect(entry.description.length, entry.file).toBeGreaterThan(20);
    }
    expect(manifest.chromium.version).toMatch(/^(Headless)?Chrome\/\d+\./);
  });

  it('pairs each capture dump with the SDP that negotiated its payload types and SSRCs', () => {
    expect(read('rtp/chrome-h264-opus.offer.sdp').equals(read('sdp/ndc-offer-av-recvonly.sdp'))).toBe(true);
    const answer = read('rtp/chrome-h264-opus.answer.sdp').toString('latin1');
    for (const [file, codec] of [['rtp/chrome-h264-720p.rtpdump', 'H264/90000'], ['rtp/chrome-opus.rtpdump', 'opus/48000/2']] as const) {
      const rtp = readRtpDump(read(file)).packets.filter((p) => !p.isRtcp);
      const ssrcs = new Set(rtp.map((p) => new DataView(p.data.buffer, p.data.byteOffset).getUint32(8)));
      const pts = new Set(rtp.map((p) => p.data[1] & 0x7f));
      for (const ssrc of ssrcs) expect(answer, file).toContain(`a=ssrc:${ssrc} `);
      for (const pt of pts) expect(answer, file).toContain(`a=rtpmap:${pt} ${codec}`);
    }
  });

  it('keeps the whole fixture set under 3 MB', () => {
    const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
    expect(total).toBeLessThan(3 * 1024 * 1024);
  });
});
