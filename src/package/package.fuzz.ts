/**
 * Fuzz targets for the package reader (verify before load), with a fixed Ed25519 key so the
 * seeds are the same on every run:
 * - `package.archive`: verifyPackage over mutated .rmpkg tars (tar, layout, manifests, signature);
 * - `package.index`: a valid package with its index.json replaced by mutated bytes;
 * - `package.manifest`: a valid package with its package manifest blob replaced (index updated
 *   to the new digest and size), so mutations reach the manifest and signature checks.
 * Only PackageError (with its code) may escape.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { PackageError } from './errors.js';
import { keyIdOf } from './keys.js';
import { blobPath, sha256, type OciIndex } from './layout.js';
import { packManifest } from './pack.js';
import { verifyLayoutFiles, verifyPackage } from './verify.js';

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.alloc(32, 7)]), format: 'der', type: 'pkcs8' });
const publicKey = createPublicKey(privateKey);
const key = { privateKey, publicKey, keyId: keyIdOf(publicKey) };

const MANIFEST = new TextEncoder().encode(
  'version: v1\nmetadata: {name: fuzz}\nnodes:\n  - {id: a, node_type: AudioChunkerNode, params: {chunk_size: 512}}\n  - {id: b, node_type: AudioLevelNode}\nconnections:\n  - {from: a, to: b}\n',
);
const seed = await packManifest(MANIFEST, { baseDir: '/nonexistent', key, format: 'yaml' });
const trust = { trustedKeys: [publicKey] };
const index = JSON.parse(Buffer.from(seed.files.get('index.json')!).toString()) as OciIndex;
const packageDigest = seed.digest;

const expected = (e: unknown) => e instanceof PackageError && typeof e.code === 'string';

export const targets: FuzzTarget[] = [
  {
    name: 'package.archive',
    seeds: [seed.bytes],
    run: (input) => verifyPackage(input, trust).digest,
    isExpectedError: expected,
  },
  {
    name: 'package.index',
    seeds: [seed.files.get('index.json')!],
    run(input) {
      const files = new Map(seed.files);
      files.set('index.json', input);
      return verifyLayoutFiles(files, trust).digest;
    },
    isExpectedError: expected,
  },
  {
    name: 'package.manifest',
    seeds: [seed.files.get(blobPath(packageDigest))!],
    run(input) {
      const files = new Map(seed.files);
      const digest = sha256(input);
      files.delete(blobPath(packageDigest));
      files.set(blobPath(digest), input);
      const ix = structuredClone(index);
      for (const d of ix.manifests) if (d.digest === packageDigest) Object.assign(d, { digest, size: input.length });
      files.set('index.json', new TextEncoder().encode(JSON.stringify(ix)));
      return verifyLayoutFiles(files, trust).digest;
    },
    isExpectedError: expected,
  },
];
