/**
 * References: `oci://host[:port]/repository[:tag|@sha256:hex]` for a registry (HTTP on
 * loopback hosts, HTTPS elsewhere unless told), `oci:<directory>[:tag]` for a local OCI layout
 * (skopeo's spelling), and a bare `repository[:tag]` for the local default layout under
 * `$XDG_DATA_HOME/spellbook/oci/<repository>`. Repository names follow the distribution spec:
 * `[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*`; tags `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { REGISTRY_DEFAULTS, REGISTRY_LIMITS, RegistryMessages } from './constants.js';
import { RegistryError } from './errors.js';

export type Reference =
  | { kind: 'registry'; host: string; repository: string; tag?: string; digest?: string; plainHttp: boolean; text: string }
  | { kind: 'layout'; dir: string; tag?: string; digest?: string; text: string };

const REPO = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function splitRef(rest: string, text: string): { name: string; tag?: string; digest?: string } {
  const at = rest.indexOf('@');
  if (at >= 0) {
    const digest = rest.slice(at + 1);
    if (!DIGEST.test(digest)) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, 'a digest is sha256: and 64 hex digits'));
    return { name: rest.slice(0, at), digest };
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    const tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, `tag ${JSON.stringify(tag)} is not [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`));
    return { name: rest.slice(0, colon), tag };
  }
  return { name: rest };
}

export function defaultLayoutRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, REGISTRY_DEFAULTS.dataSubdir);
}

export function parseReference(text: string, options: { plainHttp?: boolean; layoutRoot?: string } = {}): Reference {
  if (text.startsWith('oci://')) {
    const rest = text.slice('oci://'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, 'oci://host[:port]/repository[:tag]'));
    const host = rest.slice(0, slash);
    if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/.test(host)) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, `host ${JSON.stringify(host)}`));
    const { name, tag, digest } = splitRef(rest.slice(slash + 1), text);
    if (!REPO.test(name) || name.length > REGISTRY_LIMITS.maxNameLength) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, `repository ${JSON.stringify(name)} must be lowercase path components of a-z 0-9 . _ -`));
    const hostname = host.replace(/:\d+$/, '');
    const loopback = hostname === 'localhost' || /^127\./.test(hostname) || hostname === '[::1]';
    return { kind: 'registry', host, repository: name, tag: tag ?? (digest ? undefined : REGISTRY_DEFAULTS.tag), digest, plainHttp: options.plainHttp ?? loopback, text };
  }
  if (text.startsWith('oci:')) {
    const rest = text.slice('oci:'.length);
    const colon = rest.lastIndexOf(':');
    const at = rest.lastIndexOf('@');
    let dir = rest;
    let tag: string | undefined;
    let digest: string | undefined;
    if (at > rest.lastIndexOf('/') && at >= 0) {
      dir = rest.slice(0, at);
      digest = rest.slice(at + 1);
      if (!DIGEST.test(digest)) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, 'a digest is sha256: and 64 hex digits'));
    } else if (colon > rest.lastIndexOf('/')) {
      dir = rest.slice(0, colon);
      tag = rest.slice(colon + 1);
      if (!TAG.test(tag)) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, `tag ${JSON.stringify(tag)}`));
    }
    if (!dir) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, 'oci:<directory>[:tag]'));
    return { kind: 'layout', dir: resolve(dir), tag: tag ?? (digest ? undefined : REGISTRY_DEFAULTS.tag), digest, text };
  }
  const { name, tag, digest } = splitRef(text, text);
  if (!REPO.test(name)) throw new RegistryError('bad-reference', RegistryMessages.badReference(text, 'oci://host/repository[:tag], oci:<directory>[:tag] or repository[:tag]'));
  return { kind: 'layout', dir: join(options.layoutRoot ?? defaultLayoutRoot(), name), tag: tag ?? (digest ? undefined : REGISTRY_DEFAULTS.tag), digest, text };
}

/** The trust-policy scope of a reference (docs/package.md): oci://host/repository, or oci:<dir>. */
export function scopeOf(ref: Reference): string {
  return ref.kind === 'registry' ? `oci://${ref.host}/${ref.repository}` : `oci:${ref.dir}`;
}
