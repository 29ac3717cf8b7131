/**
 * The Chromium side of the `swarm` scenario and of src/swarm's browser test: the same swarm
 * agent code as Node's (src/swarm/browser.ts), bundled with esbuild for the page, on
 * Chromium's own RTCPeerConnection and WebSocket (the bundle's substitutions for the browser
 * are in harness/pages/browser-bundle.ts).
 */
import { browserBundle } from './browser-bundle.js';

/** The page's agent as one IIFE script defining `window.Swarm` (see browser-bundle.ts). */
export function buildSwarmBundle(): Promise<string> {
  return browserBundle('swarm', 'browser', 'Swarm');
}

/** Settings the page's agent starts with. */
export interface PageAgentSettings {
  url: string;
  room: string;
  peerId: string;
  heartbeatMs?: number;
  pruneAfterMs?: number;
}

/**
 * The page: `window.conform.start(settings)` starts a BrowserSwarmAgent that runs `sum` tasks,
 * votes `yes`, and records `hello` messages; the other functions read it for the harness.
 */
export async function swarmPageHtml(): Promise<string> {
  const bundle = await buildSwarmBundle();
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>spell conform: swarm</title></head>
<body>
<script>${bundle.replace(/<\/script/gi, '<\\/script')}</script>
<script>
'use strict';
const state = { agent: null, received: [], errors: [], left: [], artifacts: [] };
window.conform = {
  async start(s) {
    const agent = state.agent = new Swarm.BrowserSwarmAgent({
      url: s.url, room: s.room, peerId: s.peerId,
      heartbeatMs: s.heartbeatMs, pruneAfterMs: s.pruneAfterMs,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    });
    agent.on('error', (e) => state.errors.push(String(e && e.message || e)));
    agent.on('peer-left', (e) => state.left.push(e));
    agent.registerTaskExecutor('sum', async (input, ctx) => {
      ctx.progress(0.5);
      return input.reduce((a, b) => a + b, 0);
    });
    agent.registerVoteHandler(() => 'yes');
    agent.registerMessageHandler('hello', (payload, from) => state.received.push({ from, text: payload.text }));
    agent.registerArtifactHandler((a) => state.artifacts.push({ from: a.from, name: a.name, size: a.data.length, sha256: a.sha256 }));
    const joined = await agent.initialize();
    return joined.peerId;
  },
  connected() { return state.agent ? state.agent.connectedPeers().sort() : []; },
  received() { return state.received; },
  artifacts() { return state.artifacts; },
  /** Sends \`size\` bytes (byte i = (i * 31 + 7) & 255) to \`peerId\`; resolves with what the receiver acknowledged. */
  sendArtifact(peerId, size, name) {
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 255;
    return state.agent.sendArtifact(peerId, data, name);
  },
  left() { return state.left; },
  errors() { return state.errors; },
  broadcast(payload) { return state.agent.broadcast(payload); },
  stats() { return state.agent.getStats(); },
  signaling() { return state.agent.getSignalingStatus(); },
  async close() { if (state.agent) await state.agent.disconnect(); return true; },
};
</script>
</body></html>
`;
}
