/**
 * `npm run bench -- envelope`: Ed25519 sign and verify per second with node:crypto (what
 * spellbook/envelope uses) side by side with @noble/ed25519 (pure JS, the users' suggested
 * library; sync API with node:crypto's SHA-512 plugged in), over the bytes of a real signed
 * envelope; then whole envelopes: compose + canonicalize + sign, and EnvelopeVerifier.verify
 * (parse, schema, canonical JSON, signature, freshness, replay). Wall-clock rates (bench/lib.ts).
 * `BENCH_MS` shortens each measurement (default 1000 ms).
 */
import { createHash } from 'node:crypto';
import * as noble from '@noble/ed25519';
import { EnvelopeComposer, EnvelopeVerifier, NodeIdentity, signingBytes, verifyEd25519 } from '../src/envelope/index.js';
import { measure as measureWall, printComparison, printFigure } from './lib.js';

const MS = Number(process.env.BENCH_MS ?? 1000);
const measure = (name: string, fn: () => void, ms = MS) => measureWall(name, fn, ms);

noble.hashes.sha512 = (m: Uint8Array) => new Uint8Array(createHash('sha512').update(m).digest());

const seed = new Uint8Array(32).fill(7);
const identity = NodeIdentity.fromSeed(seed);
const composer = new EnvelopeComposer(identity);
const draft = {
  performative: 'inform' as const,
  receiver: 'if://agent/*',
  conversation_id: 'if://conversation/bench',
  content: { task: { id: 42, steps: ['fetch', 'parse', 'summarise'], weights: [0.25, 0.5, 0.25] }, text: 'x'.repeat(200) },
  scope: { mission_id: 'bench', workflow: 'mesh', domain: 'lab' },
};
const sample = composer.seal(draft);
const bytes = signingBytes(sample);
const nodeSig = identity.sign(bytes);
const nobleSig = noble.sign(bytes, seed);
if (Buffer.compare(Buffer.from(nodeSig), Buffer.from(nobleSig)) !== 0) throw new Error('node:crypto and @noble/ed25519 disagree on a signature');
if (!noble.verify(nodeSig, bytes, identity.publicKey)) throw new Error('@noble/ed25519 refused a node:crypto signature');

console.log(`signed bytes per envelope: ${bytes.length}`);
printComparison('Ed25519 sign', measure('node:crypto', () => identity.sign(bytes)), measure('@noble/ed25519', () => noble.sign(bytes, seed)), 1);
printComparison('Ed25519 verify', measure('node:crypto', () => verifyEd25519(identity.publicKey, bytes, nodeSig)), measure('@noble/ed25519', () => noble.verify(nobleSig, bytes, identity.publicKey)), 1);

printFigure('envelope seal (compose, canonical JSON, sign)', measure('EnvelopeComposer.seal', () => composer.seal(draft)));
const stream: string[] = [];
for (let i = 0; i < 20_000; i++) stream.push(JSON.stringify(composer.seal(draft)));
let at = 0;
const verifier = new EnvelopeVerifier({ keys: () => identity.publicKey, replayWindow: 1 << 16, nonceCacheSize: 1 << 16 });
printFigure('envelope verify (parse, schema, canonical JSON, signature, ttl, replay)', measure('EnvelopeVerifier.verify', () => {
  if (at === stream.length) throw new Error('bench ran out of fresh envelopes: raise the stream size');
  verifier.verify(stream[at++]);
}, Math.min(MS, 1000)));
