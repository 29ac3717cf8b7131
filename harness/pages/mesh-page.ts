/**
 * The Chromium side of the `mesh` scenario: `WebMeshAgent` (src/mesh/web.ts) bundled with
 * esbuild, on Chromium's own RTCPeerConnection and WebSocket, signing with a WebCrypto Ed25519
 * identity. The bundle's substitutions for the browser are in harness/pages/browser-bundle.ts.
 */
import { browserBundle } from './browser-bundle.js';

/** The page's agent as one IIFE script defining `window.Mesh` (see browser-bundle.ts). */
export function buildMeshBundle(): Promise<string> {
  return browserBundle('mesh', 'web', 'Mesh');
}

/**
 * The page: `conform.identity()` makes the WebCrypto identity (returns its agent id and raw
 * public key, base64); `conform.start({ url, room, roster })` joins with it; `sendAll(n)`
 * sends `n` signed messages to every bound peer; the rest read the agent for the harness.
 */
export async function meshPageHtml(): Promise<string> {
  const bundle = await buildMeshBundle();
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: mesh</title></head>
<body>
<script>${bundle.replace(/<\/script/gi, '<\\/script')}</script>
<script>
'use strict';
const state = { identity: null, agent: null, received: [], errors: [] };
const now = () => performance.timeOrigin + performance.now();
window.conform = {
  async identity() {
    state.identity = await Mesh.WebIdentity.generate();
    return { agentId: state.identity.agentId, publicKey: Mesh.toBase64(state.identity.publicKey) };
  },
  async start(s) {
    const agent = state.agent = await Mesh.WebMeshAgent.create({
      url: s.url, room: s.room, identity: state.identity, roster: s.roster.map((k) => Mesh.fromBase64(k)),
      heartbeatMs: 1000, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    agent.swarm.on('error', (e) => state.errors.push(String(e && e.message || e)));
    agent.onIFMessage((m, from) => state.received.push({ from, n: m.content.n, latencyMs: now() - m.content.sent_at }));
    await agent.initialize();
    return agent.agentId;
  },
  bound() { return state.agent ? state.agent.boundPeers().sort() : []; },
  async sendAll(n) {
    const t0 = performance.now();
    let sent = 0;
    for (const to of state.agent.boundPeers()) {
      for (let i = 0; i < n; i++) {
        await state.agent.sendIFMessage({ performative: 'inform', receiver: to, content: { n: i, sent_at: now() } });
        sent++;
      }
    }
    return { sent, ms: performance.now() - t0 };
  },
  received() { return state.received; },
  stats() { return state.agent.getStats(); },
  errors() { return state.errors; },
  async close() { if (state.agent) await state.agent.disconnect(); return true; },
};
</script>
</body></html>
`;
}
