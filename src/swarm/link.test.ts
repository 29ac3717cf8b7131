/**
 * Perfect negotiation between two in-process node-datachannel connections: the signaling
 * messages are handed across in memory (in order, as a server relays them), so offers can
 * collide on purpose and candidates can be made to overtake their description.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { PeerLink, type SignalOut } from './link.js';
import { nodeTransport } from './node-transport.js';

const transport = nodeTransport();
afterAll(async () => {
  await transport.release?.();
});

interface Side {
  link: PeerLink;
  opened: Promise<void>;
  messages: (string | Uint8Array)[];
}

/** Two links; `delayDescriptions` holds each description back so its candidates arrive first. */
function pair(options: { delayDescriptions?: number } = {}): { a: Side; b: Side; log: string[] } {
  const log: string[] = [];
  const sides: Record<'a' | 'b', Side> = {} as never;
  const deliver = (to: 'a' | 'b', m: SignalOut) => {
    const link = sides[to].link;
    log.push(`${to === 'a' ? 'b' : 'a'}->${to} ${m.type}`);
    if (m.type === 'ice-candidate') link.handleCandidate(m.candidate, m.mid);
    else if (m.type === 'offer') void link.handleOffer(m.sdp);
    else void link.handleAnswer(m.sdp);
  };
  const make = (self: 'a' | 'b', other: 'a' | 'b'): Side => {
    let resolveOpen!: () => void;
    const opened = new Promise<void>((r) => (resolveOpen = r));
    const messages: (string | Uint8Array)[] = [];
    const link = new PeerLink(
      {
        polite: self === 'a', // 'a' < 'b'
        create: (events) => transport.create(`link-${self}`, { iceServers: [], bindAddress: '127.0.0.1' }, events),
        signal: (m) => {
          if (m.type !== 'ice-candidate' && options.delayDescriptions) setTimeout(() => deliver(other, m), options.delayDescriptions);
          else setImmediate(() => deliver(other, m));
        },
        opened: resolveOpen,
        broke: () => undefined,
        message: (d) => messages.push(d),
        wanted: () => true,
        retrying: () => undefined,
        error: () => undefined,
      },
      { connectTimeoutMs: 20_000, retry: { initialDelayMs: 100, maxDelayMs: 1000 }, disconnectGraceMs: 2000 },
    );
    return { link, opened, messages };
  };
  sides.a = make('a', 'b');
  sides.b = make('b', 'a');
  return { a: sides.a, b: sides.b, log };
}

async function exchange(a: Side, b: Side): Promise<void> {
  await Promise.all([a.opened, b.opened]);
  expect(a.link.channel!.sendNow('from a')).toBe(true);
  expect(b.link.channel!.sendNow('from b')).toBe(true);
  const until = Date.now() + 10_000;
  while ((a.messages.length < 1 || b.messages.length < 1) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(b.messages).toContain('from a');
  expect(a.messages).toContain('from b');
}

describe('PeerLink (perfect negotiation over node-datachannel)', () => {
  it('two peers offering at the same moment still connect: the impolite one ignores the colliding offer', async () => {
    const { a, b } = pair();
    a.link.start();
    b.link.start();
    try {
      await exchange(a, b);
      // Exactly one side saw a collision it resolved by ignoring (the impolite 'b'), unless
      // a DTLS failure forced a retry: then at least one.
      expect(b.link.collisions).toBeGreaterThanOrEqual(1);
      expect(a.link.collisions).toBe(0);
    } finally {
      a.link.close();
      b.link.close();
    }
  }, 60_000);

  it('candidates that arrive before their description are held and applied after it', async () => {
    const { a, b, log } = pair({ delayDescriptions: 300 });
    a.link.start();
    try {
      await exchange(a, b);
      const firstOffer = log.indexOf('a->b offer');
      const firstCandidate = log.indexOf('a->b ice-candidate');
      expect(firstCandidate).toBeGreaterThanOrEqual(0);
      expect(firstCandidate).toBeLessThan(firstOffer);
    } finally {
      a.link.close();
      b.link.close();
    }
  }, 60_000);
});
