/**
 * The encoder as it was when issue 12 was filed (commit eb317c9: no presets, the search that
 * became `quality`, no deblocking filter, no Intra 4x4, no WebAssembly), built beside today's so
 * that `npm run bench -- encoder` measures "a third of today's CPU" against the real thing in
 * one process. Its src/encoding is taken from git history into node_modules/.cache and
 * compiled there with the project's tsc (once, in about a second), like dist/. Undefined, with the
 * reason, when git history or the commit is not at hand (a shallow clone, a packed install).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { I420Frame } from '../src/encoding/index.js';

export const BEFORE_COMMIT = 'eb317c9';

/** The part of the old H264Encoder the bench drives. */
export interface BeforeEncoder {
  encode(frame: I420Frame): { data: Uint8Array; keyframe: boolean };
  reconstruction(): I420Frame;
}

export type BeforeEncoderClass = new (opts: { width: number; height: number; fps: number; bitrate?: number; qp?: number; keyInterval?: number }) => BeforeEncoder;

export async function loadBeforeEncoder(root = join(import.meta.dirname, '..')): Promise<BeforeEncoderClass | string> {
  const dir = join(root, 'node_modules', '.cache', 'spellbook-bench', BEFORE_COMMIT);
  const built = join(dir, 'dist', 'encoding', 'encoder.js');
  if (!existsSync(built)) {
    try {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const tar = execFileSync('git', ['-C', root, 'archive', BEFORE_COMMIT, 'src/encoding'], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
      execFileSync('tar', ['-x', '-C', dir], { input: tar });
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      // Every source named: tsc does not emit files it only reaches by import under node_modules.
      const sources = readdirSync(join(dir, 'src', 'encoding')).filter((f) => f.endsWith('.ts') && !/\.(test|fuzz)\.ts$/.test(f)).map((f) => join(dir, 'src', 'encoding', f));
      execFileSync(process.execPath, [tsc, '--outDir', join(dir, 'dist'), '--rootDir', join(dir, 'src'), '--module', 'nodenext', '--moduleResolution', 'nodenext',
        '--target', 'es2022', '--strict', '--skipLibCheck', '--types', 'node', '--ignoreConfig', ...sources], { cwd: root, stdio: 'ignore' });
      // Package scopes stop at node_modules: say that these .js files are ES modules.
      writeFileSync(join(dir, 'dist', 'package.json'), '{ "type": "module" }\n');
    } catch (error) {
      return `the encoder of ${BEFORE_COMMIT} could not be built here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
    }
  }
  const mod = (await import(pathToFileURL(built).href)) as { H264Encoder: BeforeEncoderClass };
  return mod.H264Encoder;
}
