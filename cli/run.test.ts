/** `spell run` end to end, as a child process of the built executable. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWav, writeWav } from '../src/encoding/index.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'src', 'pipeline', '__fixtures__');
const dir = mkdtempSync(join(tmpdir(), 'spell-run-'));

function spell(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'spell.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 1 s of 440 Hz then 1 s of silence, 48 kHz stereo. */
function toneThenSilence(): Int16Array {
  const pcm = new Int16Array(96_000 * 2);
  for (let i = 0; i < 48_000; i++) pcm[2 * i] = pcm[2 * i + 1] = Math.round(16000 * Math.sin((2 * Math.PI * 440 * i) / 48000));
  return pcm;
}

// dist/ is built once for the whole run by vitest.global-setup.ts.

describe('spell run', () => {
  it('runs a RemoteMedia manifest over a WAV input and writes each node\'s events as JSON lines with node id and media time, progress on stderr', () => {
    writeFileSync(join(dir, 'in.wav'), writeWav(toneThenSilence(), 48000, 2));
    const r = spell(['run', join(FIXTURES, 'stream-health.yaml'), '--input', 'in.wav']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const byNode = (id: string) => lines.filter((l) => l.node === id);
    // cli_defaults converts the input to 16 kHz mono; frames stay 20 ms, so 100 events per analysis node.
    expect(byNode('audio_level')).toHaveLength(100);
    expect(byNode('channel_balance')[0].value).toMatchObject({ dead_channel: 'none', balance_ratio: 1 });
    const sustained = byNode('silence_detector').find((l) => l.value.is_sustained_silence)!;
    expect(Math.abs(sustained.media_time_us + 20_000 - 1_500_000)).toBeLessThanOrEqual(50_000);
    // With no connections the health node sees the audio itself: a file read faster than real
    // time has media time leading capture time, which it reports as drift (LEAD_JUMP).
    expect(byNode('health_timing').find((l) => l.value.type === 'drift')!.value.threshold_ms).toBe(50);
    expect(byNode('health_timing').some((l) => l.value.type === 'health' && l.value.alerts.includes('LEAD_JUMP'))).toBe(true);
    const stats = lines.at(-1)!;
    expect(stats.event).toBe('stats');
    expect(stats.nodes.map((n: { node: string }) => n.node)).toEqual(['audio_level', 'silence_detector', 'clipping_detector', 'channel_balance', 'health_timing']);
    expect(stats.end_to_end.count).toBe(500);
    expect(r.stderr).toMatch(/stream-health-monitor: done, \d+ frames in [\d.]+ s/);
  });

  it('passes audio through the pass-through manifest into an output WAV unchanged', () => {
    const pcm = toneThenSilence();
    writeFileSync(join(dir, 'pass-in.wav'), writeWav(pcm, 48000, 2));
    const r = spell(['run', join(FIXTURES, 'passthrough.yaml'), '--input', 'pass-in.wav', '--output', 'pass-out.wav']);
    expect(r.code, r.stderr).toBe(0);
    const out = parseWav(new Uint8Array(readFileSync(join(dir, 'pass-out.wav'))));
    expect(out).toMatchObject({ sampleRate: 48000, channels: 2, frames: 96_000 });
    expect(Buffer.from(out.samples.buffer).equals(Buffer.from(pcm.buffer))).toBe(true);
    expect(r.stdout.trim().split('\n').filter((l) => l.startsWith('{"node":"pass"'))).toHaveLength(100);
  });

  it('writes the JSON lines to --output and reports a node that cannot run as an error line naming it, exit 1', () => {
    writeFileSync(join(dir, 'short.wav'), writeWav(new Int16Array(4800), 48000, 1));
    // onnxruntime-node is installed where the tests run: a module resolve hook (module.register,
    // through NODE_OPTIONS=--import) hides it from this child, as on a machine without it.
    const r = spell(['run', join(FIXTURES, 'vad-chain.json'), '--input', 'short.wav', '--output', 'events.jsonl'], { NODE_OPTIONS: `--import ${join(FIXTURES, 'without-onnxruntime.mjs')}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/spell run: node 'vad' \(SileroVADNode\) needs the optional package onnxruntime-node .*ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node @ricky0123\/vad-node .*\(missing-runtime\)/);
    expect(JSON.parse(readFileSync(join(dir, 'events.jsonl'), 'utf8').trim())).toMatchObject({ event: 'error', node: 'vad', code: 'missing-runtime' });
  });

  it('refuses a bad manifest with file:line:column for every issue, exit 1', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'version: v1\nnodes:\n  - id: a\n    node_type: Nope\n  - id: b\n    node_type: AudioChunkerNode\n    params: {chunk_size: 0}\n');
    const r = spell(['run', 'bad.yaml', '--input', 'tone']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.yaml:4:16: node 'a': unknown node_type 'Nope'; known types: AudioChunkerNode, .* \(unknown-node-type\)\nbad\.yaml:7:26: node 'b': params\.chunk_size must be at least 1, not 0 \(bad-param\)\n$/);
  });
});
