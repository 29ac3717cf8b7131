/**
 * The SDP fixtures of the repository, for tests, fuzz seeds and the benchmark: the hand-made
 * Firefox/Safari-style files in `fixtures/sdp/` and the real captures under `fixtures/chrome/`
 * (Chrome and node-datachannel), whichever exist. Not part of the public API (and not built:
 * `__fixtures__` is excluded from the package).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface SdpFixture {
  /** Path relative to the repository root, e.g. `fixtures/chrome/sdp/chrome-offer-av-data.sdp`. */
  readonly name: string;
  readonly text: string;
  /** From the file name: offer, answer, or undefined. */
  readonly type: 'offer' | 'answer' | undefined;
  /** True for real captures (fixtures/chrome), false for hand-made ones. */
  readonly captured: boolean;
}

export const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..');

function sdpFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sdpFiles(path));
    else if (name.endsWith('.sdp')) out.push(path);
  }
  return out;
}

export function loadSdpFixtures(): SdpFixture[] {
  const dirs = [join(REPOSITORY_ROOT, 'fixtures', 'sdp'), join(REPOSITORY_ROOT, 'fixtures', 'chrome')];
  return dirs.flatMap((dir) =>
    sdpFiles(dir).map((path) => {
      const name = relative(REPOSITORY_ROOT, path);
      const base = name.slice(name.lastIndexOf('/') + 1);
      return {
        name,
        text: readFileSync(path, 'utf8'),
        type: base.includes('offer') ? 'offer' : base.includes('answer') ? 'answer' : undefined,
        captured: name.startsWith('fixtures/chrome'),
      };
    }),
  );
}
