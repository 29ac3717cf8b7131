/**
 * `spell push <pkg> <reference>` and `spell pull <reference> [-o file]` (src/registry).
 * References: oci://host:port/repo:tag (a registry), oci:<dir>:tag (an OCI layout directory),
 * or repo:tag (the local default layout). Credentials: --user with the password in
 * SPELLBOOK_REGISTRY_PASSWORD. A pull is verified before anything is cached or written.
 * Argument parsing and printing only. Exit codes: 0 done, 1 refused, 2 usage.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PackageCache } from '../src/package/index.js';
import { parseReference, pull, push, scopeOf, type Credentials } from '../src/registry/index.js';
import { refuse, trustFor, type PackIo } from './pack.js';
import { collect } from './options.js';

function credentials(user?: string): Credentials | undefined {
  if (!user) return undefined;
  return { username: user, password: process.env.SPELLBOOK_REGISTRY_PASSWORD ?? '' };
}

export function registerRegistry(program: Command, io: PackIo): void {
  program
    .command('push')
    .description('push a package to an OCI registry or layout directory (blobs the target has are skipped)')
    .argument('<package>', 'the .rmpkg file')
    .argument('<reference>', 'oci://host:port/repo:tag, oci:<dir>:tag or repo:tag')
    .option('--user <name>', 'registry user (password from SPELLBOOK_REGISTRY_PASSWORD)')
    .option('--plain-http', 'use http:// for a registry that is not on loopback')
    .action(async (file: string, reference: string, opts: { user?: string; plainHttp?: boolean }) => {
      try {
        const r = await push(new Uint8Array(readFileSync(file)), parseReference(reference, { plainHttp: opts.plainHttp }), { credentials: credentials(opts.user) });
        const c = r.counters;
        io.out(`pushed ${file} to ${reference}: ${r.digest}, ${r.signatures} signature(s); ${c.blobsUploaded} blobs uploaded (${c.bytesUploaded} bytes), ${c.blobsSkipped} already there\n`);
      } catch (e) {
        refuse(io, 'push', e);
      }
    });

  program
    .command('pull')
    .description('pull a package, verify it (signature, trust, digests), cache it by digest and optionally write it out')
    .argument('<reference>', 'oci://host:port/repo:tag, oci:<dir>:tag or repo:tag')
    .option('-o, --output <file>', 'write the verified package here')
    .option('--key <public.pem>', 'trust this Ed25519 public key (SPKI PEM); repeatable', collect)
    .option('--policy <file>', 'trust policy (JSON); default $XDG_CONFIG_HOME/spellbook/trust.json when no --key is given')
    .option('--user <name>', 'registry user (password from SPELLBOOK_REGISTRY_PASSWORD)')
    .option('--plain-http', 'use http:// for a registry that is not on loopback')
    .action(async (reference: string, opts: { output?: string; key?: string[]; policy?: string; user?: string; plainHttp?: boolean }) => {
      try {
        const ref = parseReference(reference, { plainHttp: opts.plainHttp });
        const r = await pull(ref, { trustedKeys: trustFor(scopeOf(ref), opts.key, opts.policy), cache: new PackageCache(), output: opts.output, credentials: credentials(opts.user) });
        io.out(`pulled ${reference}: ${r.package.name} ${r.package.digest}, signed by ${r.package.signedBy}; ${r.counters.blobsDownloaded} blobs fetched (${r.counters.bytesDownloaded} bytes), ${r.cached} from the cache${opts.output ? `; written to ${opts.output}` : ''}\n`);
      } catch (e) {
        refuse(io, 'pull', e);
      }
    });
}
