/**
 * `spell pack <manifest> -o <file>.rmpkg [--key key.pem] [--tag t]` and
 * `spell verify <pkg> [--key pub.pem]... [--policy file]` (src/package). Argument parsing and
 * printing only. Exit codes: 0 done / verified, 1 refused (the reason on stderr), 2 usage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { KeyObject } from 'node:crypto';
import { defaultPolicyPath, loadPolicy, loadPrivateKey, loadPublicKey, PackageError, packageFileName, packPipeline, trustedKeys, verifyPackage } from '../src/package/index.js';
import { collect } from './options.js';

export interface PackIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

/** Keys from --key files plus the policy's keys for `scope` (the given policy, else the default one if present). */
export function trustFor(scope: string, keyFiles: string[] = [], policyFile?: string): KeyObject[] {
  const keys = keyFiles.map((f) => loadPublicKey(readFileSync(f), f));
  const path = policyFile ?? (keyFiles.length === 0 && existsSync(defaultPolicyPath()) ? defaultPolicyPath() : undefined);
  if (path) keys.push(...trustedKeys(loadPolicy(path), scope));
  return keys;
}

export function refuse(io: PackIo, command: string, e: unknown): void {
  if (e instanceof PackageError || (e instanceof Error && ['RegistryError', 'SandboxError'].includes(e.name))) {
    io.err(`spell ${command}: ${e.message}\n`);
    io.setExitCode((e as PackageError).code === 'bad-input' || (e as PackageError).code === 'bad-key' || (e as PackageError).code === 'bad-policy' ? 2 : 1);
    return;
  }
  if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
    io.err(`spell ${command}: no such file: ${(e as NodeJS.ErrnoException).path}\n`);
    io.setExitCode(2);
    return;
  }
  throw e;
}

export function registerPack(program: Command, io: PackIo): void {
  program
    .command('pack')
    .description('package a pipeline manifest, its WASM modules and model files as a signed .rmpkg (OCI image layout in a deterministic tar)')
    .argument('<manifest>', 'the pipeline manifest (RemoteMedia v1, JSON or YAML)')
    .option('-o, --output <file>', 'the package file (default <name>.rmpkg)')
    .option('--key <private.pem>', 'sign with this Ed25519 key (PKCS#8 PEM, as openssl genpkey -algorithm ed25519 writes it)')
    .option('--tag <tag>', 'the tag recorded in the layout', 'latest')
    .action(async (manifest: string, opts: { output?: string; key?: string; tag: string }) => {
      try {
        const key = opts.key ? loadPrivateKey(readFileSync(opts.key), opts.key) : undefined;
        const pkg = await packPipeline(manifest, { key, tag: opts.tag });
        const output = opts.output ?? packageFileName(pkg.name);
        writeFileSync(output, pkg.bytes);
        io.out(`packed ${output}: ${pkg.digest} (${pkg.bytes.length} bytes, ${pkg.files.size - 2} blobs, ${key ? `signed by ${key.keyId}` : 'unsigned: verify will refuse it'})\n`);
      } catch (e) {
        refuse(io, 'pack', e);
      }
    });

  program
    .command('verify')
    .description('check a package without running it: paths, digests, signature and trust')
    .argument('<package>', 'the .rmpkg file')
    .option('--key <public.pem>', 'trust this Ed25519 public key (SPKI PEM); repeatable', collect)
    .option('--policy <file>', 'trust policy (JSON); default $XDG_CONFIG_HOME/spellbook/trust.json when no --key is given')
    .action((file: string, opts: { key?: string[]; policy?: string }) => {
      try {
        const bytes = new Uint8Array(readFileSync(file));
        const v = verifyPackage(bytes, { trustedKeys: trustFor(`file:${resolve(file)}`, opts.key, opts.policy) });
        io.out(`verified ${file}: ${v.name} ${v.digest}\n`);
        io.out(`  signed by ${v.signedBy}\n`);
        io.out(`  pipeline ${v.pipeline.digest} (${v.pipeline.manifest.nodes.length} nodes)\n`);
        for (const [name, b] of v.modules) io.out(`  wasm  ${name} (${b.length} bytes)\n`);
        for (const [name, b] of v.models) io.out(`  model ${name} (${b.length} bytes)\n`);
      } catch (e) {
        refuse(io, 'verify', e);
      }
    });
}
