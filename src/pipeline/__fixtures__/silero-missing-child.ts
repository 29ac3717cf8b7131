/**
 * Child process for the "Silero not installed" test, started with
 * `node --import tsx --import ./without-onnxruntime.mjs`: loads RemoteMedia's VAD chain
 * manifest, runs it on a short tone and prints how it ended on one line.
 */
import { readFileSync } from 'node:fs';
import { createNode, Pipeline, PipelineError } from '../index.js';

const p = Pipeline.load(readFileSync(new URL('./vad-chain.json', import.meta.url), 'utf8'));
console.log(`loaded ${p.nodes.map((n) => n.type).join(',')}`);
try {
  await p.run({ input: createNode('ToneSourceNode', 'input', { duration_ms: 200 }) });
  console.log('ran');
} catch (e) {
  if (!(e instanceof PipelineError)) throw e;
  console.log(`failed ${e.code} ${e.nodeId} ${e.message}`);
  process.exitCode = 1;
}
