/**
 * A mesh run on the record: a real SignalingServer (roster room) tells its observations to a
 * WitnessLog file; agent 0 signs a checkpoint, agents 1 and 2 cosign it; the log verifies
 * against it, and a changed or cut log does not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeIdentity } from '../envelope/index.js';
import { SignalingServer } from '../signaling/index.js';
import { parseEntryLine, WitnessLog } from '../witness/index.js';
import { agentNoteSigner, cosignedCheckpoint, MeshAgent, recordSignaling, Roster, verifyMeshWitness } from './index.js';

const quiet = () => undefined;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('mesh witness', () => {
  it('a mesh run writes every join, offer and answer the server saw to a witness log, checkpointed by one agent and cosigned by two others, and the log verifies; a changed or cut log does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-witness-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const ids = [0, 1, 2].map(() => NodeIdentity.generate());
    const roster = new Roster(ids.map((i) => i.publicKey));
    const path = join(dir, 'signaling.jsonl');
    const log = WitnessLog.open(path, { origin: 'spellbook.test/mesh/witness', signer: agentNoteSigner(ids[0]!) });
    cleanup.push(() => log.close());
    const server = new SignalingServer({ port: 0, logger: quiet, auth: { rooms: { lab: { keys: roster.signalingKeys() } } }, onObservation: recordSignaling(log) });
    const { url } = await server.listen();
    cleanup.push(() => server.close());
    const agents = ids.map((identity) => new MeshAgent({ url, room: 'lab', identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 500 }));
    for (const a of agents) a.swarm.on('error', quiet), cleanup.push(() => a.disconnect());
    for (const a of agents) await a.initialize();
    await Promise.all(agents.map((a) => a.waitForBoundPeers(2, 60_000)));

    const note = cosignedCheckpoint(log, [ids[1]!, ids[2]!]);
    const text = readFileSync(path, 'utf8');
    const entries = text.trimEnd().split('\n').map((l) => parseEntryLine(l));
    const count = (type: string) => entries.filter((e) => e.type === type).length;
    expect(count('join')).toBe(3);
    expect(count('offer')).toBeGreaterThanOrEqual(3); // one per pair; retries add more
    expect(count('answer')).toBeGreaterThanOrEqual(3);
    expect(new Set(entries.map((e) => e.peerId))).toEqual(new Set(agents.map((a) => a.peerId)));
    expect(text).not.toMatch(/a=fingerprint|127\.0\.0\.1/); // SDP only as SHA-256, no addresses

    const ok = verifyMeshWitness(text, note, ids.map((i) => i.publicKey));
    expect(ok).toMatchObject({ ok: true, size: entries.length, missing: [] });
    expect(ok.signedBy).toHaveLength(3);

    // Not cosigned by someone the reader requires: refused.
    const stranger = NodeIdentity.generate();
    expect(verifyMeshWitness(text, note, [ids[0]!.publicKey, stranger.publicKey])).toMatchObject({ ok: false, missing: [agentNoteSigner(stranger).name] });
    // An offer's SDP hash changed: the entry is named as modified.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('"type":"offer"'));
    lines[at] = lines[at]!.replace(/"sdpSha256":"(.)/, (_m, c: string) => `"sdpSha256":"${c === '0' ? '1' : '0'}`);
    const changed = verifyMeshWitness(lines.join('\n'), note, [ids[0]!.publicKey]);
    expect(changed.ok).toBe(false);
    expect(changed.report.findings.map((f) => [f.kind, f.index])).toContainEqual(['modified', at]);
    // The tail cut off: truncation against the checkpoint.
    const cut = text.split('\n').slice(0, -2).join('\n') + '\n';
    writeFileSync(join(dir, 'cut.jsonl'), cut);
    expect(verifyMeshWitness(cut, note, [ids[0]!.publicKey]).report.findings.map((f) => f.kind)).toContain('truncated');
  }, 90_000);
});
