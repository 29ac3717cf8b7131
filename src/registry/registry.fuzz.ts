/**
 * Fuzz targets for what the registry client reads from outside:
 * - `registry.reference`: parseReference over mutated references; only RegistryError 'bad-reference' may escape;
 * - `registry.challenge`: parseChallenge over mutated WWW-Authenticate headers; it never throws.
 * (Manifests, indexes and blobs a registry sends are read by src/package's checks, fuzzed there.)
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { RegistryError } from './errors.js';
import { parseChallenge } from './http-store.js';
import { parseReference } from './reference.js';

const enc = (s: string) => new TextEncoder().encode(s);

export const targets: FuzzTarget[] = [
  {
    name: 'registry.reference',
    seeds: ['oci://127.0.0.1:5000/pipelines/gain:1.0', 'oci://registry.example/a/b@sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', 'oci:/tmp/layout:v2', 'pipelines/gain:3'].map(enc),
    run: (input) => parseReference(new TextDecoder().decode(input), { layoutRoot: '/tmp/fuzz-layouts' }).kind,
    isExpectedError: (e) => e instanceof RegistryError && e.code === 'bad-reference',
  },
  {
    name: 'registry.challenge',
    seeds: ['Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"', 'Basic realm="test"'].map(enc),
    run: (input) => parseChallenge(new TextDecoder().decode(input))?.scheme,
    isExpectedError: () => false,
  },
];
