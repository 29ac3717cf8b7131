/**
 * Scenario `datachannel`: our node-datachannel peer (src/datachannel `Channel`) against
 * Chromium's RTCPeerConnection over real ICE, DTLS and SCTP on this machine (RFC 8831).
 *
 * Phases: reliable text and binary echo verified by SHA-256; unordered reliable and
 * unreliable (maxRetransmits 0, RFC 8831 section 6.1) delivery; a message of exactly the
 * negotiated maximum size (RFC 8841 section 6) both ways, and one byte more refused;
 * Node to Chromium throughput with a final acknowledgement; ping-pong round trips.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PeerConnection } from 'node-datachannel';
import { Channel, MessageTooLargeError, type ChannelMessage, type Reliability } from '../../src/datachannel/index.js';
import { atLeast, atMost, isTrue, percentile, round } from '../checks.js';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { closePeer } from '../native.js';
import { DATACHANNEL_PAGE } from '../pages/datachannel-page.js';
import type { Check, Scenario, ScenarioContext } from '../types.js';
import { Inbox } from './inbox.js';
import { connectWithRetry } from './negotiate.js';
import { openScenarioPage, type PageCall } from './page.js';

/** Messages per functional phase. */
const ECHO_MESSAGES = 200;
const MODE_MESSAGES = 500;
/** Largest binary echo message in the hash phase. */
const ECHO_MAX_BYTES = 16_384;
/** Bulk message size: 64 KiB, as in bench/datachannel. */
const BULK_MESSAGE_BYTES = 65_536;
const REPLY_TIMEOUT_MS = 5_000;
/** Delivery phases: messages per batch, and how long a batch's echoes are awaited. */
const DELIVERY_BATCH = 25;
const DELIVERY_BATCH_TIMEOUT_MS = 500;
/** Share of the duration given to the throughput and ping-pong phases. */
const THROUGHPUT_SHARE = 0.6;
const RTT_SHARE = 0.25;
const MIN_THROUGHPUT_SECONDS = 1;
const MIN_RTT_SECONDS = 0.5;
/** Ping-pong samples are summarised (median) per window in the chart. */
const RTT_WINDOW_S = 0.25;

const MB = 1e6;
/** How often Chromium's channel states are read while waiting for them to open. */
const CHANNEL_POLL_MS = 20;

/** SHA-256 over messages, each framed as type byte, 4-byte length, bytes: order matters. */
export function digestMessages(messages: readonly ChannelMessage[]): string {
  const h = createHash('sha256');
  const head = Buffer.alloc(5);
  for (const m of messages) {
    const bytes = typeof m === 'string' ? Buffer.from(m, 'utf8') : m;
    head[0] = typeof m === 'string' ? 0x74 : 0x62;
    head.writeUInt32BE(bytes.length, 1);
    h.update(head).update(bytes);
  }
  return h.digest('hex');
}

function textMessages(n: number): string[] {
  const alphabet = ['a', 'é', '✓', '𝄞', ' ', 'Ж', '7', '\n'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + ((i * 7919) % 1500);
    let s = `${i}:`;
    while (s.length < len) s += alphabet[(s.length + i) % alphabet.length];
    out.push(s);
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}

interface PageInfo {
  maxMessageSize: number | null;
  channels: { label: string; readyState: string }[];
  errors: string[];
}

/**
 * Our side's `open` (RFC 8832 DATA_CHANNEL_ACK received) does not mean Chromium's
 * RTCDataChannel objects already read 'open'; a phase starts only once both ends say so.
 */
async function chromiumChannelsOpen(evaluate: PageCall, labels: readonly string[]): Promise<void> {
  const end = performance.now() + CONNECT_TIMEOUT_MS;
  for (;;) {
    const info = await evaluate<PageInfo>('info');
    const open = new Set(info.channels.filter((c) => c.readyState === 'open').map((c) => c.label));
    if (labels.every((l) => open.has(l))) return;
    if (performance.now() > end) {
      const states = info.channels.map((c) => `${c.label} ${c.readyState}`).join(', ') || 'none announced';
      throw new Error(`Chromium's data channels not all open within ${CONNECT_TIMEOUT_MS} ms: ${states}`);
    }
    await new Promise((r) => setTimeout(r, CHANNEL_POLL_MS));
  }
}

async function connect(ctx: ScenarioContext): Promise<{ pc: PeerConnection; channels: Record<string, Channel>; evaluate: PageCall }> {
  const evaluate = await openScenarioPage(ctx, DATACHANNEL_PAGE);

  // One explicit offer once every channel exists: with automatic negotiation each
  // Channel.create may start an offer of its own.
  const attempt = async (n: number) => {
    const pc = new PeerConnection(`conform-datachannel-${n}`, { iceServers: [], disableAutoNegotiation: true });
    ctx.defer(() => closePeer(pc));
    const gathered = new Promise<void>((resolve) => pc.onGatheringStateChange((s) => { if (s === 'complete') resolve(); }));
    const modes: Record<string, Reliability> = {
      reliable: { kind: 'reliable', ordered: true },
      unordered: { kind: 'reliable', ordered: false },
      unreliable: { kind: 'max-retransmits', maxRetransmits: 0, ordered: false },
      bulk: { kind: 'reliable', ordered: true },
    };
    const channels: Record<string, Channel> = {};
    for (const [label, reliability] of Object.entries(modes)) channels[label] = Channel.create(pc, { label, reliability });
    pc.setLocalDescription();
    ctx.progress('gathering');
    await withTimeout(gathered, CONNECT_TIMEOUT_MS, 'ICE gathering');
    const answer = await evaluate<string>('answer', pc.localDescription()!.sdp);
    pc.setRemoteDescription(answer, 'answer');
    ctx.progress('connecting');
    await withTimeout(Promise.all(Object.values(channels).map((c) => c.opened())), CONNECT_TIMEOUT_MS, 'data channels open');
    await chromiumChannelsOpen(evaluate, Object.keys(modes));
    return { pc, channels };
  };
  const { pc, channels } = await connectWithRetry(ctx, attempt);
  return { pc, channels, evaluate };
}

async function echoPhase(channel: Channel, inbox: Inbox, messages: readonly ChannelMessage[]): Promise<{ sent: string; received: string; count: number }> {
  for (const m of messages) await channel.send(m);
  const back = await inbox.take(messages.length, REPLY_TIMEOUT_MS);
  return { sent: digestMessages(messages), received: digestMessages(back), count: back.length };
}

/**
 * Sends `n` messages in batches of `DELIVERY_BATCH`, each batch waiting for its echoes (or
 * `DELIVERY_BATCH_TIMEOUT_MS`), so a burst cannot overrun a socket buffer: on loopback an
 * unreliable channel then loses nothing, and any loss it does report is real.
 */
async function deliveryPhase(channel: Channel, inbox: Inbox, n: number, prefix: string): Promise<number> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i += DELIVERY_BATCH) {
    const count = Math.min(DELIVERY_BATCH, n - i);
    for (let j = 0; j < count; j++) await channel.send(`${prefix}${i + j}`);
    for (const m of await inbox.take(count, DELIVERY_BATCH_TIMEOUT_MS)) if (typeof m === 'string' && m.startsWith(prefix)) seen.add(m);
  }
  // Late echoes of earlier batches.
  for (const m of inbox.drain()) if (typeof m === 'string' && m.startsWith(prefix)) seen.add(m);
  return seen.size / n;
}

export const datachannelScenario: Scenario = {
  name: 'datachannel',
  description:
    'node-datachannel (src/datachannel Channel) against Chromium RTCPeerConnection over real ICE/DTLS/SCTP on loopback: ' +
    'text and binary echo by SHA-256, unordered and maxRetransmits 0 delivery, maximum-size messages, throughput, round trip.',
  defaults: {
    duration: 10,
    thresholds: { minThroughputMBps: 5, maxRttP50Ms: 5, maxRttP95Ms: 20, minUnorderedDelivery: 1, minUnreliableDelivery: 0.99 },
  },
  thresholdDocs: {
    minThroughputMBps: 'Node to Chromium reliable throughput (64 KiB messages, until acknowledged), MB/s, at least',
    maxRttP50Ms: 'ping-pong round trip median through Chromium, ms, at most',
    maxRttP95Ms: 'ping-pong round trip 95th percentile, ms, at most',
    minUnorderedDelivery: 'share of unordered reliable messages echoed back, at least',
    minUnreliableDelivery: 'share of maxRetransmits 0 messages echoed back on loopback, at least',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const checks: Check[] = [];
    ctx.series('throughput', 'MB/s', 'Node to Chromium throughput');
    ctx.series('rtt_p50', 'ms', `Round trip (median per ${RTT_WINDOW_S * 1000} ms)`);
    ctx.series('ice_rtt', 'ms', "ICE round trip (Chromium's candidate-pair)");
    const { channels, evaluate } = await connect(ctx);
    const reliable = channels.reliable!;
    const inboxes = Object.fromEntries(Object.entries(channels).map(([k, c]) => [k, new Inbox(c)]));
    ctx.defer(() => Object.values(inboxes).forEach((i) => i.close()));
    ctx.note(`connected in ${ctx.elapsed().toFixed(2)} s`);

    ctx.progress('text echo');
    const text = await echoPhase(reliable, inboxes.reliable!, textMessages(ECHO_MESSAGES));
    checks.push(isTrue('reliable text echo SHA-256 matches', text.sent === text.received, `${text.count}/${ECHO_MESSAGES} echoed, sha256 ${text.received.slice(0, 16)}…`));

    ctx.progress('binary echo');
    const binary = Array.from({ length: ECHO_MESSAGES }, (_, i) => new Uint8Array(randomBytes(1 + ((i * 104729) % ECHO_MAX_BYTES))));
    const bin = await echoPhase(reliable, inboxes.reliable!, binary);
    checks.push(isTrue('reliable binary echo SHA-256 matches', bin.sent === bin.received, `${bin.count}/${ECHO_MESSAGES} echoed, sha256 ${bin.received.slice(0, 16)}…`));

    ctx.progress('unordered');
    checks.push(atLeast('unordered reliable delivery', await deliveryPhase(channels.unordered!, inboxes.unordered!, MODE_MESSAGES, 'u'), th.minUnorderedDelivery!, 'ratio'));
    ctx.progress('unreliable');
    checks.push(atLeast('unreliable (maxRetransmits 0) delivery', await deliveryPhase(channels.unreliable!, inboxes.unreliable!, MODE_MESSAGES, 'x'), th.minUnreliableDelivery!, 'ratio'));

    ctx.progress('maximum size');
    const limit = reliable.maxMessageSize;
    const info = await evaluate<PageInfo>('info');
    const big = new Uint8Array(randomBytes(limit));
    const max = await echoPhase(reliable, inboxes.reliable!, [big]);
    checks.push(isTrue('maximum-size message round-trips', max.sent === max.received && max.count === 1, `${limit} bytes (Chromium's sctp.maxMessageSize ${info.maxMessageSize ?? 'unknown'})`));
    let refused = false;
    try {
      reliable.sendNow(new Uint8Array(limit + 1));
    } catch (e) {
      refused = e instanceof MessageTooLargeError;
    }
    checks.push(isTrue('one byte over the limit is refused before sending', refused, `${limit + 1} bytes`));

    // Throughput: 64 KiB messages through send() (backpressure) until the time is up, then
    // `end`; Chromium answers `done:<bytes>` once it has read everything before it.
    const bulk = channels.bulk!;
    const bulkInbox = inboxes.bulk!;
    const seconds = Math.max(MIN_THROUGHPUT_SECONDS, ctx.duration * THROUGHPUT_SHARE);
    const payload = new Uint8Array(randomBytes(BULK_MESSAGE_BYTES));
    let sent = 0;
    let lastBytes = 0;
    let lastT = performance.now();
    let live = 0;
    const onProgress = (m: ChannelMessage): void => {
      if (typeof m !== 'string' || !m.startsWith('p:')) return;
      const bytes = Number(m.slice(2));
      const now = performance.now();
      live = (bytes - lastBytes) / MB / ((now - lastT) / 1000);
      lastBytes = bytes;
      lastT = now;
      ctx.sample('throughput', live);
    };
    const off = bulk.on('message', onProgress);
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      await bulk.send(payload);
      sent += payload.length;
      ctx.progress('throughput', { 'MB/s': live.toFixed(1), sent: `${(sent / MB).toFixed(0)} MB` });
    }
    await bulk.send('end');
    let done: number | undefined;
    for (;;) {
      const m = await bulkInbox.next(REPLY_TIMEOUT_MS * 2);
      if (m === undefined) break;
      if (typeof m === 'string' && m.startsWith('done:')) {
        done = Number(m.slice(5));
        break;
      }
    }
    const t1 = performance.now();
    off();
    const throughput = done === undefined ? 0 : done / MB / ((t1 - t0) / 1000);
    checks.push(isTrue('bulk bytes acknowledged by Chromium equal bytes sent', done === sent, `${done ?? 'no ack'} of ${sent} bytes`));
    checks.push(atLeast('throughput Node to Chromium', throughput, th.minThroughputMBps!, 'MB/s', `${(sent / MB).toFixed(1)} MB in ${((t1 - t0) / 1000).toFixed(2)} s`));

    // Round trips: one small message at a time on the reliable channel, echoed by Chromium.
    const rttSeconds = Math.max(MIN_RTT_SECONDS, ctx.duration * RTT_SHARE);
    const rtts: number[] = [];
    let window: number[] = [];
    let windowStart = performance.now();
    const r0 = performance.now();
    let lost = 0;
    for (let i = 0; performance.now() - r0 < rttSeconds * 1000; i++) {
      const s = performance.now();
      reliable.sendNow(`ping:${i}`);
      const m = await inboxes.reliable!.next(REPLY_TIMEOUT_MS);
      const rtt = performance.now() - s;
      if (m !== `ping:${i}`) {
        lost++;
        break;
      }
      rtts.push(rtt);
      window.push(rtt);
      if (performance.now() - windowStart >= RTT_WINDOW_S * 1000) {
        ctx.sample('rtt_p50', percentile(window, 50));
        const ice = await evaluate<number | null>('rtt');
        if (ice !== null) ctx.sample('ice_rtt', ice * 1000);
        window = [];
        windowStart = performance.now();
        ctx.progress('round trip', { 'p50 ms': percentile(rtts, 50).toFixed(2), pings: String(rtts.length) });
      }
    }
    const p50 = percentile(rtts, 50);
    const p95 = percentile(rtts, 95);
    const rttDetail = `${rtts.length} pings${lost ? `, ${lost} unanswered` : ''}, mean ${round(rtts.reduce((a, b) => a + b, 0) / Math.max(1, rtts.length), 3)} ms`;
    checks.push(atMost('round trip p50', p50, th.maxRttP50Ms!, 'ms', rttDetail));
    checks.push(atMost('round trip p95', p95, th.maxRttP95Ms!, 'ms', rttDetail));
    const after = await evaluate<PageInfo>('info');
    checks.push(isTrue('no data channel errors in Chromium', after.errors.length === 0, after.errors.slice(0, 3).join('; ') || undefined));
    return checks;
  },
};
