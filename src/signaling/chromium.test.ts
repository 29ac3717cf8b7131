/**
 * The same SignalingClient in headless Chromium (the page's own WebSocket), bundled from
 * client.ts with esbuild the way a page would load it: no Node-only module is reached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CONFORMANCE_CHROMIUM_ARGS, findChromium } from '../../harness/chromium.js';
import { SignalingClient } from './client.js';
import { SignalingServer } from './server.js';

const HERE = dirname(fileURLToPath(import.meta.url));

async function bundleClient(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [resolve(HERE, 'client.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'Signaling',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'browser-client',
        setup(b) {
          // `ws` is only loaded lazily when no WebSocket exists; a page always has one.
          b.onResolve({ filter: /^ws$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
          b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
          b.onResolve({ filter: /datachannel\/index\.js$/ }, (a) => ({ path: resolve(a.resolveDir, dirname(a.path), 'emitter.ts') }));
        },
      },
    ],
  });
  const text = result.outputFiles[0]!.text;
  // Nothing Node-only may have been pulled in.
  expect(text).not.toMatch(/node:|require\(/);
  return text;
}

function pageServer(bundle: string): Promise<{ http: Server; origin: string }> {
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>${bundle.replace(/<\/script/g, '<\\/script')}</script>`);
  });
  return new Promise((ok) => http.listen(0, '127.0.0.1', () => ok({ http, origin: `http://127.0.0.1:${(http.address() as AddressInfo).port}` })));
}

let browser: Browser;
let signaling: SignalingServer;
let url: string;
const pages: { http: Server; origin: string }[] = [];
let bundle: string;

beforeAll(async () => {
  bundle = await bundleClient();
  pages.push(await pageServer(bundle), await pageServer(bundle));
  signaling = new SignalingServer({ port: 0, logger: () => {}, origins: [pages[0]!.origin] });
  ({ url } = await signaling.listen());
  browser = await puppeteer.launch({ executablePath: findChromium().path, headless: true, args: [...CONFORMANCE_CHROMIUM_ARGS] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await signaling?.close();
  for (const p of pages) p.http.close();
});

describe('SignalingClient in Chromium', () => {
  it('a page joins with the browser WebSocket, relays with a Node client, and a page from an origin off the allow-list is refused', async () => {
    const node = new SignalingClient({ url, room: 'mixed', peerId: 'node', WebSocket });
    await node.connect();
    const page = await browser.newPage();
    await page.goto(pages[0]!.origin);
    const joined = await page.evaluate(async (u: string) => {
      const w = window as unknown as { Signaling: { SignalingClient: new (o: object) => any }; client: any; got: unknown[] };
      w.got = [];
      w.client = new w.Signaling.SignalingClient({ url: u, room: 'mixed', peerId: 'page', metadata: { agent: 'chromium' } });
      for (const type of ['offer', 'broadcast', 'peer-joined']) w.client.on(type, (e: unknown) => w.got.push({ type, ...(e as object) }));
      return w.client.connect();
    }, url);
    expect(joined).toMatchObject({ peerId: 'page', room: 'mixed', peers: [{ peerId: 'node', metadata: {} }] });

    const fromPage = new Promise((ok) => node.once('answer', ok));
    node.send({ type: 'offer', to: 'page', sdp: 'v=0 from node' });
    await page.waitForFunction(() => (window as unknown as { got: { type: string }[] }).got.some((e) => e.type === 'offer'), { timeout: 15_000 });
    await page.evaluate(() => (window as unknown as { client: any }).client.send({ type: 'answer', to: 'node', sdp: 'v=0 from page' }));
    expect(await fromPage).toEqual({ from: 'page', sdp: 'v=0 from page' });
    expect(await page.evaluate(() => (window as unknown as { got: unknown[] }).got)).toEqual([{ type: 'offer', from: 'node', sdp: 'v=0 from node' }]);

    const other = await browser.newPage();
    await other.goto(pages[1]!.origin);
    const refused = await other.evaluate(async (u: string) => {
      const S = (window as unknown as { Signaling: { SignalingClient: new (o: object) => any } }).Signaling;
      try {
        await new S.SignalingClient({ url: u, room: 'mixed' }).connect();
        return 'joined';
      } catch (e) {
        return (e as { code: string }).code;
      }
    }, url);
    expect(refused).toBe('origin-refused');
    expect(signaling.stats().errors['origin-refused']).toBe(1);
    await page.evaluate(() => (window as unknown as { client: any }).client.close());
    await node.close();
  }, 60_000);
});
