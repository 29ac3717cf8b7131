/**
 * Remote execution end to end on loopback: a real executor (signaling server + node-datachannel
 * peer) and real callers; sub-pipelines run there on frames streamed over a data channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, Pipeline, PipelineError, sink, type Frame } from '../pipeline/index.js';
import { Executor, RemoteExecutors, connectExecutor, RemoteError } from './index.js';

const TONE = { frequency: 440, amplitude: 0.5, sample_rate: 48000, channels: 1, duration_ms: 1000, frame_ms: 20 };

/** A tone through resample (48 -> 16 kHz) and level, with the resampler placed by `host`. */
function chain(host?: string): Pipeline {
  const p = new Pipeline('chain');
  p.add(createNode('ToneSourceNode', 'tone', TONE));
  p.add(createNode('FastResampleNode', 'resample', { target_rate: 16000 }, host ? { requirements: { host } } : {}));
  p.add(createNode('AudioLevelNode', 'level'));
  return p;
}

async function collect(p: Pipeline, remote?: RemoteExecutors): Promise<{ audio: Frame[]; events: Frame[] }> {
  const audio: Frame[] = [];
  const events: Frame[] = [];
  await p.run({ ...(remote ? { remote } : {}), timeoutMs: 60_000, onOutput: (id, f) => { if (id === 'resample') audio.push(f); if (id === 'level') events.push(f); } });
  return { audio, events };
}

describe('remote execution', () => {
  let executor: Executor;
  let url: string;
  beforeAll(async () => {
    executor = new Executor({ port: 0, name: 'test-executor' });
    ({ url } = await executor.listen());
  });
  afterAll(async () => {
    await executor.close();
  });

  it('runs a node on the executor and gives exactly the frames a local run gives, media and capture times kept', async () => {
    const local = await collect(chain());
    const remote = new RemoteExecutors();
    try {
      const p = chain(url);
      expect(p.inspect()).toContain('resample (FastResampleNode)');
      const got = await collect(p, remote);
      expect(got.audio.length).toBe(local.audio.length);
      expect(got.audio.length).toBeGreaterThan(40);
      for (let i = 0; i < local.audio.length; i++) {
        const a = local.audio[i]!, b = got.audio[i]!;
        expect(b.kind).toBe('audio');
        expect(b.mediaTimeUs).toBe(a.mediaTimeUs);
        if (a.kind === 'audio' && b.kind === 'audio') {
          expect(b.sampleRate).toBe(16000);
          expect(Array.from(b.samples)).toEqual(Array.from(a.samples));
        }
      }
      expect(got.events.map((e) => (e.kind === 'data' ? (e.value as { rms_db: number }).rms_db : NaN))).toEqual(local.events.map((e) => (e.kind === 'data' ? (e.value as { rms_db: number }).rms_db : NaN)));
      expect(p.inspect()).toMatch(/resample \(FastResampleNode\).* runs remote: host ws:\/\/127\.0\.0\.1:\d+\/signaling: runs on executor/);
      const [hop] = remote.hopStats();
      expect(hop!.nodeId).toBe('resample');
      expect(hop!.framesSent).toBe(50);
      expect(hop!.count).toBeGreaterThan(0);
      expect(hop!.p50).toBeGreaterThan(0);
    } finally {
      await remote.close();
    }
  }, 60_000);

  it('advertises capabilities, and placement uses them: a node needing more cores than anywhere is refused naming what is missing', async () => {
    const conn = await connectExecutor(url);
    try {
      expect(conn.info.capabilities.nodeTypes).toContain('FastResampleNode');
      expect(conn.info.capabilities.nodeTypes).not.toContain('WavSourceNode');
      expect(conn.info.capabilities.features).toContain('sub-pipeline');
      expect(conn.info.capabilities.cores).toBeGreaterThan(0);
    } finally {
      await conn.close();
    }
    const remote = new RemoteExecutors({ executors: { lab: url } });
    try {
      const p = new Pipeline('big');
      p.add(createNode('ToneSourceNode', 'tone', TONE));
      p.add(createNode('PassThrough', 'heavy', {}, { requirements: { placement: 'remote', capabilities: { cpu: { cores: 4096 } } } }));
      const err = await p.run({ remote }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PipelineError);
      expect((err as PipelineError).code).toBe('remote-unavailable');
      expect((err as PipelineError).nodeId).toBe('heavy');
      expect((err as PipelineError).message).toMatch(/executor lab .* lacks 4096 cores/);
    } finally {
      await remote.close();
    }
  }, 60_000);

  it("says 'remote unreachable: <host>' when nothing listens there, and the process is not held", async () => {
    const remote = new RemoteExecutors({ connectTimeoutMs: 5000 });
    const p = new Pipeline('nowhere');
    p.add(createNode('ToneSourceNode', 'tone', TONE));
    p.add(createNode('PassThrough', 'far', {}, { requirements: { host: 'ws://127.0.0.1:9/signaling' } }));
    const err = await p.run({ remote }).catch((e: unknown) => e);
    expect((err as PipelineError).code).toBe('remote-unavailable');
    expect((err as PipelineError).message).toContain('remote unreachable: ws://127.0.0.1:9/signaling');
    await remote.close();
  }, 30_000);

  it("refuses node types that touch the executor's files, naming the node", async () => {
    const conn = await connectExecutor(url);
    try {
      const manifest = JSON.stringify({ version: 'v1', metadata: { name: 'x' }, nodes: [{ id: 'reader', node_type: 'WavSourceNode', params: { path: '/etc/passwd' } }], connections: [] });
      const err = await conn.start(manifest).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).code).toBe('refused');
      expect((err as RemoteError).nodeId).toBe('reader');
      expect((err as RemoteError).message).toMatch(/not allowed on this executor/);
    } finally {
      await conn.close();
    }
  }, 30_000);

  it('runs a RemotePipelineNode: its manifest runs on the executor whole, and its output nodes\' frames come out of its port', async () => {
    const remote = new RemoteExecutors();
    try {
      const inner = { version: 'v1', metadata: { name: 'inner' }, nodes: [{ id: 'r', node_type: 'FastResampleNode', params: { target_rate: 16000 } }, { id: 'lvl', node_type: 'AudioLevelNode', params: {} }], connections: [{ from: 'r', to: 'lvl' }] };
      const p = new Pipeline('outer');
      p.add(createNode('ToneSourceNode', 'tone', TONE));
      p.add(createNode('RemotePipelineNode', 'far', { transport: 'webrtc', endpoint: url, manifest: inner }));
      const events: Frame[] = [];
      p.add(sink('out', (f) => void events.push(f)));
      await p.run({ remote, timeoutMs: 60_000 });
      // 50 frames of 20 ms, and the resampler's tail flushed at the end.
      expect(events).toHaveLength(51);
      expect(events.every((e) => e.kind === 'data' && (e.value as { _schema: string })._schema === 'audio_level_event')).toBe(true);
      const times = events.map((e) => e.mediaTimeUs);
      expect(times[0]).toBe(0);
      expect(times.every((v, i) => i === 0 || v > times[i - 1]!)).toBe(true);
      expect(times.at(-1)!).toBeLessThan(1_000_000);
      const grpc = new Pipeline('grpc').add(createNode('ToneSourceNode', 'tone', TONE)).add(createNode('RemotePipelineNode', 'g', { transport: 'grpc', endpoint: url, manifest: inner }));
      await expect(grpc.run({ remote })).rejects.toMatchObject({ code: 'bad-param', nodeId: 'g', message: expect.stringMatching(/transport 'grpc' is not supported here/) });
    } finally {
      await remote.close();
    }
  }, 60_000);

  it("a remote node's failure stops the run with an error naming the node and the executor", async () => {
    const remote = new RemoteExecutors();
    try {
      const p = new Pipeline('failing');
      p.add(createNode('ToneSourceNode', 'tone', TONE));
      // source_rate given and different from the input's is an error in FastResampleNode, raised there.
      p.add(createNode('FastResampleNode', 'resample', { source_rate: 44100, target_rate: 16000 }, { requirements: { host: url } }));
      const err = (await p.run({ remote, timeoutMs: 60_000 }).catch((e: unknown) => e)) as PipelineError;
      expect(err).toBeInstanceOf(PipelineError);
      expect(err.code).toBe('remote-failed');
      expect(err.nodeId).toBe('resample');
      expect(err.message).toMatch(/remote node 'resample' on ws:\/\/127\.0\.0\.1:\d+\/signaling failed: .*44100/);
    } finally {
      await remote.close();
    }
  }, 60_000);

  it('with audioTransport opus-track, audio crosses on an Opus track both ways: the tone comes back at its frequency and rate, every 20 ms of it, media and capture times kept', async () => {
    const remote = new RemoteExecutors({ audioTransport: 'opus-track' });
    try {
      for (const [type, params, rate] of [['PassThrough', {}, 48000], ['FastResampleNode', { target_rate: 16000 }, 16000]] as const) {
        const p = new Pipeline(`track-${type}`);
        p.add(createNode('ToneSourceNode', 'tone', TONE));
        p.add(createNode(type, 'far', params, { requirements: { host: url } }));
        const sent = new Map<number, number>();
        const back: Frame[] = [];
        p.add(sink('out', (f) => void back.push(f)));
        const original: Frame[] = [];
        await p.run({ remote, timeoutMs: 60_000, onOutput: (id, f) => { if (id === 'tone') { sent.set(f.mediaTimeUs, f.captureTimeMs); original.push(f); } } });
        const audio = back.filter((f): f is Extract<Frame, { kind: 'audio' }> => f.kind === 'audio');
        expect(audio.every((f) => f.sampleRate === rate && f.channels === 1)).toBe(true);
        const samples = audio.reduce((n, f) => n + f.samples.length, 0);
        // One second of tone; the resampler's flushed tail and the last packet's padding add at most 40 ms.
        expect(samples).toBeGreaterThanOrEqual(rate);
        expect(samples).toBeLessThanOrEqual(rate * 1.04);
        const times = audio.map((f) => f.mediaTimeUs);
        expect(times[0]).toBe(0);
        expect(times.every((t, i) => i === 0 || Math.abs(t - (times[i - 1]! + (audio[i - 1]!.samples.length / rate) * 1e6)) < 1)).toBe(true);
        // The frequency survives Opus: zero crossings over the middle half second.
        const all = new Float32Array(samples);
        let at = 0;
        for (const f of audio) { all.set(f.samples, at); at += f.samples.length; }
        const mid = all.subarray(Math.floor(rate * 0.25), Math.floor(rate * 0.75));
        let crossings = 0;
        for (let i = 1; i < mid.length; i++) if ((mid[i - 1]! < 0) !== (mid[i]! < 0)) crossings++;
        expect(Math.abs(crossings / 2 / 0.5 - 440)).toBeLessThan(3);
        // It went through Opus (lossy), not the data channel (which gives the samples back exactly).
        if (type === 'PassThrough') {
          const o = original[10]!, b = audio.find((f) => f.mediaTimeUs === o.mediaTimeUs)!;
          expect(o.kind === 'audio' && Array.from(b.samples).some((v, i) => v !== o.samples[i])).toBe(true);
        }
        // Capture times come back as the tone's own (restored by media time).
        const restored = audio.filter((f) => sent.get(f.mediaTimeUs) === f.captureTimeMs).length;
        expect(restored).toBeGreaterThanOrEqual(type === 'PassThrough' ? 49 : 1);
      }
      const [first] = remote.hopStats();
      expect(first!.framesSent).toBe(50);
      expect(first!.count).toBeGreaterThan(40);
    } finally {
      await remote.close();
    }
  }, 60_000);
});
