/**
 * Scenario `mesh` (issue #9): five agents, four Node MeshAgents and one WebMeshAgent in
 * Chromium signing with a WebCrypto Ed25519 identity, join a signaling room whose Ed25519
 * roster admits exactly their keys, and form a full mesh of 10 data channels whose session
 * descriptions are signed (DTLS fingerprints bound to the agents). Every agent sends signed
 * IFMessage v2.1 envelopes to every other for the duration; forged, tampered, replayed,
 * wrongly keyed, expired, unsigned, schema-invalid, misrouted and malformed messages are
 * injected raw on the real channels into a Node agent and into the Chromium agent.
 *
 * Checks: 10 bound channels, every valid message delivered and verified, 100% of the
 * injected messages refused and counted, the signaling events in a witness log whose
 * checkpoint one agent signed and two cosigned, verified (log and checkpoint are written to
 * the run's report folder). Figures: formation time, signed-message latency p50/p95/p99
 * (send to verified delivery), sign and verify rates.
 */
import { NodeIdentity } from '../../src/envelope/index.js';
import { agentNoteSigner, cosignedCheckpoint, MeshAgent, recordSignaling, Roster, verifyMeshWitness, WIRE_IFMESSAGE, type MeshStats } from '../../src/mesh/index.js';
import { badEnvelopes } from '../../src/mesh/__fixtures__/bad-envelopes.js';
import { SignalingServer } from '../../src/signaling/index.js';
import { WitnessLog } from '../../src/witness/index.js';
import { atLeast, atMost, equals, isTrue, percentile, round } from '../checks.js';
import { meshPageHtml } from '../pages/mesh-page.js';
import type { Check, Scenario } from '../types.js';
import { openScenarioPage } from './page.js';

const ROOM = 'conform-mesh';
const NODE_AGENTS = 4;
const WAIT_MS = 60_000;
const POLL_MS = 50;
const now = () => performance.timeOrigin + performance.now();

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS): Promise<void> {
  const start = performance.now();
  for (;;) {
    if (await cond()) return;
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function within(name: string, value: number, max: number, detail: string, unit: string): Check {
  if (Number.isFinite(value)) return atMost(name, value, max, unit, detail);
  return { name, value: 'not measured', unit, threshold: `<= ${max}`, pass: false, detail };
}

export const meshScenario: Scenario = {
  name: 'mesh',
  description:
    'Signed agent mesh (src/mesh): four Node agents and one Chromium agent (WebCrypto Ed25519) on a roster-only room form a full mesh with signed session descriptions; ' +
    'signed messages all to all, injected bad messages refused, the signaling witness log checkpointed and cosigned by agents; formation, latency, sign/verify rates.',
  defaults: {
    duration: 3,
    thresholds: { maxFormationS: 20, maxLatencyP50Ms: 10, maxLatencyP95Ms: 50, maxLatencyP99Ms: 100, minDeliveredRatio: 1, minRejectedRatio: 1 },
  },
  thresholdDocs: {
    maxFormationS: 'seconds from the first agent starting until all five have every session binding verified (10 channels), at most',
    maxLatencyP50Ms: 'signed message latency median, from sendIFMessage to verified delivery in the receiver, ms, at most',
    maxLatencyP95Ms: "signed message latency 95th percentile, ms, at most (the users' bar is 50 ms)",
    maxLatencyP99Ms: 'signed message latency 99th percentile, ms, at most',
    minDeliveredRatio: 'share of valid signed messages delivered and verified (1: none lost)',
    minRejectedRatio: 'share of injected bad messages refused and counted (1: all)',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const checks: Check[] = [];
    const quiet = () => undefined;
    ctx.series('latency_p50', 'ms', 'Signed message latency (median per round)');

    ctx.progress('browser');
    const page = await openScenarioPage(ctx, await meshPageHtml());
    const web = await page<{ agentId: string; publicKey: string }>('identity');
    const ids = Array.from({ length: NODE_AGENTS }, () => NodeIdentity.generate());
    const roster = new Roster([...ids.map((i) => i.publicKey), web.publicKey]);

    ctx.progress('signaling');
    const log = WitnessLog.inMemory({ origin: 'spellbook.conform/mesh/witness', signer: agentNoteSigner(ids[0]!) });
    const server = new SignalingServer({ port: 0, logger: quiet, auth: { rooms: { [ROOM]: { keys: roster.signalingKeys() } } }, onObservation: recordSignaling(log) });
    const { url } = await server.listen();
    ctx.defer(() => server.close());

    ctx.progress('forming');
    const t0 = performance.now();
    const latencies: number[] = [];
    const agents = ids.map((identity) => {
      const a = new MeshAgent({ url, room: ROOM, identity, roster, bindAddress: '127.0.0.1', heartbeatMs: 1000, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
      a.swarm.on('error', quiet);
      a.onIFMessage((m) => typeof m.content.sent_at === 'number' && latencies.push(now() - m.content.sent_at));
      ctx.defer(() => a.disconnect());
      return a;
    });
    await Promise.all([...agents.map((a) => a.initialize()), page('start', { url, room: ROOM, roster: roster.signalingKeys() })]);
    const channels = async () => (agents.reduce((s, a) => s + a.boundPeers().length, 0) + (await page<string[]>('bound')).length) / 2;
    let formation = Number.NaN;
    try {
      await until('full mesh with verified bindings', async () => (await channels()) === 10);
      formation = (performance.now() - t0) / 1000;
    } catch (e) {
      ctx.note((e as Error).message);
    }
    checks.push(equals('bound channels (session bindings verified both ways)', await channels(), 10));
    checks.push(within('formation time', formation, th.maxFormationS!, 'first agent started to all 10 channels bound', 's'));

    ctx.progress('signed messages');
    const everyone = [...agents.map((a) => a.agentId), web.agentId];
    let nodeSent = 0;
    let webSent = 0;
    const m0 = performance.now();
    for (let round = 0; round < 5 || performance.now() - m0 < ctx.duration * 1000; round++) {
      const before = latencies.length;
      for (const a of agents) {
        for (const to of everyone) {
          if (to === a.agentId) continue;
          await a.sendIFMessage({ performative: 'inform', receiver: to, content: { n: round, sent_at: now() } });
          nodeSent++;
        }
      }
      webSent += (await page<{ sent: number }>('sendAll', 1)).sent;
      await new Promise((r) => setTimeout(r, 20));
      if (latencies.length > before) ctx.sample('latency_p50', percentile(latencies.slice(before), 50));
      ctx.progress('signed messages', { sent: String(nodeSent + webSent), 'p50 ms': percentile(latencies, 50).toFixed(2) });
    }
    const webReceived = async () => (await page<{ latencyMs: number }[]>('received')).length;
    const nodeAccepted = () => agents.reduce((s, a) => s + a.getStats().accepted, 0);
    const valid = nodeSent + webSent;
    await until('every signed message delivered', async () => nodeAccepted() + (await webReceived()) >= valid, 20_000).catch(() => undefined);
    const delivered = nodeAccepted() + (await webReceived());
    for (const r of await page<{ latencyMs: number }[]>('received')) latencies.push(r.latencyMs);
    checks.push(atLeast('valid signed messages delivered and verified', delivered / valid, th.minDeliveredRatio!, undefined, `${delivered} of ${valid} (${nodeSent} from Node agents, ${webSent} from Chromium)`));
    const detail = `${latencies.length} messages, send to verified delivery, all pairs (Node and Chromium)`;
    checks.push(within('signed message latency p50', percentile(latencies, 50), th.maxLatencyP50Ms!, detail, 'ms'));
    checks.push(within('signed message latency p95', percentile(latencies, 95), th.maxLatencyP95Ms!, detail, 'ms'));
    checks.push(within('signed message latency p99', percentile(latencies, 99), th.maxLatencyP99Ms!, detail, 'ms'));

    ctx.progress('injection');
    const [attacker, victim] = agents as [MeshAgent, MeshAgent];
    let victimGotAfter = false;
    victim.onIFMessage((m) => m.sender === attacker.agentId && m.content.n === -2 && (victimGotAfter = true));
    const accepted = await attacker.sendIFMessage({ performative: 'inform', receiver: victim.agentId, content: { n: -1 } });
    const acceptedWeb = await attacker.sendIFMessage({ performative: 'inform', receiver: web.agentId, content: { n: -1 } });
    const outsider = NodeIdentity.generate();
    const rejectedBefore = { node: victim.getStats().rejected.total, web: (await page<MeshStats>('stats')).rejected.total };
    const bad = [
      ...badEnvelopes({ sender: ids[0]!, other: ids[2]!, outsider, receiver: victim.agentId, accepted }).map(([reason, text]) => ({ to: victim.peerId, reason, text })),
      ...badEnvelopes({ sender: ids[0]!, other: ids[2]!, outsider, receiver: web.agentId, accepted: acceptedWeb }, 3_000_000).map(([reason, text]) => ({ to: web.agentId.slice(11), reason, text })),
    ];
    let injected = 0;
    for (const b of bad) if (attacker.swarm.sendToPeer(b.to, { type: WIRE_IFMESSAGE, envelope: b.text })) injected++;
    // A valid message after the bad ones on the same channels: still delivered.
    const validAfter = [await attacker.sendIFMessage({ performative: 'inform', receiver: victim.agentId, content: { n: -2 } }), await attacker.sendIFMessage({ performative: 'inform', receiver: web.agentId, content: { n: -2 } })];
    const refused = async () => victim.getStats().rejected.total - rejectedBefore.node + (await page<MeshStats>('stats')).rejected.total - rejectedBefore.web;
    await until('injected messages refused', async () => (await refused()) >= injected, 10_000).catch(() => undefined);
    const nodeReasons = Object.entries(victim.getStats().rejected.byReason).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ');
    const webReasons = Object.entries((await page<MeshStats>('stats')).rejected.byReason).filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`).join(', ');
    checks.push(atLeast('injected bad messages refused and counted', injected ? (await refused()) / injected : 0, th.minRejectedRatio!, undefined, `${injected} injected (${bad.length / 2} kinds into a Node agent and into Chromium); Node: ${nodeReasons}; Chromium: ${webReasons}`));
    const expectedNode = bad.filter((b) => b.to === victim.peerId).map((b) => b.reason);
    const gotNode = victim.getStats().rejected.byReason as Record<string, number>;
    const wrongCodes = [...new Set(expectedNode)].filter((r) => (gotNode[r] ?? 0) < expectedNode.filter((x) => x === r).length);
    checks.push(isTrue('each injected message refused for its own reason (Node verifier)', wrongCodes.length === 0, wrongCodes.length ? `short: ${wrongCodes.join(', ')}` : nodeReasons));
    const webGotAfter = async () => (await page<{ n: number }[]>('received')).some((r) => r.n === -2);
    await until('valid messages after the injection', async () => victimGotAfter && (await webGotAfter()), 10_000).catch(() => undefined);
    checks.push(isTrue('valid messages on the same channels after the injection still delivered', victimGotAfter && (await webGotAfter()), `sent ${validAfter.length}: Node ${victimGotAfter ? 'got it' : 'missing'}, Chromium ${(await webGotAfter()) ? 'got it' : 'missing'}`));

    ctx.progress('witness');
    const note = cosignedCheckpoint(log, [ids[1]!, ids[2]!]);
    const text = log.text();
    ctx.artifact?.('signaling-witness.jsonl', text);
    ctx.artifact?.('checkpoint.note', note);
    ctx.artifact?.('roster.txt', roster.agentIds().map((id, i) => `${id} ${roster.signalingKeys()[i]}`).join('\n') + '\n');
    const verdict = verifyMeshWitness(text, note, ids.slice(0, 3).map((i) => i.publicKey));
    checks.push(isTrue('witness log verifies against the checkpoint signed by one agent and cosigned by two', verdict.ok, `${verdict.size} entries; signed by ${verdict.signedBy.length} of 3 agents${verdict.report.findings.length ? `; ${verdict.report.findings[0]!.message}` : ''}; files signaling-witness.jsonl and checkpoint.note in the run folder`));

    const sum = (f: (s: MeshStats) => { count: number; ms: number }) => agents.map((a) => f(a.getStats())).reduce((x, y) => ({ count: x.count + y.count, ms: x.ms + y.ms }), { count: 0, ms: 0 });
    const sign = sum((s) => s.signing);
    const verify = sum((s) => s.verifying);
    const webStats = await page<MeshStats>('stats');
    ctx.note(`formation ${round(formation, 2)} s; ${valid} signed messages; Node sign ${Math.round(sign.count / (sign.ms / 1000))}/s and verify ${Math.round(verify.count / (verify.ms / 1000))}/s (time inside sign/verify, summed over 4 agents); Chromium (WebCrypto) sign ${Math.round(webStats.signing.count / (webStats.signing.ms / 1000))}/s, verify ${Math.round(webStats.verifying.count / (webStats.verifying.ms / 1000))}/s`);
    const errors = await page<string[]>('errors');
    if (errors.length) ctx.note(`Chromium agent errors: ${errors.slice(0, 3).join('; ')}`);
    await page('close');
    return checks;
  },
};
