import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../pipeline-manifest/index.js';
import { createNode, Pipeline, sink, SILERO_INSTALL, type DataFrame, type Frame } from './index.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const fixturePath = (name: string) => fileURLToPath(new URL(`./__fixtures__/${name}`, import.meta.url));
const tone = (params: Record<string, unknown> = {}) => createNode('ToneSourceNode', 'input', { duration_ms: 1000, ...params });

describe('Pipeline.load', () => {
  it('runs RemoteMedia\'s stream-health manifest unchanged: no connections, so every node gets the input and emits its events', async () => {
    const p = Pipeline.load(fixture('stream-health.yaml'));
    expect(p.name).toBe('stream-health-monitor');
    expect(p.metadata.cli_defaults).toEqual({ stream: true, sample_rate: 16000, channels: 1 });
    expect(p.edges).toEqual([]);
    const seen = new Map<string, Frame[]>();
    await p.run({ input: tone({ sample_rate: 16000, duration_ms: 2000, segments: [{ duration_ms: 1000 }, { duration_ms: 1000, amplitude: 0 }] }), onOutput: (id, f) => seen.set(id, [...(seen.get(id) ?? []), f]) });
    expect([...seen.keys()].sort()).toEqual(['audio_level', 'channel_balance', 'clipping_detector', 'health_timing', 'silence_detector']);
    for (const id of ['audio_level', 'silence_detector', 'clipping_detector', 'channel_balance']) expect(seen.get(id)).toHaveLength(100);
    const silence = seen.get('silence_detector')!.map((f) => (f as DataFrame).value as { is_sustained_silence: boolean; timestamp_us: number });
    expect(silence.find((e) => e.is_sustained_silence)!.timestamp_us).toBe(1_480_000);
  });

  it('runs a chain with connections and queue policies from a JSON manifest, and reports them', async () => {
    const p = Pipeline.load(fixture('resample-level.json'));
    const levels: Frame[] = [];
    const reading = (async () => { for await (const f of p.outputs('level')) levels.push(f); })();
    const stats = await p.run({ input: tone({ duration_ms: 1000 }) });
    await reading;
    expect(stats.edges.map((e) => [e.from, e.to, e.policy, e.capacity])).toEqual([
      ['resample', 'chunk', 'block', 16],
      ['chunk', 'level', 'coalesce', 4],
      ['chunk', 'silence', 'block', 8],
    ]);
    const chunk = stats.edges.find((e) => e.to === 'level')!;
    expect(levels.length + chunk.dropped).toBe(50);
    expect(p.inspect()).toContain('chunk -> level  queue coalesce x4');
  });

  it('serialize() and Pipeline.load() round-trip, in JSON and YAML, with the same digest', () => {
    const p = new Pipeline('round-trip', { description: 'tone to Opus' })
      .add(createNode('ToneSourceNode', 'tone', { frequency: 1000 }))
      .add(createNode('FastResampleNode', 'rs', { targetRate: 16000, quality: 'Low' }), { queue: { policy: 'drop-oldest', capacity: 4 } })
      .add(createNode('AudioLevelNode', 'level', {}, { requirements: { placement: 'prefer_local' } }));
    for (const format of ['json', 'yaml'] as const) {
      const text = p.serialize(format);
      const back = Pipeline.load(text);
      expect(back.serialize(format)).toBe(text);
      expect(back.digest()).toBe(p.digest());
      expect(back.manifestDigest).toBe(p.digest());
    }
    const m = JSON.parse(p.serialize());
    expect(m.nodes[1]).toEqual({ id: 'rs', node_type: 'FastResampleNode', params: { targetRate: 16000, quality: 'Low' }, is_streaming: true });
    expect(m.nodes[2].execution).toEqual({ placement: 'prefer_local' });
    expect(m.connections[0]).toEqual({ from: 'tone', to: 'rs', spellbook: { queue: { policy: 'drop-oldest', capacity: 4 } } });
  });

  it('a manifest naming SileroVADNode loads, and running it fails with a typed error naming the node and the missing package', async () => {
    // onnxruntime-node is installed wherever the Silero tests run (CI installs it), so "not
    // installed" is reached the one legitimate way: a child process whose module resolve hook
    // (node --import without-onnxruntime.mjs, through module.register) cannot find the package.
    const args = ['--import', 'tsx', '--import', fixturePath('without-onnxruntime.mjs'), fixturePath('silero-missing-child.ts')];
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = execFile(process.execPath, args, { timeout: 30_000 }, (_e, stdout, stderr) => done({ code: child.exitCode, stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    const [loaded, failed] = r.stdout.trim().split('\n');
    expect(loaded).toBe('loaded AudioChunkerNode,FastResampleNode,AudioChunkerNode,SileroVADNode');
    expect(failed).toMatch(/^failed missing-runtime vad node 'vad' \(SileroVADNode\) needs the optional package onnxruntime-node \(the ONNX runtime\), which is not installed/);
    expect(failed).toContain(SILERO_INSTALL);
    expect(r.code).toBe(1);
  }, 40_000);

  it('a RemotePipelineNode loads, inspect() shows it remote, and running refuses it with remote-unavailable naming the node', async () => {
    const p = Pipeline.load(fixture('local-vad-remote-tts.json'));
    expect(p.inspect()).toMatch(/remote_tts \(RemotePipelineNode\).* runs remote \(refused\): RemotePipelineNode runs a pipeline on another machine/);
    await expect(p.run({ input: tone() })).rejects.toMatchObject({ code: 'remote-unavailable', nodeId: 'remote_tts' });
    const round = JSON.parse(p.serialize());
    expect(round.nodes[1].execution).toEqual({ placement: 'remote', reason: 'TTS needs the GPU server' });
  });

  it('runs our own nodes from YAML: a tone source, level and Opus on two branches', async () => {
    const p = Pipeline.load(fixture('tone-opus.yaml'));
    const out: Record<string, number> = {};
    await p.run({ onOutput: (id) => { out[id] = (out[id] ?? 0) + 1; } });
    expect(out).toEqual({ tone: 50, level: 50, opus: 50 });
  });

  it('load errors name node, field and line: an unknown type lists the known ones; ports that cannot connect are refused', () => {
    const unknown = (() => { try { Pipeline.load('version: v1\nnodes:\n  - id: stt\n    node_type: WhisperASR\n'); } catch (e) { return e as ManifestError; } })()!;
    expect(unknown).toBeInstanceOf(ManifestError);
    expect(unknown).toMatchObject({ code: 'unknown-node-type', nodeId: 'stt', field: 'node_type', line: 4 });
    expect(unknown.message).toBe("node 'stt': unknown node_type 'WhisperASR'; known types: AudioChunkerNode, AudioLevelNode, ChannelBalanceNode, ClippingDetectorNode, FastResampleNode, FileSinkNode, H264EncodeNode, HealthEmitterNode, OpusEncodeNode, PassThrough, RemotePipelineNode, SilenceDetectorNode, SileroVADNode, SyntheticVideoSourceNode, ToneSourceNode, WavSinkNode, WavSourceNode, Y4mSourceNode (line 4, column 16)");
    expect(() => Pipeline.load('version: v1\nnodes:\n  - {id: level, node_type: AudioLevelNode}\n  - {id: h264, node_type: H264EncodeNode}\nconnections:\n  - {from: level, to: h264}\n'))
      .toThrow(expect.objectContaining({ code: 'port-mismatch', line: 6, message: "node 'level' produces data but node 'h264' accepts video (line 6, column 5)" }));
    expect(() => Pipeline.load('version: v1\nnodes:\n  - id: tone\n    node_type: ToneSourceNode\n    params:\n      segments: [{duration_ms: 10, amplitude: 3}]\n'))
      .toThrow(expect.objectContaining({ code: 'bad-param', nodeId: 'tone', field: 'params.segments[0]', line: 6 }));
  });

  it('runs the pass-through manifest over a file input, as `remotemedia run --input` does', async () => {
    const p = Pipeline.load(fixture('passthrough.yaml'));
    const frames: Frame[] = [];
    await p.run({ input: tone({ duration_ms: 200 }), onOutput: (_id, f) => void frames.push(f) });
    expect(frames).toHaveLength(10);
    expect(frames.every((f) => f.kind === 'audio')).toBe(true);
  });
});
