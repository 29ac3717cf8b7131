/**
 * Acknowledged messages, end to end: real node-datachannel agents on a real loopback
 * SignalingServer whose room admits the roster's keys, state journals in real files. An agent
 * is restarted by disconnecting it and building a new MeshAgent with the same identity and
 * state file (what a process restart keeps).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeIdentity, type IFMessage } from '../envelope/index.js';
import { SignalingServer } from '../signaling/index.js';
import { fileMeshState, MeshAgent, parseMeshState, Roster, SEQUENCE_EPOCH_FACTOR, WIRE_IFMESSAGE, type MeshAgentOptions } from './index.js';
import { until } from './__fixtures__/until.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/mesh-child.ts', import.meta.url));
const quiet = () => undefined;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function room(n: number) {
  const ids = Array.from({ length: n }, () => NodeIdentity.generate());
  const roster = new Roster(ids.map((i) => i.publicKey));
  const server = new SignalingServer({ port: 0, logger: quiet, auth: { rooms: { acks: { keys: roster.signalingKeys() } } } });
  const { url } = await server.listen();
  const dir = mkdtempSync(join(tmpdir(), 'mesh-ack-'));
  cleanup.push(() => server.close(), () => rmSync(dir, { recursive: true, force: true }));
  const live = new Set<MeshAgent>();
  cleanup.push(() => Promise.all([...live].map((a) => a.disconnect())).then(() => undefined));
  const start = async (i: number, extra: Partial<MeshAgentOptions> = {}) => {
    const a = new MeshAgent({ url, room: 'acks', identity: ids[i]!, roster, bindAddress: '127.0.0.1', heartbeatMs: 500, state: join(dir, `${i}.jsonl`), retry: { initialDelayMs: 100, maxDelayMs: 1000 }, ...extra });
    a.swarm.on('error', quiet);
    live.add(a);
    await a.initialize();
    return a;
  };
  const stop = async (a: MeshAgent) => {
    live.delete(a);
    await a.disconnect();
  };
  return { ids, roster, dir, url, start, stop };
}

describe('acknowledged messages', () => {
  it('an acknowledged message is delivered once and the receiver\'s signed acknowledgement settles the sender\'s promise', async () => {
    const r = await room(2);
    const a = await r.start(0);
    const b = await r.start(1);
    await Promise.all([a.waitForBoundPeers(1, 30_000), b.waitForBoundPeers(1, 30_000)]);
    const got: IFMessage[] = [];
    b.onIFMessage((m) => got.push(m));
    const sent = await a.sendAcknowledged({ performative: 'request', receiver: b.agentId, content: { job: 1 } });
    const ack = await sent.acknowledged;
    expect(got).toEqual([sent.envelope]);
    expect(ack.envelope).toBe(sent.envelope);
    expect(ack.attempts).toBe(1);
    expect(ack.ack.sender).toBe(b.agentId);
    expect(ack.ack.receiver).toBe(a.agentId);
    expect(ack.ack.content).toEqual({ mesh_ack: { sequence_num: sent.envelope.sequence_num, nonce: sent.envelope.nonce } });
    expect(a.getStats().acks).toMatchObject({ requested: 1, acknowledged: 1, pending: 0, retransmitted: 0 });
    expect(b.getStats().acks).toMatchObject({ sent: 1, duplicates: 0, remembered: 1 });
    // The receiver's journal holds the delivery; the sender's its reserved sequence numbers.
    const journal = parseMeshState(readFileSync(join(r.dir, '1.jsonl'), 'utf8'));
    expect(journal.delivered.map((d) => d.nonce)).toEqual([sent.envelope.nonce]);
    expect(parseMeshState(readFileSync(join(r.dir, '0.jsonl'), 'utf8')).sequenceReserved).toBeGreaterThanOrEqual(sent.envelope.sequence_num);
    await expect(a.sendAcknowledged({ performative: 'inform', receiver: NodeIdentity.generate().agentId, content: {} })).rejects.toMatchObject({ code: 'not-in-roster' });
  }, 60_000);

  it('a message sent while its receiver is down is retransmitted when the receiver is back, delivered once and acknowledged; a copy that arrives after the receiver restarted is acknowledged again, not delivered again', async () => {
    const r = await room(2);
    const a = await r.start(0);
    let b = await r.start(1);
    await Promise.all([a.waitForBoundPeers(1, 30_000), b.waitForBoundPeers(1, 30_000)]);
    await r.stop(b);
    await until(() => a.boundPeers().length === 0, 20_000, () => 'a to notice b is gone');
    const pending = await a.sendAcknowledged({ performative: 'inform', receiver: r.ids[1]!.agentId, content: { while: 'down' } });
    expect(a.getStats().acks.pending).toBe(1);
    const got: IFMessage[] = [];
    b = await r.start(1);
    b.onIFMessage((m) => got.push(m));
    const ack = await pending.acknowledged;
    expect(got.map((m) => m.nonce)).toEqual([pending.envelope.nonce]);
    expect(ack.attempts).toBeGreaterThanOrEqual(1);

    // b restarts again; a copy of the message it already delivered arrives (as a sender whose
    // acknowledgement was lost retransmits it): b acknowledges it again and does not deliver it.
    await r.stop(b);
    b = await r.start(1);
    const again: IFMessage[] = [];
    b.onIFMessage((m) => again.push(m));
    await until(() => a.boundPeers().length === 1 && b.boundPeers().length === 1, 30_000, () => 'a and b bound again');
    const before = a.getStats().acks.unmatched;
    expect(a.swarm.sendToPeer(b.peerId, { type: WIRE_IFMESSAGE, envelope: JSON.stringify(pending.envelope), ack: true })).toBe(true);
    await until(() => b.getStats().acks.duplicates === 1 && a.getStats().acks.unmatched === before + 1, 20_000, () => JSON.stringify([b.getStats().acks, a.getStats().acks]));
    expect(again).toEqual([]);
    expect(b.getStats().rejected.total).toBe(0);
    expect(b.getStats().accepted).toBe(0);
  }, 90_000);

  it('a restarted sender keeps its key and its fresh messages are accepted: its sequence numbers continue above those it used before, from its state file or, without one, from the clock epoch', async () => {
    const r = await room(2);
    let a = await r.start(0);
    const b = await r.start(1);
    await Promise.all([a.waitForBoundPeers(1, 30_000), b.waitForBoundPeers(1, 30_000)]);
    const got: IFMessage[] = [];
    b.onIFMessage((m) => got.push(m));
    const first: IFMessage[] = [];
    for (let i = 0; i < 3; i++) first.push((await (await a.sendAcknowledged({ performative: 'inform', receiver: b.agentId, content: { i } })).acknowledged).envelope);
    for (const withState of [true, false]) {
      await r.stop(a);
      a = await r.start(0, withState ? {} : { state: undefined });
      await until(() => a.boundPeers().length === 1 && b.boundPeers().length === 1, 30_000, () => 'bound again');
      const next = await a.sendAcknowledged({ performative: 'inform', receiver: b.agentId, content: { withState } });
      await next.acknowledged;
      expect(next.envelope.sequence_num).toBeGreaterThan(Math.max(...first.map((m) => m.sequence_num)));
      first.push(next.envelope);
    }
    expect(first[0]!.sequence_num).toBeGreaterThan(1_000_000 * SEQUENCE_EPOCH_FACTOR); // the clock epoch, not 1
    expect(got.map((m) => m.nonce)).toEqual(first.map((m) => m.nonce));
    expect(b.getStats().rejected.total).toBe(0);
    // The store's journal reads back what it wrote; a torn last line is skipped, not fatal.
    const store = fileMeshState(join(r.dir, '0.jsonl'));
    expect(store.load().sequenceReserved).toBeGreaterThan(first[3]!.sequence_num - 1);
    expect(parseMeshState('{"r":5}\n{"d":["if://agent/x",1,"00000000000000000000000a",99999999999999]}\n{"d":[').skipped).toBe(1);
  }, 90_000);

  it('a receiver process killed with SIGKILL after recording a delivery and before acknowledging it acknowledges the retransmission after its restart without delivering it again; its own fresh messages are accepted', async () => {
    const seed = randomBytes(32);
    const child = NodeIdentity.fromSeed(seed);
    const parent = NodeIdentity.generate();
    const roster = new Roster([parent.publicKey, child.publicKey]);
    const server = new SignalingServer({ port: 0, logger: quiet, auth: { rooms: { killed: { keys: roster.signalingKeys() } } } });
    const { url } = await server.listen();
    const dir = mkdtempSync(join(tmpdir(), 'mesh-kill-'));
    cleanup.push(() => server.close(), () => rmSync(dir, { recursive: true, force: true }));
    const a = new MeshAgent({ url, room: 'killed', identity: parent, roster, bindAddress: '127.0.0.1', heartbeatMs: 500, state: join(dir, 'parent.jsonl') });
    a.swarm.on('error', quiet);
    cleanup.push(() => a.disconnect());
    await a.initialize();
    const hellos: IFMessage[] = [];
    a.onIFMessage((m) => hellos.push(m));
    const appLog = join(dir, 'app.log');
    const run = (kill: boolean) => {
      const p = spawn(process.execPath, ['--import', 'tsx', CHILD, url, 'killed', seed.toString('hex'), roster.signalingKeys().join(','), join(dir, 'child.jsonl'), appLog, kill ? '1' : '0', parent.agentId], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (out += d));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => p.on('exit', (_code, signal) => resolve(signal)));
      cleanup.push(() => void p.kill('SIGKILL'));
      return { p, exited, ready: () => /ready \d+/.test(out), out: () => out };
    };
    const lines = () => (existsSync(appLog) ? readFileSync(appLog, 'utf8').trim().split('\n').filter(Boolean) : []);

    const first = run(true);
    await until(first.ready, 60_000, () => `the first child to be ready: ${first.out()}`);
    const m = await a.sendAcknowledged({ performative: 'request', receiver: child.agentId, content: { job: 'once' } });
    expect(await first.exited).toBe('SIGKILL');
    expect(lines()).toEqual([`${parent.agentId} ${m.envelope.sequence_num} ${m.envelope.nonce}`]);
    expect(a.getStats().acks.pending).toBe(1); // delivered and recorded, never acknowledged

    const second = run(false);
    const ack = await m.acknowledged; // the retransmission to the restarted process
    await until(second.ready, 60_000, () => `the second child to be ready: ${second.out()}`);
    expect(ack.attempts).toBeGreaterThanOrEqual(2);
    expect(lines()).toHaveLength(1); // not delivered again
    expect(hellos).toHaveLength(2);
    expect(hellos[1]!.sequence_num).toBeGreaterThan(hellos[0]!.sequence_num);
    expect(a.getStats().rejected.total).toBe(0);
    const m2 = await a.sendAcknowledged({ performative: 'request', receiver: child.agentId, content: { job: 'next' } });
    await m2.acknowledged;
    expect(lines()).toHaveLength(2);
    second.p.kill('SIGKILL');
    await second.exited;
  }, 150_000);
});
