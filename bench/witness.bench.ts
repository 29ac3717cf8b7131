/**
 * `npm run bench -- witness`: appends per second to a WitnessLog (file-backed, no fsync; and
 * in memory), inclusion and consistency proof sizes and times at 100,000 entries, checkpoint
 * signing, and `verifyLog` over the whole file (the work `spell witness verify` does).
 * `WITNESS_BENCH_ENTRIES` sets the log size (default 100,000).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeIdentity } from '../src/envelope/index.js';
import { WitnessLog, leafHash, parseCheckpoint, verifyConsistency, verifyInclusion, verifyLog } from '../src/witness/index.js';

const N = Number(process.env.WITNESS_BENCH_ENTRIES ?? 100_000);
const identity = NodeIdentity.fromSeed(new Uint8Array(32).fill(3));
const dir = mkdtempSync(join(tmpdir(), 'witness-bench-'));
const path = join(dir, 'log.jsonl');
const sha = createHash('sha256').update('v=0').digest('hex');
const event = (i: number) =>
  i % 4 < 2
    ? { type: (i % 2 ? 'leave' : 'join') as 'join' | 'leave', room: `room-${i % 50}`, peerId: `peer-${i % 997}`, at: 1_790_000_000_000 + i }
    : { type: (i % 2 ? 'answer' : 'offer') as 'offer' | 'answer', room: `room-${i % 50}`, peerId: `peer-${i % 997}`, to: `peer-${(i + 1) % 997}`, sdpSha256: sha, at: 1_790_000_000_000 + i };
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

try {
  const file = WitnessLog.open(path, { origin: 'bench/witness', signer: { name: 'bench', signer: identity } });
  const append = timed(() => { for (let i = 0; i < N; i++) file.record(event(i)); });
  console.log(`append to file (no fsync)      ${fmt(N / (append.ms / 1000))} entries/s  (${N} entries, ${(statSync(path).size / 1048576).toFixed(1)} MiB)`);
  const mem = WitnessLog.inMemory({ origin: 'bench/witness' });
  const appendMem = timed(() => { for (let i = 0; i < N; i++) mem.record(event(i)); });
  console.log(`append in memory               ${fmt(N / (appendMem.ms / 1000))} entries/s`);

  const cp = timed(() => file.checkpoint());
  console.log(`checkpoint (root + signature)  ${cp.ms.toFixed(2)} ms`);
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const root = file.root();
  const rounds = 1000;
  let proofBytes = 0;
  const incl = timed(() => {
    for (let r = 0; r < rounds; r++) {
      const i = (r * 7919) % N;
      const proof = file.inclusionProof(i);
      proofBytes = proof.length * 32;
      if (!verifyInclusion(leafHash(new TextEncoder().encode(lines[i])), i, N, proof, root)) throw new Error('inclusion proof failed');
    }
  });
  console.log(`inclusion proof at ${N}       ${proofBytes} bytes, ${((incl.ms / rounds) * 1000).toFixed(0)} us to build and verify`);
  const older = Math.floor(N * 0.6) + 1;
  const cons = timed(() => {
    for (let r = 0; r < rounds; r++) {
      const proof = file.consistencyProof(older - (r % 100));
      proofBytes = proof.length * 32;
      if (!verifyConsistency(older - (r % 100), N, file.root(older - (r % 100)), root, proof)) throw new Error('consistency proof failed');
    }
  });
  console.log(`consistency proof ${older}->${N}  ${proofBytes} bytes, ${((cons.ms / rounds) * 1000).toFixed(0)} us to build and verify`);
  file.close();
  const text = readFileSync(path, 'utf8');
  const verify = timed(() => verifyLog(text, { checkpoints: [{ text: cp.value }] }));
  if (!verify.value.ok || parseCheckpoint(cp.value).size !== N) throw new Error('the bench log did not verify');
  console.log(`verifyLog (whole file)         ${fmt(N / (verify.ms / 1000))} entries/s (${(verify.ms / 1000).toFixed(2)} s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
