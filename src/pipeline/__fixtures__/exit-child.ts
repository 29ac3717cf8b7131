/**
 * Child process for exit.test.ts: runs a pipeline whose node fails while an endless real-time
 * source and a slow sink are busy (or, with `ok`, a pipeline that completes), prints one line
 * and must then exit on its own: no process.exit, no leaked timer or handle.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNode, fn, Pipeline, PipelineError } from '../index.js';

const mode = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'pipeline-exit-'));
const p = new Pipeline('exit')
  .add(createNode('ToneSourceNode', 'tone', { duration_ms: mode === 'ok' ? 200 : 86_400_000, realtime: true, frame_ms: 10 }))
  .add(createNode('FastResampleNode', 'rs', { target_rate: 16000 }))
  .add(fn('check', (f) => { if (mode !== 'ok' && f.mediaTimeUs >= 100_000) throw new Error('sample out of range'); return f; }, { inputs: ['audio'], outputs: ['audio'] }))
  .add(createNode('WavSinkNode', 'out', { path: join(dir, 'out.wav') }));
p.add(createNode('AudioLevelNode', 'level'), { after: 'tone' });
try {
  const stats = await p.run();
  console.log(`done ${stats.nodes.find((n) => n.id === 'out')!.framesIn > 0}`);
} catch (e) {
  if (!(e instanceof PipelineError)) throw e;
  console.log(`failed ${e.code} ${e.nodeId} ${e.message}`);
  process.exitCode = 1;
}
