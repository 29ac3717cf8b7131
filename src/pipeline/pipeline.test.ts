import { describe, expect, it } from 'vitest';
import { createNode, fn, Pipeline, PipelineError, sink, source, type AudioFrame, type Frame, type PipelineNode } from './index.js';

const audio = (i: number, captureTimeMs = performance.timeOrigin + performance.now()): AudioFrame => ({ kind: 'audio', sampleRate: 48000, channels: 1, samples: new Float32Array(960).fill(i / 1000), mediaTimeUs: i * 20_000, captureTimeMs });
const frames = (n: number) => Array.from({ length: n }, (_, i) => audio(i));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Pipeline', () => {
  it('runs a one-liner source -> node -> sink and carries media and capture time end to end', async () => {
    const input = frames(50);
    const seen: Frame[] = [];
    const p = new Pipeline('one-liner')
      .add(source('src', input, ['audio']))
      .add(createNode('PassThrough', 'pass'))
      .add(sink('out', (f) => void seen.push(f)));
    const stats = await p.run();
    expect(seen.map((f) => f.mediaTimeUs)).toEqual(input.map((f) => f.mediaTimeUs));
    expect(seen.map((f) => f.captureTimeMs)).toEqual(input.map((f) => f.captureTimeMs));
    expect(stats.nodes.find((n) => n.id === 'pass')).toMatchObject({ framesIn: 50, framesOut: 50, state: 'done' });
  });

  it('reports per-node and end-to-end latency p50/p95 that it measured itself', async () => {
    const p = new Pipeline('latency')
      .add(source('src', frames(40), ['audio']))
      .add(fn('slow', async (f) => { await sleep(2); return f; }, { inputs: ['audio'], outputs: ['audio'] }))
      .add(sink('out', () => {}));
    const stats = await p.run();
    const slow = stats.nodes.find((n) => n.id === 'slow')!;
    expect(slow.latency.count).toBe(40);
    // Each frame spent at least the 2 ms sleep in the node: a lower bound that holds on any machine.
    expect(slow.latency.p50).toBeGreaterThanOrEqual(1.5);
    expect(slow.latency.p95).toBeGreaterThanOrEqual(slow.latency.p50);
    expect(stats.endToEnd.count).toBe(40);
    expect(stats.endToEnd.p50).toBeGreaterThanOrEqual(slow.latency.p50 - 0.5);
    expect(p.inspect()).toMatch(/slow \(Function\).*latency p50 [\d.]+ ms p95 [\d.]+ ms/);
  });

  it('runs branches: one source feeds two chains and each sees every frame', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const p = new Pipeline('branches')
      .add(source('src', frames(30), ['audio']))
      .add(createNode('PassThrough', 'left'))
      .add(sink('a', (f) => void a.push(f.mediaTimeUs)));
    p.add(createNode('AudioLevelNode', 'level'), { after: 'src' }).add(sink('b', (f) => void b.push(f.mediaTimeUs)));
    await p.run();
    expect(a).toHaveLength(30);
    expect(b).toHaveLength(30);
    expect(p.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['src->left', 'left->a', 'src->level', 'level->b']);
  });

  it('iterates a node\'s output asynchronously while the pipeline runs', async () => {
    const p = new Pipeline('iterate').add(source('src', frames(100), ['audio'])).add(createNode('AudioLevelNode', 'level'));
    const got: unknown[] = [];
    const reading = (async () => { for await (const f of p.outputs('level')) got.push(f.kind === 'data' ? (f.value as { _schema: string })._schema : f.kind); })();
    await p.run();
    await reading;
    expect(got).toHaveLength(100);
    expect(new Set(got)).toEqual(new Set(['audio_level_event']));
  });

  it('a slow node under drop-oldest keeps its queue within capacity and counts every drop', async () => {
    const n = 2000;
    const received: number[] = [];
    const p = new Pipeline('drop')
      .add(source('fast', frames(n), ['audio']))
      .add(sink('slow', async (f) => { received.push(f.mediaTimeUs); await sleep(1); }), { queue: { policy: 'drop-oldest', capacity: 4 } });
    const stats = await p.run();
    const edge = stats.edges[0]!;
    expect(edge.maxDepth).toBeLessThanOrEqual(4);
    expect(edge.dropped).toBeGreaterThan(0);
    // Every frame pushed was either delivered or dropped: nothing is held back, nothing invented.
    expect(edge.pushed).toBe(n);
    expect(edge.delivered + edge.dropped).toBe(n);
    expect(received).toHaveLength(edge.delivered);
    // The newest frame always survives drop-oldest.
    expect(received.at(-1)).toBe((n - 1) * 20_000);
  }, 30_000);

  it('a slow node under block holds the producer back: no drops, the queue never exceeds capacity', async () => {
    let produced = 0;
    async function* gen() { for (let i = 0; i < 300; i++) { produced++; yield audio(i); } }
    const maxAhead: number[] = [];
    let consumed = 0;
    const p = new Pipeline('block')
      .add(source('fast', gen(), ['audio']))
      .add(sink('slow', async () => { consumed++; maxAhead.push(produced - consumed); await sleep(0.5); }), { queue: { policy: 'block', capacity: 8 } });
    const stats = await p.run();
    expect(stats.edges[0]).toMatchObject({ dropped: 0, delivered: 300, policy: 'block', capacity: 8 });
    expect(stats.edges[0]!.maxDepth).toBeLessThanOrEqual(8);
    // The producer can be at most capacity + 1 (held in push) + 1 (being handed over) frames ahead.
    expect(Math.max(...maxAhead)).toBeLessThanOrEqual(8 + 2);
  }, 30_000);

  it('coalesce keeps the newest frame for a slow consumer and counts what it replaced', async () => {
    const seen: number[] = [];
    const p = new Pipeline('coalesce')
      .add(source('fast', frames(500), ['audio']))
      .add(sink('slow', async (f) => { seen.push(f.mediaTimeUs); await sleep(1); }), { queue: { policy: 'coalesce', capacity: 1 } });
    const stats = await p.run();
    expect(stats.edges[0]!.dropped).toBeGreaterThan(0);
    expect(stats.edges[0]!.maxDepth).toBe(1);
    expect(seen.length + stats.edges[0]!.dropped).toBe(500);
    expect(seen.at(-1)).toBe(499 * 20_000);
  }, 30_000);

  it('a node that throws fails the run with PipelineError naming the node, and every other node stops', async () => {
    let sourceStopped = false;
    const endless: PipelineNode = {
      id: 'endless', type: 'Endless', params: {}, inputs: [], outputs: [{ name: 'out', kinds: ['audio'] }],
      async produce(ctx) {
        try { for (let i = 0; ; i++) await ctx.emit(audio(i)); } finally { sourceStopped = true; }
      },
    };
    const p = new Pipeline('fails')
      .add(endless)
      .add(fn('boom', (f) => { if (f.mediaTimeUs >= 200_000) throw new Error('bad sample'); return f; }, { inputs: ['audio'], outputs: ['audio'] }))
      .add(sink('out', () => {}));
    const err = await p.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(err).toMatchObject({ code: 'node-failed', nodeId: 'boom', message: "node 'boom' failed: bad sample" });
    expect(sourceStopped).toBe(true);
    expect(p.stats().nodes.find((n) => n.id === 'boom')!.state).toBe('failed');
  });

  it('a run times out with a typed error instead of hanging', async () => {
    const p = new Pipeline('timeout').add(source('src', frames(5), ['audio'])).add(sink('stuck', () => new Promise(() => {})));
    await expect(p.run({ timeoutMs: 200 })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('refuses graphs that cannot work: duplicate ids, unknown nodes, mismatched ports, cycles, unfed inputs', async () => {
    const p = new Pipeline('bad').add(source('src', [], ['audio']));
    expect(() => p.add(source('src', [], ['audio']))).toThrow(expect.objectContaining({ code: 'bad-graph', nodeId: 'src' }));
    expect(() => p.connect('src', 'nope')).toThrow(expect.objectContaining({ code: 'bad-graph', nodeId: 'nope' }));
    p.add(createNode('H264EncodeNode', 'h264'), { after: [] });
    expect(() => p.connect('src', 'h264')).toThrow(/node 'src' produces audio but node 'h264' accepts video/);
    const c = new Pipeline('cycle').add(createNode('PassThrough', 'a')).add(createNode('PassThrough', 'b'));
    c.connect('b', 'a');
    await expect(c.run({ input: source('in', [], ['audio']) })).rejects.toMatchObject({ code: 'bad-graph', message: 'the edges form a cycle: a -> b -> a' });
    const unfed = new Pipeline('unfed').add(createNode('AudioLevelNode', 'level'));
    await expect(unfed.run()).rejects.toMatchObject({ code: 'no-input', nodeId: 'level' });
  });

  it('a node asking for remote placement is refused with a typed error naming it; inspect() says where and why', async () => {
    const p = new Pipeline('placement')
      .add(source('src', frames(3), ['audio']))
      .add(createNode('PassThrough', 'here', {}, { requirements: { placement: 'prefer_remote' } }))
      .add(createNode('PassThrough', 'there', {}, { requirements: { placement: 'remote' } }));
    const text = p.inspect();
    expect(text).toMatch(/here \(PassThrough\).* runs local: prefer_remote, but no remote executor is configured .*: runs here/);
    expect(text).toMatch(/there \(PassThrough\).* runs remote \(refused\): placement: remote; no remote executor is configured \(start one with `spell serve`/);
    await expect(p.run()).rejects.toMatchObject({ code: 'remote-unavailable', nodeId: 'there' });
    const gpu = new Pipeline('gpu').add(source('src', frames(1), ['audio'])).add(createNode('PassThrough', 'gpu', {}, { requirements: { capabilities: { gpu: { type: 'cuda', required: true } } } }));
    await expect(gpu.run()).rejects.toMatchObject({ code: 'requirements-unmet', nodeId: 'gpu' });
  });

  it('checks a node\'s params when it is created: the error names node and field', () => {
    expect(() => createNode('AudioChunkerNode', 'chunk', { chunk_size: 0 })).toThrow(expect.objectContaining({ code: 'bad-param', nodeId: 'chunk', field: 'params.chunk_size' }));
    expect(() => createNode('NoSuchNode', 'x')).toThrow(/node 'x': unknown node_type 'NoSuchNode'; known types: .*AudioChunkerNode/);
  });
});
