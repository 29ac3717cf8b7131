import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChromiumNotFoundError, findChromium, servePage } from './chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'chromium-find-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject).end();
  });
}

describe('Chromium discovery and page server', () => {
  it('names both install commands when no browser is anywhere', () => {
    let error: unknown;
    try {
      findChromium({ env: { PATH: dir }, bundledPath: join(dir, 'no-such-chrome'), systemPaths: [join(dir, 'no-such-chromium')] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromiumNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain("'apt-get install -y chromium'");
    expect(message).toContain("'npx puppeteer browsers install chrome'");
    expect(message).toContain(join(dir, 'no-such-chrome'));
    expect((error as ChromiumNotFoundError).tried).toContain('chromium-browser on PATH');
  });

  it('prefers puppeteer\'s browser when it exists, then absolute paths, then chromium or chromium-browser on PATH (executables only)', () => {
    const exe = (name: string, mode = 0o755) => {
      const p = join(dir, name);
      writeFileSync(p, '#!/bin/sh\n');
      chmodSync(p, mode);
      return p;
    };
    const bundled = exe('chrome');
    const system = exe('system-chromium');
    exe('chromium-browser');
    expect(findChromium({ env: { PATH: dir }, bundledPath: bundled, systemPaths: [system] })).toEqual({ path: bundled, source: 'puppeteer' });
    expect(findChromium({ env: { PATH: dir }, bundledPath: join(dir, 'gone'), systemPaths: [system] })).toEqual({ path: system, source: 'system' });
    expect(findChromium({ env: { PATH: `/nonexistent:${dir}` }, bundledPath: null, systemPaths: [] })).toEqual({ path: join(dir, 'chromium-browser'), source: 'system' });
    exe('chromium', 0o644); // not executable: skipped
    expect(findChromium({ env: { PATH: dir }, bundledPath: null, systemPaths: [] }).path).toBe(join(dir, 'chromium-browser'));
  });

  it('serves the page on localhost (a secure context) and nothing else', async () => {
    const server = await servePage('<!DOCTYPE html><p>ok ✓</p>');
    try {
      expect(server.url).toMatch(/^http:\/\/localhost:\d+\/$/);
      const page = await get(server.url.replace('localhost', '127.0.0.1'));
      expect(page).toEqual({ status: 200, type: 'text/html; charset=utf-8', body: '<!DOCTYPE html><p>ok ✓</p>' });
      expect((await get(server.url.replace('localhost', '127.0.0.1') + 'favicon.ico')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
