/**
 * Scenario `swarm` (issue #8): a signaling server (src/signaling), three Node agents in this
 * process and one in a child process (node-datachannel), and one agent in Chromium (the same
 * swarm code on the page's RTCPeerConnection) join one room and form a full mesh over WebRTC
 * data channels (RFC 8831).
 *
 * Checks: every pair connected (10 connections), a broadcast reaches all four others, a task
 * delegated to the Chromium agent returns its result, a consensus reaches its quorum (the
 * child process never votes and is listed as not answering), the killed child process is
 * pruned and reported by every survivor, and a signaling server restart is survived (the
 * data channels carry messages while it is down, every agent rejoins, no channel is
 * re-established). Figures: formation time and round trips (p50/p95/p99) from one Node agent
 * to every other member over the duration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SignalingServer } from '../../src/signaling/index.js';
import { SwarmAgent } from '../../src/swarm/index.js';
import { atMost, equals, isTrue, percentile, round } from '../checks.js';
import { swarmPageHtml } from '../pages/swarm-page.js';
import type { Check, Scenario, ScenarioContext } from '../types.js';
import { openScenarioPage, type PageCall } from './page.js';
import { READY_LINE } from './swarm-agent.js';

const ROOM = 'conform-swarm';
const NODE_IDS = ['node-a', 'node-b', 'node-c'];
const CHILD_ID = 'node-killed';
const BROWSER_ID = 'chromium';
const ALL = [...NODE_IDS, CHILD_ID, BROWSER_ID];
const HEARTBEAT_MS = 500;
const PRUNE_AFTER_MS = 3_000;
const WAIT_MS = 60_000;
const POLL_MS = 50;
/** Round trips are sampled per window for the chart. */
const RTT_WINDOW_S = 0.5;

const CHILD = fileURLToPath(new URL(`./swarm-agent${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await cond()) return (performance.now() - start) / 1000;
    if (performance.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** An upper-bound check; a phase that never completed is reported as such (NaN is not valid report JSON). */
function within(name: string, value: number, max: number, detail: string, unit = 's'): Check {
  if (Number.isFinite(value)) return atMost(name, value, max, unit, detail);
  return { name, value: 'not measured', unit, threshold: `<= ${max}`, pass: false, detail };
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function startChild(ctx: ScenarioContext, url: string): { child: ChildProcess; output: () => string } {
  const args = [...(CHILD.endsWith('.ts') ? ['--import', 'tsx'] : []), CHILD, url, ROOM, CHILD_ID, String(ALL.length - 1), String(HEARTBEAT_MS), String(PRUNE_AFTER_MS)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  ctx.defer(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: () => out };
}

export const swarmScenario: Scenario = {
  name: 'swarm',
  description:
    'Swarm transport (src/swarm): a signaling server, four Node agents (one in a child process) and one Chromium agent form a full mesh over data channels; ' +
    'broadcast, delegated task, consensus, a killed agent pruned, a signaling restart survived; formation time and round trips.',
  defaults: {
    duration: 5,
    thresholds: { maxFormationS: 20, maxRttP50Ms: 5, maxRttP95Ms: 50, maxRttP99Ms: 100, maxPruneS: 15, maxRejoinS: 15 },
  },
  thresholdDocs: {
    maxFormationS: 'seconds from the first agent starting until all five are connected to all others (10 connections), at most',
    maxRttP50Ms: 'message round trip median (ping/pong on the control channel) from a Node agent to the other four, ms, at most',
    maxRttP95Ms: 'message round trip 95th percentile, ms, at most (the users\' bar is 50 ms)',
    maxRttP99Ms: 'message round trip 99th percentile, ms, at most',
    maxPruneS: 'seconds from killing an agent process until every survivor reports it gone, at most',
    maxRejoinS: 'seconds from the signaling server coming back until every agent has rejoined, at most',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const checks: Check[] = [];
    ctx.series('rtt_p50', 'ms', `Round trip (median per ${RTT_WINDOW_S * 1000} ms)`);

    ctx.progress('signaling');
    const quiet = () => undefined;
    let server = new SignalingServer({ port: 0, logger: quiet });
    const { url, port } = await server.listen();
    ctx.defer(() => server.close());
    ctx.progress('browser');
    const page: PageCall = await openScenarioPage(ctx, await swarmPageHtml());

    ctx.progress('forming');
    const t0 = performance.now();
    const agents = NODE_IDS.map((peerId) => {
      const a = new SwarmAgent({ url, room: ROOM, peerId, bindAddress: '127.0.0.1', heartbeatMs: HEARTBEAT_MS, pruneAfterMs: PRUNE_AFTER_MS, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
      a.on('error', quiet);
      ctx.defer(() => a.disconnect());
      return a;
    });
    const child = startChild(ctx, url);
    await Promise.all([...agents.map((a) => a.initialize()), page('start', { url, room: ROOM, peerId: BROWSER_ID, heartbeatMs: HEARTBEAT_MS, pruneAfterMs: PRUNE_AFTER_MS })]);
    const pairs = async () => {
      const seen = new Set<string>();
      for (const a of agents) for (const p of a.connectedPeers()) seen.add(pairKey(a.peerId, p));
      for (const p of await page<string[]>('connected')) seen.add(pairKey(BROWSER_ID, p));
      return seen;
    };
    let formation = Number.NaN;
    try {
      await until('full mesh', async () => (await pairs()).size === 10 && child.output().includes(READY_LINE));
      formation = (performance.now() - t0) / 1000;
    } catch (e) {
      ctx.note((e as Error).message);
    }
    const formed = await pairs();
    checks.push(equals('connections in the mesh', formed.size, 10, [...formed].sort().join(', ')));
    checks.push(within('formation time', formation, th.maxFormationS!, 'first agent started to every pair connected'));
    const retries = agents.reduce((s, a) => s + a.getStats().connections.retries, 0);
    const collisions = agents.reduce((s, a) => s + a.getStats().connections.collisions, 0);
    ctx.note(`formation ${round(formation, 2)} s; connection retries ${retries} (failed DTLS handshakes or timeouts), offer collisions ${collisions} on the in-process agents`);

    ctx.progress('broadcast');
    const [a, b, c] = agents as [SwarmAgent, SwarmAgent, SwarmAgent];
    const got = new Set<string>();
    for (const x of [b, c]) x.registerMessageHandler('hello', (_p, from) => from === a.peerId && got.add(x.peerId));
    const sentTo = a.broadcast({ type: 'hello', text: 'to all' });
    const reached = async () => {
      const r = new Set(got);
      if ((await page<{ from: string }[]>('received')).some((m) => m.from === a.peerId)) r.add(BROWSER_ID);
      if (child.output().includes(`hello ${a.peerId}`)) r.add(CHILD_ID);
      return r;
    };
    await until('broadcast delivery', async () => (await reached()).size === 4, 10_000).catch(() => undefined);
    checks.push(equals('broadcast reached', (await reached()).size, 4, `sent to ${sentTo}: ${[...(await reached())].sort().join(', ')}`));

    ctx.progress('task');
    let taskResult: unknown;
    try {
      taskResult = await a.delegateTask(BROWSER_ID, { type: 'sum', input: [1, 2, 3, 4, 5] }, { timeoutMs: 10_000 });
    } catch (e) {
      taskResult = `error: ${(e as Error).message}`;
    }
    checks.push(equals('delegated task result (Node to Chromium)', String(taskResult), '15', 'sum of [1..5] run by the page'));

    ctx.progress('consensus');
    b.registerVoteHandler(() => 'yes');
    c.registerVoteHandler(() => 'yes');
    const vote = await a.requestConsensus({ release: 'v2' }, { quorum: 0.75, timeoutMs: 3_000 });
    checks.push(isTrue('consensus reached its quorum', vote.accepted, `yes ${vote.yes.join(', ')}; no ${vote.no.join(', ') || 'none'}; no answer ${vote.noAnswer.join(', ') || 'none'}; required ${vote.required} of ${vote.electorate.length}`));
    checks.push(isTrue('the non-voter is listed as not answering', vote.noAnswer.length === 1 && vote.noAnswer[0] === CHILD_ID, vote.noAnswer.join(', ') || 'none'));

    ctx.progress('round trips');
    const rtts: number[] = [];
    let window: number[] = [];
    let windowStart = performance.now();
    const r0 = performance.now();
    const others = ALL.filter((p) => p !== a.peerId);
    for (let i = 0; performance.now() - r0 < ctx.duration * 1000; i++) {
      const target = others[i % others.length]!;
      const ms = await a.ping(target, 5_000).catch(() => Number.NaN);
      if (!Number.isFinite(ms)) continue;
      rtts.push(ms);
      window.push(ms);
      if (performance.now() - windowStart >= RTT_WINDOW_S * 1000) {
        ctx.sample('rtt_p50', percentile(window, 50));
        window = [];
        windowStart = performance.now();
        ctx.progress('round trips', { 'p50 ms': percentile(rtts, 50).toFixed(2), pings: String(rtts.length) });
      }
    }
    const rttDetail = `${rtts.length} pings from ${a.peerId} to ${others.length} peers (Node in-process, Node child, Chromium)`;
    checks.push(within('round trip p50', percentile(rtts, 50), th.maxRttP50Ms!, rttDetail, 'ms'));
    checks.push(within('round trip p95', percentile(rtts, 95), th.maxRttP95Ms!, rttDetail, 'ms'));
    checks.push(within('round trip p99', percentile(rtts, 99), th.maxRttP99Ms!, rttDetail, 'ms'));
    for (const [peer, s] of Object.entries(a.getStats().rtt)) ctx.note(`round trip ${a.peerId} -> ${peer}: p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99} ms over ${s.samples}`);

    ctx.progress('kill');
    const gone = new Set<string>();
    for (const x of agents) x.on('peer-left', (e) => e.peerId === CHILD_ID && gone.add(x.peerId));
    const k0 = performance.now();
    child.child.kill('SIGKILL');
    const survivorsSaw = async () => {
      const r = new Set(gone);
      if ((await page<{ peerId: string }[]>('left')).some((e) => e.peerId === CHILD_ID)) r.add(BROWSER_ID);
      return r;
    };
    let pruneS = Number.NaN;
    await until('prune', async () => (await survivorsSaw()).size === 4, th.maxPruneS! * 1000 + 5_000).then(() => (pruneS = (performance.now() - k0) / 1000), () => undefined);
    checks.push(within('killed agent pruned by all survivors', pruneS, th.maxPruneS!, `reported by ${[...(await survivorsSaw())].sort().join(', ') || 'none'}; prune after ${PRUNE_AFTER_MS} ms of silence`));

    ctx.progress('signaling restart');
    const peerReconnectsBefore = agents.reduce((s, x) => s + x.getStats().reconnections.peers, 0);
    await server.close();
    const status = async () => [...agents.map((x) => x.getSignalingStatus().status), (await page<{ status: string }>('signaling')).status];
    await until('clients to notice the server is gone', async () => (await status()).every((s) => s !== 'joined'), 15_000).catch(() => undefined);
    let during = 0;
    const offDuring = b.registerMessageHandler('during-outage', () => during++);
    const sentDuring = a.sendToPeer(b.peerId, { type: 'during-outage' });
    await until('a message while signaling is down', () => during === 1, 5_000).catch(() => undefined);
    offDuring();
    checks.push(isTrue('data channels carry messages while signaling is down', sentDuring && during === 1));
    server = new SignalingServer({ port, logger: quiet });
    await server.listen();
    const s0 = performance.now();
    let rejoinS = Number.NaN;
    await until('rejoin', async () => (await status()).every((s) => s === 'joined'), th.maxRejoinS! * 1000 + 5_000).then(() => (rejoinS = (performance.now() - s0) / 1000), () => undefined);
    checks.push(within('every agent rejoined after the signaling restart', rejoinS, th.maxRejoinS!, (await status()).join(', ')));
    const after = await pairs();
    const peerReconnects = agents.reduce((s, x) => s + x.getStats().reconnections.peers, 0) - peerReconnectsBefore;
    checks.push(isTrue('the mesh survived the restart (6 connections, none re-established)', after.size === 6 && peerReconnects === 0, `${after.size} connections, ${peerReconnects} re-established`));
    const errors = await page<string[]>('errors');
    if (errors.length) ctx.note(`Chromium agent errors: ${errors.slice(0, 3).join('; ')}`);
    await page('close');
    return checks;
  },
};
