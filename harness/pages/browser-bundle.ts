/**
 * The agent code of src/ bundled with esbuild for a page, for the swarm and mesh pages: one
 * IIFE script defining `window.<globalName>`, on Chromium's own RTCPeerConnection, WebSocket
 * and WebCrypto. The bundle replaces what the browser path never loads: `node-datachannel` and
 * `ws` by empty modules; the signaling and data channel indexes by the client and the event
 * emitter they re-export; the swarm index by its browser entry; the envelope index by its
 * browser-safe half plus its constants.
 *
 * esbuild (a dependency of the package) is loaded only when a scenario asks for a page. Run
 * from source or from the build: both hold src/<module>/.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `<dir>/<name>.ts` from source, `<dir>/<name>.js` from the build. */
function sourceOf(dir: string, name: string): string {
  const ts = resolve(dir, `${name}.ts`);
  return existsSync(ts) ? ts : resolve(dir, `${name}.js`);
}

const cache = new Map<string, Promise<string>>();

/** `src/<module>/<entry>` as a browser script defining `window.<globalName>`; built once per process. */
export function browserBundle(module: string, entry: string, globalName: string): Promise<string> {
  const key = `${module}/${entry}:${globalName}`;
  let built = cache.get(key);
  if (!built) {
    built = (async () => {
      const esbuild = await import('esbuild');
      const result = await esbuild.build({
        entryPoints: [sourceOf(resolve(ROOT, 'src', module), entry)],
        bundle: true,
        format: 'iife',
        globalName,
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'silent',
        plugins: [
          {
            name: 'spellbook-browser',
            setup(b) {
              const dirOf = (a: { resolveDir: string; path: string }) => resolve(a.resolveDir, dirname(a.path));
              b.onResolve({ filter: /^(node-datachannel|ws)$/ }, (a) => ({ path: a.path, namespace: 'browser-stub' }));
              b.onResolve({ filter: /signaling\/index\.js$/ }, (a) => ({ path: sourceOf(dirOf(a), 'client') }));
              b.onResolve({ filter: /datachannel\/index\.js$/ }, (a) => ({ path: sourceOf(dirOf(a), 'emitter') }));
              b.onResolve({ filter: /swarm\/index\.js$/ }, (a) => ({ path: sourceOf(dirOf(a), 'browser') }));
              b.onResolve({ filter: /envelope\/index\.js$/ }, (a) => ({ path: dirOf(a), namespace: 'browser-envelope' }));
              b.onLoad({ filter: /.*/, namespace: 'browser-stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
              b.onLoad({ filter: /.*/, namespace: 'browser-envelope' }, (a) => ({
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
    cache.set(key, built);
  }
  return built;
}
