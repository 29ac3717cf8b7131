/**
 * Fuzz target for what an executor reads when a caller sends it a package:
 * - `remote.package-transfer`: mutated sequences of data channel messages (a `package`
 *   announcement with its digest and size, then `package-data` parts) read by a WireReader and
 *   fed to the executor's transfer handling (ExecutorPackages: begin, push, receive), which checks
 *   the size and the digest and verifies the package with a fixed trusted key. Only RemoteError
 *   ('bad-message' with its offset, 'too-large') or PackageError may escape, a refused transfer
 *   releases its reservation, and nothing unverified is cached.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { keyIdOf, packManifest, PackageError } from '../package/index.js';
import { RemoteError } from './errors.js';
import { ExecutorPackages, type PackageTransfer } from './packages.js';
import { pack as packBytes } from './remote.fuzz.js';
import { encodeMessage, WireReader, type WireMessage } from './wire.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.alloc(32, 11)]), format: 'der', type: 'pkcs8' });
const publicKey = createPublicKey(privateKey);
const MANIFEST = new TextEncoder().encode('version: v1\nmetadata: {name: sent}\nnodes:\n  - {id: a, node_type: AudioLevelNode}\nconnections: []\n');
const pkg = await packManifest(MANIFEST, { baseDir: '/nonexistent', key: { privateKey, publicKey, keyId: keyIdOf(publicKey) }, format: 'yaml' });
const cacheDir = mkdtempSync(join(tmpdir(), 'fuzz-transfer-'));
// Made when the module loads (the fuzz runner imports every target file, even to run others).
process.once('exit', () => rmSync(cacheDir, { recursive: true, force: true }));
const packages = new ExecutorPackages({ trustedKeys: [publicKey], cacheDir, maxPackageBytes: 1 << 20 });

/** Messages joined as [u16 length][bytes]... (remote.fuzz.ts's framing). */
function pack(messages: WireMessage[]): Uint8Array {
  return packBytes(messages.map((m) => encodeMessage(m)));
}

function transfer(session: number, digest: string, bytes: Uint8Array, part = 1024): WireMessage[] {
  const out: WireMessage[] = [{ type: 'package', session, digest, size: bytes.length }];
  for (let at = 0; at < bytes.length; at += part) out.push({ type: 'package-data', session, bytes: bytes.subarray(at, at + part) });
  return out;
}

export const targets: FuzzTarget[] = [
  {
    name: 'remote.package-transfer',
    seeds: [
      pack(transfer(1, pkg.digest, pkg.bytes)),
      pack(transfer(2, `sha256:${'0'.repeat(64)}`, pkg.bytes, 4096)),
      pack([...transfer(3, pkg.digest, pkg.bytes.subarray(0, 2048)), { type: 'package-data', session: 3, bytes: pkg.bytes.subarray(2048, 4096) }]),
    ],
    maxLength: 64 * 1024,
    maxCaseMs: 1000,
    run(input) {
      const reader = new WireReader();
      const open = new Map<number, PackageTransfer>();
      let stored = 0;
      let refused: unknown;
      try {
        for (let at = 0; at + 2 <= input.length;) {
          const length = (input[at]! << 8) | input[at + 1]!;
          const message = input.subarray(at + 2, Math.min(input.length, at + 2 + length));
          at += 2 + length;
          let msg: WireMessage | undefined;
          try {
            msg = reader.push(message);
          } catch (e) {
            refused ??= e;
            continue;
          }
          if (msg?.type === 'package' && !open.has(msg.session)) {
            open.set(msg.session, packages.begin(msg.digest, msg.size));
          } else if (msg?.type === 'package-data') {
            const t = open.get(msg.session);
            if (!t || !t.push(msg.bytes)) continue;
            open.delete(msg.session);
            try {
              const v = packages.receive(t);
              if (v.digest !== t.digest || packages.cache.getLayout(t.digest) === undefined) throw new Error('a stored package is not the one named, or not cached');
              stored++;
            } finally {
              packages.release(t);
            }
          }
        }
      } finally {
        for (const t of open.values()) packages.release(t);
      }
      if (refused) throw refused;
      return stored;
    },
    isExpectedError: (e) => (e instanceof RemoteError && (e.code === 'bad-message' || e.code === 'too-large')) || e instanceof PackageError,
  },
];
