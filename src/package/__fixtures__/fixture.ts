/** Test helpers: a pipeline directory with a WASM module and a model file, and openssl-made Ed25519 keys. */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GAIN_WASM = fileURLToPath(new URL('../../sandbox/examples/gain.wasm', import.meta.url));

export const MANIFEST = `version: v1
metadata:
  name: gain-demo
  description: halves the audio, with a model file carried along
nodes:
  - id: gain
    node_type: WasmNode
    params: {module: wasm/gain.wasm, kind: audio}
  - id: level
    node_type: AudioLevelNode
    params: {model_path: models/tiny.bin}
connections:
  - {from: gain, to: level}
`;

export function pipelineDir(modelBytes = Buffer.from('model weights \\x00\\x01\\x02')): { dir: string; manifest: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rmpkg-'));
  mkdirSync(join(dir, 'wasm'));
  mkdirSync(join(dir, 'models'));
  copyFileSync(GAIN_WASM, join(dir, 'wasm/gain.wasm'));
  writeFileSync(join(dir, 'models/tiny.bin'), modelBytes);
  writeFileSync(join(dir, 'pipeline.yaml'), MANIFEST);
  return { dir, manifest: join(dir, 'pipeline.yaml') };
}

export interface KeyFiles {
  privatePem: string;
  publicPem: string;
  dir: string;
}

/** An Ed25519 key pair made by openssl, as PEM files (PKCS#8 private, SPKI public). */
export function opensslKey(): KeyFiles {
  const dir = mkdtempSync(join(tmpdir(), 'rmkey-'));
  const privatePem = join(dir, 'key.pem');
  const publicPem = join(dir, 'key.pub.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', privatePem]);
  execFileSync('openssl', ['pkey', '-in', privatePem, '-pubout', '-out', publicPem]);
  return { privatePem, publicPem, dir };
}

export const read = (p: string) => readFileSync(p);
