import { describe, expect, it } from 'vitest';
import { LeakyBucket, Pacer } from './pacer.js';

describe('LeakyBucket', () => {
  it('admits a burst, then spaces packets at the rate', () => {
    const bucket = new LeakyBucket(8_000_000, 3000); // 1,000 bytes per ms
    expect(bucket.admit(1000, 0)).toBe(0);
    expect(bucket.admit(1000, 0)).toBe(0);
    expect(bucket.admit(1000, 0)).toBe(0);
    expect(bucket.admit(1000, 0)).toBe(1); // level 3000 + 1000 is 1000 over: 1 ms
    expect(bucket.admit(1000, 0.5)).toBe(0.5);
    expect(bucket.admit(1000, 1)).toBe(0);
    expect(bucket.admit(500, 1)).toBe(0.5);
  });

  it('lets a packet larger than the burst go when the bucket is empty', () => {
    const bucket = new LeakyBucket(8_000_000, 1000);
    expect(bucket.admit(5000, 0)).toBe(0);
    expect(bucket.admit(10, 1)).toBeCloseTo(3.01, 9); // 4,000 left after 1 ms, + 10 - 1,000 burst = 3,010 bytes to leak
    expect(bucket.admit(10, 5)).toBe(0);
  });

  it('rejects a rate or burst that is not positive', () => {
    expect(() => new LeakyBucket(0, 1000)).toThrow(RangeError);
    expect(() => new LeakyBucket(1000, 0)).toThrow(RangeError);
  });
});

describe('Pacer', () => {
  it('spreads a 30-packet keyframe over the time the rate allows, in order', async () => {
    const sent: { seq: number; at: number }[] = [];
    const start = performance.now();
    // 8 Mbit/s = 1,000 bytes per ms; 30 x 1,000 bytes with a 4,000-byte burst needs about 26 ms.
    const pacer = new Pacer((p) => sent.push({ seq: p[0]!, at: performance.now() - start }), { rateBps: 8_000_000, burstBytes: 4000 });
    for (let i = 0; i < 30; i++) pacer.enqueue(new Uint8Array(1000).fill(i));
    expect(sent.length).toBe(4);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent.map((s) => s.seq)).toEqual([...Array(30).keys()]);
    expect(sent[29]!.at).toBeGreaterThanOrEqual(25);
    expect(pacer.stats.sent).toBe(30);
    expect(pacer.stats.maxQueueMs).toBeGreaterThanOrEqual(25);
    pacer.stop();
  });

  it('copies what it queues, drops the oldest past its limit, and sends nothing after stop()', async () => {
    const sent: number[] = [];
    const pacer = new Pacer((p) => sent.push(p[0]!), { rateBps: 8000, burstBytes: 100, queueLimit: 2 });
    const buffer = new Uint8Array(100);
    for (let i = 1; i <= 4; i++) {
      buffer[0] = i;
      pacer.enqueue(buffer);
    }
    expect(sent).toEqual([1]);
    expect(pacer.stats.dropped).toBe(1);
    expect(pacer.stats.queued).toBe(2);
    pacer.stop();
    await new Promise((r) => setTimeout(r, 30));
    expect(sent).toEqual([1]);
    expect(pacer.stats.queued).toBe(0);
  });
});
