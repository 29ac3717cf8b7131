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
      findChromium({ env: { PATH: dir }, systemPaths: [join(dir, 'no-such-chromium')] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChromiumNotFoundError);
    const message = (error as Error).message;
    expect(message).toContain("'apt-get install -y chromium'");
    expect(message).toContain("'npx @puppeteer/browsers install chrome@stable'");
    expect(message).toContain('SPELL_CHROMIUM');
    expect(message).toContain(join(dir, 'no-such-chromium'));
    expect((error as ChromiumNotFoundError).tried).toContain('chromium-browser on PATH');
  });

  it('takes SPELL_CHROMIUM first, then absolute paths, then chromium or chromium-browser on PATH (executables only)', () => {
    const exe = (name: string, mode = 0o755) => {
      const p = join(dir, name);
      writeFileSync(p, '#!/bin/sh\n');
      chmodSync(p, mode);
      return p;
    };
    const named = exe('chrome');
    const system = exe('system-chromium');
    exe('chromium-browser');
    expect(findChromium({ env: { PATH: dir, SPELL_CHROMIUM: named }, systemPaths: [system] })).toEqual({ path: named, source: 'env' });
    expect(findChromium({ env: { PATH: dir }, systemPaths: [system] })).toEqual({ path: system, source: 'system' });
    expect(findChromium({ env: { PATH: `/nonexistent:${dir}` }, systemPaths: [] })).toEqual({ path: join(dir, 'chromium-browser'), source: 'system' });
    exe('chromium', 0o644); // not executable: skipped
    expect(findChromium({ env: { PATH: dir }, systemPaths: [] }).path).toBe(join(dir, 'chromium-browser'));
  });

  it('refuses a SPELL_CHROMIUM that is not an executable rather than picking another browser', () => {
    const system = join(dir, 'system-chromium');
    writeFileSync(system, '#!/bin/sh\n');
    chmodSync(system, 0o755);
    expect(() => findChromium({ env: { PATH: dir, SPELL_CHROMIUM: join(dir, 'gone') }, systemPaths: [system] })).toThrow(/SPELL_CHROMIUM=.*gone/);
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
