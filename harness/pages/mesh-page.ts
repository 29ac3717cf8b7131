/**
 * The Chromium side of the `mesh` scenario: `WebMeshAgent` (src/mesh/web.ts) bundled with
 * esbuild, on Chromium's own RTCPeerConnection and WebSocket, signing with a WebCrypto Ed25519
 * identity. The bundle makes the substitutions of harness/pages/swarm-page.ts (Node-only
 * `node-datachannel` and `ws` by empty modules, the signaling and data channel indexes by the
 * client and the emitter) and two more: the swarm index by its browser entry, and the
 * envelope index by its browser-safe half plus its constants.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function sourceOf(dir: string, name: string): string {
  const ts = resolve(dir, `${name}.ts`);
  return existsSync(ts) ? ts : resolve(dir, `${name}.js`);
}

let cached: Promise<string> | undefined;

/** The page's mesh agent as one IIFE script defining `window.Mesh`. */
export function buildMeshBundle(): Promise<string> {
  cached ??= (async () => {
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [sourceOf(resolve(ROOT, 'src', 'mesh'), 'web')],
      bundle: true,
      format: 'iife',
      globalName: 'Mesh',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      plugins: [
        {
          name: 'mesh-browser',
          setup(b) {
            const dirOf = (a: { resolveDir: string; path: string }) => resolve(a.resolveDir, dirname(a.path));
            b.onResolve({ filter: /^(node-datachannel|ws)$/ }, (a) => ({ path: a.path, namespace: 'mesh-stub' }));
            b.onResolve({ filter: /signaling\/index\.js$/ }, (a) => ({ path: sourceOf(dirOf(a), 'client') }));
            b.onResolve({ filter: /datachannel\/index\.js$/ }, (a) => ({ path: sourceOf(dirOf(a), 'emitter') }));
            b.onResolve({ filter: /swarm\/index\.js$/ }, (a) => ({ path: sourceOf(dirOf(a), 'browser') }));
            b.onResolve({ filter: /envelope\/index\.js$/ }, (a) => ({ path: dirOf(a), namespace: 'mesh-envelope' }));
            b.onLoad({ filter: /.*/, namespace: 'mesh-stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
            b.onLoad({ filter: /.*/, namespace: 'mesh-envelope' }, (a) => ({
              contents: `export * from ${JSON.stringify(sourceOf(a.path, 'web'))};\nexport { ENVELOPE_ERROR_CODES, SDP_BINDING_ERRORS } from ${JSON.stringify(sourceOf(a.path, 'constants'))};\n`,
              loader: 'js',
              resolveDir: a.path,
            }));
          },
        },
      ],
    });
    return result.outputFiles[0]!.text;
  })();
  return cached;
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
