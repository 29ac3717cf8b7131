/**
 * The mesh agent in a headless Chromium page (WebMeshAgent, bundled by
 * harness/pages/mesh-page.ts): a WebCrypto Ed25519 identity joins a roster-only room with a
 * Node MeshAgent through a real signaling server; both session bindings verify; signed
 * messages go both ways and verify; bad messages injected into the page are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, servePage, type ChromiumSession, type PageServer } from '../../harness/chromium.js';
import { meshPageHtml } from '../../harness/pages/mesh-page.js';
import { NodeIdentity } from '../envelope/index.js';
import { SignalingServer } from '../signaling/index.js';
import { badEnvelopes } from './__fixtures__/bad-envelopes.js';
import { MeshAgent, Roster, WIRE_IFMESSAGE, type MeshStats } from './index.js';

let server: SignalingServer | undefined;
let chromium: ChromiumSession;
let pageServer: PageServer;
let node: MeshAgent | undefined;
type Call = <T>(name: string, ...args: unknown[]) => Promise<T>;
let call: Call;

beforeAll(async () => {
  chromium = await launchChromium();
  pageServer = await servePage(await meshPageHtml());
  const page = await chromium.newPage();
  await page.goto(pageServer.url);
  call = <T>(name: string, ...args: unknown[]) =>
    page.evaluate((fn: string, a: unknown[]) => (window as unknown as { conform: Record<string, (...x: unknown[]) => unknown> }).conform[fn]!(...a), name, args) as Promise<T>;
}, 60_000);

afterAll(async () => {
  await call?.('close').catch(() => undefined);
  await node?.disconnect();
  await chromium?.close();
  await pageServer?.close();
  await server?.close();
});

async function until(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('WebMeshAgent in Chromium', () => {
  it('a Chromium agent signing with WebCrypto and a Node agent bind their sessions, exchange signed messages both ways, and the page refuses injected bad messages', async () => {
    const web = await call<{ agentId: string; publicKey: string }>('identity');
    const id = NodeIdentity.generate();
    const roster = new Roster([id.publicKey, web.publicKey]);
    server = new SignalingServer({ port: 0, logger: () => undefined, auth: { rooms: { mixed: { keys: roster.signalingKeys() } } } });
    const { url } = await server.listen();
    node = new MeshAgent({ url, room: 'mixed', identity: id, roster, bindAddress: '127.0.0.1', heartbeatMs: 500 });
    node.swarm.on('error', () => undefined);
    await node.initialize();
    expect(await call<string>('start', { url, room: 'mixed', roster: roster.signalingKeys() })).toBe(web.agentId);
    await node.waitForBoundPeers(1, 30_000);
    await until(async () => (await call<string[]>('bound')).length === 1, 15_000, 'the page to bind');
    expect(await call<string[]>('bound')).toEqual([node.agentId]);

    const fromWeb: number[] = [];
    node.onIFMessage((m, from) => from === web.agentId && fromWeb.push(m.content.n as number));
    expect((await call<{ sent: number }>('sendAll', 5)).sent).toBe(5);
    await until(() => fromWeb.length === 5, 10_000, '5 messages from the page');
    expect(fromWeb).toEqual([0, 1, 2, 3, 4]); // in order, each verified by the Node EnvelopeVerifier

    const first = await node.sendIFMessage({ performative: 'inform', receiver: web.agentId, content: { n: 100, sent_at: 0 } });
    const bad = badEnvelopes({ sender: id, other: NodeIdentity.generate(), outsider: NodeIdentity.generate(), receiver: web.agentId, accepted: first });
    for (const [, text] of bad) expect(node.swarm.sendToPeer(web.agentId.slice(11), { type: WIRE_IFMESSAGE, envelope: text })).toBe(true);
    await node.sendIFMessage({ performative: 'inform', receiver: web.agentId, content: { n: 101, sent_at: 0 } });
    await until(async () => (await call<{ n: number }[]>('received')).length === 2, 10_000, 'the page to receive 2 valid messages');
    expect((await call<{ n: number }[]>('received')).map((r) => r.n)).toEqual([100, 101]);
    const stats = await call<MeshStats>('stats');
    expect(stats.accepted).toBe(2);
    expect(stats.rejected.total).toBe(bad.length);
    expect(stats.bindings).toMatchObject({ verified: 1, failed: 0 });
    expect(stats.signing.count).toBe(5); // the 5 messages (session bindings are not counted as messages)
    expect(await call<string[]>('errors')).toEqual([]);
  }, 90_000);
});
