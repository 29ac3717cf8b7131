/**
 * The browser path in headless Chromium: web.ts bundled for a page (nothing Node-only may be
 * pulled in), a WebCrypto Ed25519 identity made in the page signs an IFMessage that Node's
 * EnvelopeVerifier accepts against the pinned key, and the page verifies a Node signature.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_CHROMIUM_ARGS, findChromium } from '../../harness/chromium.js';
import { EnvelopeComposer } from './envelope.js';
import { NodeIdentity } from './identity-node.js';
import { EnvelopeVerifier } from './verifier.js';

const HERE = dirname(fileURLToPath(import.meta.url));
let browser: Browser;
let http: Server;
let origin: string;
let bundle: string;

beforeAll(async () => {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({ entryPoints: [resolve(HERE, 'web.ts')], bundle: true, format: 'iife', globalName: 'Envelope', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  bundle = result.outputFiles[0]!.text;
  http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>${bundle.replace(/<\/script/g, '<\\/script')}</script>`));
  await new Promise<void>((ok) => http.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  browser = await puppeteer.launch({ executablePath: findChromium().path, headless: true, args: [...CONFORMANCE_CHROMIUM_ARGS] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  http?.close();
});

describe('envelope in Chromium (WebCrypto)', () => {
  it('a page signs with a WebCrypto Ed25519 identity and Node verifies against the pinned key; the page verifies Node', async () => {
    expect(bundle).not.toMatch(/node:|require\(/);
    const node = NodeIdentity.generate();
    const nodeMessage = new EnvelopeComposer(node).seal({
      performative: 'inform', receiver: 'if://agent/*', conversation_id: 'if://conversation/web', content: { from: 'node', n: [1, 2] }, scope: { mission_id: 'm', workflow: 'w', domain: 'd' },
    });
    const page = await browser.newPage();
    await page.goto(origin);
    const out = await page.evaluate(async (fromNode: string, nodeKey: string) => {
      const E = (window as unknown as { Envelope: any }).Envelope;
      const id = await E.WebIdentity.generate();
      const composer = new E.EnvelopeComposer(id);
      const draft = { performative: 'request', receiver: 'if://agent/*', conversation_id: 'if://conversation/web', content: { from: 'chromium', nested: { ok: true } }, scope: { mission_id: 'm', workflow: 'w', domain: 'd' } };
      const first = await composer.seal(draft);
      const second = await composer.seal(draft);
      const parsed = JSON.parse(fromNode);
      const sig = E.fromHex(parsed.signature.signature_bytes.slice(8));
      const good = await E.verifyEd25519Web(E.parsePublicKey(nodeKey), E.signingBytes(parsed), sig);
      parsed.content.n[1] = 3;
      const tampered = await E.verifyEd25519Web(E.parsePublicKey(nodeKey), E.signingBytes(parsed), sig);
      return { agentId: id.agentId, publicKey: id.publicKeyText, messages: [JSON.stringify(first), JSON.stringify(second)], good, tampered, ua: navigator.userAgent };
    }, JSON.stringify(nodeMessage), node.publicKeyText);
    expect(out.ua).toMatch(/Chrome\//);
    expect([out.good, out.tampered]).toEqual([true, false]);
    const verifier = new EnvelopeVerifier({ keys: (id) => (id === out.agentId ? out.publicKey : undefined) });
    expect(verifier.verify(out.messages[0]).envelope.content).toEqual({ from: 'chromium', nested: { ok: true } });
    expect(verifier.verify(out.messages[1]).envelope.sequence_num).toBe(2);
    expect(verifier.check(out.messages[1])).toMatchObject({ ok: false, error: { code: 'replayed-sequence' } });
    // Pinned to another key, the page's messages are refused even though they carry their own key.
    const pinnedElsewhere = new EnvelopeVerifier({ keys: () => node.publicKey });
    expect(pinnedElsewhere.check(out.messages[0])).toMatchObject({ ok: false, error: { code: 'key-mismatch' } });
    await page.close();
  }, 60_000);
});
