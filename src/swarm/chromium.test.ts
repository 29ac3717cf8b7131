/**
 * The same swarm client in a headless Chromium page (its own RTCPeerConnection and
 * WebSocket, bundled by harness/pages/swarm-page.ts) joins a room with a Node agent on
 * node-datachannel through a real signaling server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, servePage, type ChromiumSession, type PageServer } from '../../harness/chromium.js';
import { swarmPageHtml } from '../../harness/pages/swarm-page.js';
import { SignalingServer } from '../signaling/index.js';
import { SwarmAgent } from './index.js';

let server: SignalingServer;
let url: string;
let chromium: ChromiumSession;
let pageServer: PageServer;
let node: SwarmAgent;
type Call = <T>(name: string, ...args: unknown[]) => Promise<T>;
let call: Call;

beforeAll(async () => {
  server = new SignalingServer({ port: 0, logger: () => undefined });
  ({ url } = await server.listen());
  chromium = await launchChromium();
  pageServer = await servePage(await swarmPageHtml());
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

describe('SwarmAgent in Chromium', () => {
  it('a Chromium agent and a Node agent connect in one room and exchange messages, a task and a vote', async () => {
    node = new SwarmAgent({ url, room: 'mixed', peerId: 'node-1', bindAddress: '127.0.0.1', heartbeatMs: 500 });
    node.on('error', () => undefined);
    await node.initialize();
    expect(await call<string>('start', { url, room: 'mixed', peerId: 'browser-1', heartbeatMs: 500 })).toBe('browser-1');
    await node.waitForPeers(1, 30_000);
    const end = Date.now() + 15_000;
    while ((await call<string[]>('connected')).length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(await call<string[]>('connected')).toEqual(['node-1']);

    expect(node.broadcast({ type: 'hello', text: 'from node' })).toBe(1);
    const got: string[] = [];
    node.registerMessageHandler('hello', (p, from) => got.push(`${from}:${String(p.text)}`));
    expect(await call<number>('broadcast', { type: 'hello', text: 'from chromium' })).toBe(1);
    expect(await node.delegateTask('browser-1', { type: 'sum', input: [1, 2, 3, 4] }, { timeoutMs: 10_000 })).toBe(10);
    const vote = await node.requestConsensus({ upgrade: true }, { quorum: 1, timeoutMs: 5_000 });
    expect([vote.accepted, vote.yes]).toEqual([true, ['browser-1']]);
    while (got.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(['browser-1:from chromium']);
    expect(await call<{ from: string; text: string }[]>('received')).toEqual([{ from: 'node-1', text: 'from node' }]);
    expect(await node.ping('browser-1')).toBeGreaterThan(0);
    expect(await call<string[]>('errors')).toEqual([]);
    // Each side applied the other's trickled candidates (none refused).
    expect((await call<{ connections: { candidateErrors: number } }>('stats')).connections.candidateErrors).toBe(0);
    expect(node.getStats().connections.candidateErrors).toBe(0);
  }, 90_000);

  it('an artifact crosses between Chromium and Node both ways in 16 KiB chunks with matching SHA-256', async () => {
    // Runs after the first test: both agents are connected.
    const toPage = new Uint8Array(randomBytes(300_000));
    const expected = createHash('sha256').update(toPage).digest('hex');
    expect(await node.sendArtifact('browser-1', toPage, 'to-page.bin')).toEqual({ sha256: expected, bytes: 300_000, chunks: 19 });
    expect(await call<unknown[]>('artifacts')).toEqual([{ from: 'node-1', name: 'to-page.bin', size: 300_000, sha256: expected }]);

    const arrived = new Promise<{ name: string; data: Uint8Array; sha256: string }>((resolve) => node.registerArtifactHandler(resolve));
    const size = 200_000;
    const sent = await call<{ sha256: string; bytes: number; chunks: number }>('sendArtifact', 'node-1', size, 'from-page.bin');
    const got = await arrived;
    const reference = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 255);
    const referenceSha = createHash('sha256').update(reference).digest('hex');
    expect(sent).toEqual({ sha256: referenceSha, bytes: size, chunks: 13 });
    expect([got.name, got.sha256, createHash('sha256').update(got.data).digest('hex')]).toEqual(['from-page.bin', referenceSha, referenceSha]);
  }, 60_000);
});
