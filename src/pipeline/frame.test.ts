import { describe, expect, it } from 'vitest';
import { EdgeQueue, frameFromJSON, frameToJSON, i420Size, LatencyWindow, type Frame } from './index.js';

describe('frames', () => {
  it('every kind of frame survives frameToJSON -> JSON text -> frameFromJSON unchanged', () => {
    const t = { mediaTimeUs: 20_000, captureTimeMs: 1_764_633_600_123.25, streamId: 'mic' };
    const frames: Frame[] = [
      { kind: 'audio', ...t, sampleRate: 48000, channels: 2, samples: Float32Array.from([0.5, -0.25, 1, -1]) },
      { kind: 'video', ...t, width: 3, height: 3, data: Uint8Array.from({ length: i420Size(3, 3) }, (_, i) => i) },
      { kind: 'data', ...t, value: { rms_db: -9 }, bytes: Uint8Array.from([1, 2, 3]), contentType: 'audio/opus' },
      { kind: 'text', ...t, text: 'hello' },
    ];
    for (const f of frames) expect(frameFromJSON(JSON.parse(JSON.stringify(frameToJSON(f))))).toEqual(f);
  });

  it('a malformed frame is PipelineError bad-frame naming the field', () => {
    const ok = frameToJSON({ kind: 'audio', mediaTimeUs: 0, captureTimeMs: 0, sampleRate: 16000, channels: 1, samples: new Float32Array(2) });
    expect(() => frameFromJSON({ ...ok, channels: 0 })).toThrow(expect.objectContaining({ code: 'bad-frame', field: 'channels' }));
    expect(() => frameFromJSON({ ...ok, samples: 'AAA' })).toThrow(expect.objectContaining({ code: 'bad-frame', field: 'samples' }));
    expect(() => frameFromJSON({ ...ok, kind: 'midi' })).toThrow(expect.objectContaining({ field: 'kind' }));
    expect(() => frameFromJSON({ ...ok, captureTimeMs: null })).toThrow(expect.objectContaining({ field: 'captureTimeMs' }));
    expect(() => frameFromJSON({ kind: 'video', mediaTimeUs: 0, captureTimeMs: 0, width: 2, height: 2, data: 'AAAA' })).toThrow(expect.objectContaining({ field: 'data' }));
  });
});

describe('EdgeQueue', () => {
  const f = (i: number): Frame => ({ kind: 'text', text: String(i), mediaTimeUs: i, captureTimeMs: 0 });
  const drain = (q: EdgeQueue) => { const out: number[] = []; for (let x = q.shift(); x; x = q.shift()) out.push(x.frame.mediaTimeUs); return out; };

  it('drop-oldest keeps the newest capacity frames; coalesce replaces the newest; both count drops', () => {
    const a = new EdgeQueue('drop-oldest', 3);
    for (let i = 0; i < 10; i++) a.push(f(i));
    expect(drain(a)).toEqual([7, 8, 9]);
    expect(a.stats()).toMatchObject({ pushed: 10, delivered: 3, dropped: 7, maxDepth: 3, depth: 0 });
    const c = new EdgeQueue('coalesce', 3);
    for (let i = 0; i < 10; i++) c.push(f(i));
    expect(drain(c)).toEqual([0, 1, 9]);
    expect(c.stats()).toMatchObject({ dropped: 7, maxDepth: 3 });
  });

  it('block makes the producer wait for room, and stop() releases a waiting producer', async () => {
    const q = new EdgeQueue('block', 2);
    expect(q.push(f(0))).toBeUndefined();
    expect(q.push(f(1))).toBeUndefined();
    let done = false;
    const pending = q.push(f(2))!.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    expect(q.shift()!.frame.mediaTimeUs).toBe(0);
    await pending;
    expect(drain(q)).toEqual([1, 2]);
    q.push(f(3)); q.push(f(4));
    const stuck = q.push(f(5))!;
    q.stop();
    await stuck;
    expect(q.stats()).toMatchObject({ depth: 0, dropped: 0 });
  });

  it('latency windows report nearest-rank percentiles over the newest samples', () => {
    const w = new LatencyWindow(100);
    for (let i = 1; i <= 100; i++) w.record(i);
    expect(w.summary()).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    for (let i = 0; i < 100; i++) w.record(1000);
    expect(w.summary()).toMatchObject({ count: 200, p50: 1000 });
  });
});
