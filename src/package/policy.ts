/**
 * The trust policy: which public keys are trusted for which packages, by where they come from.
 *
 * ```json
 * { "version": 1,
 *   "trust": [
 *     { "scope": "oci://registry.example:5000/pipelines/*", "keys": ["keys/release.pub.pem"] },
 *     { "scope": "file:*", "keys": ["-----BEGIN PUBLIC KEY-----\n..."] } ] }
 * ```
 * A scope is `oci://host[:port]/repository` (without tag), `file:<path>` for a package file, or
 * a pattern where `*` matches any run of characters. Keys are SPKI PEM text or paths to PEM
 * files relative to the policy file. Every entry whose scope matches contributes its keys.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { PackageMessages } from './constants.js';
import { PackageError } from './errors.js';
import { loadPublicKey } from './keys.js';

export interface TrustEntry {
  scope: string;
  keys: KeyObject[];
}

export interface TrustPolicy {
  entries: TrustEntry[];
}

const bad = (why: string, path?: string) => new PackageError('bad-policy', PackageMessages.badPolicy(why), { path });

/** Read a policy document (JSON); key paths resolve against `baseDir`. */
export function parsePolicy(text: string, baseDir = '.', source = 'policy'): TrustPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(`${source} is not JSON: ${(e as Error).message}`, source);
  }
  const d = doc as { version?: unknown; trust?: unknown };
  if (typeof d !== 'object' || d === null || d.version !== 1 || !Array.isArray(d.trust)) throw bad(`${source} needs "version": 1 and a "trust" array`, source);
  const entries: TrustEntry[] = [];
  d.trust.forEach((t: unknown, i: number) => {
    const e = t as { scope?: unknown; keys?: unknown };
    if (typeof e !== 'object' || e === null || typeof e.scope !== 'string' || !e.scope || !Array.isArray(e.keys) || e.keys.some((k) => typeof k !== 'string')) {
      throw bad(`${source}: trust[${i}] needs a "scope" string and a "keys" array of strings`, source);
    }
    const keys = (e.keys as string[]).map((k, j) =>
      k.includes('-----BEGIN') ? loadPublicKey(k, `${source} trust[${i}].keys[${j}]`) : loadPublicKey(readKeyFile(isAbsolute(k) ? k : join(baseDir, k), source), k),
    );
    entries.push({ scope: e.scope, keys });
  });
  return { entries };
}

function readKeyFile(path: string, source: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw bad(`${source}: cannot read key file ${path}: ${(e as Error).message}`, path);
  }
}

export function loadPolicy(path: string): TrustPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw bad(`cannot read ${path}: ${(e as Error).message}`, path);
  }
  return parsePolicy(text, join(path, '..'), path);
}

export function scopeMatches(pattern: string, scope: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(scope);
}

/** The keys trusted for a package from `scope`. */
export function trustedKeys(policy: TrustPolicy | undefined, scope: string): KeyObject[] {
  if (!policy) return [];
  return policy.entries.filter((e) => scopeMatches(e.scope, scope)).flatMap((e) => e.keys);
}

/** `$XDG_CONFIG_HOME/spellbook/trust.json` (else ~/.config/spellbook/trust.json): the policy used when none is given. */
export function defaultPolicyPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'spellbook', 'trust.json');
}
