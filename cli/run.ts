/**
 * `spell run <manifest> [--input file] [--output file]`: runs a RemoteMedia v1 pipeline manifest
 * (src/pipeline) and writes every node's outputs and events as JSON lines with the node id and
 * media time, then a `stats` line with each node's latency; progress goes to stderr while it
 * runs. With an output ending in .wav the audio of the output nodes goes there instead and the
 * JSON lines to stdout. Argument parsing and printing only.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ManifestError, type CliDefaults } from '../src/pipeline-manifest/index.js';
import { createNode, openInput, Pipeline, PipelineError, type Frame, type PipelineNode } from '../src/pipeline/index.js';
import { positiveInt } from './options.js';

export interface RunIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
  isTty: boolean;
}

/** One JSON line for a frame: what it is and when, never raw samples or pixels. */
function line(nodeId: string, port: string, f: Frame): string {
  const base = { node: nodeId, port, kind: f.kind, media_time_us: Math.round(f.mediaTimeUs), capture_time_ms: Math.round(f.captureTimeMs * 1000) / 1000 };
  const extra =
    f.kind === 'audio' ? { sample_rate: f.sampleRate, channels: f.channels, samples: f.samples.length / f.channels }
    : f.kind === 'video' ? { width: f.width, height: f.height }
    : f.kind === 'text' ? { text: f.text }
    : { ...(f.value !== undefined ? { value: f.value } : {}), ...(f.bytes ? { bytes: f.bytes.length, content_type: f.contentType } : {}) };
  return `${JSON.stringify({ ...base, ...extra })}\n`;
}

const executorPair = (value: string, previous: [string, string][] = []): [string, string][] => {
  const at = value.indexOf('=');
  if (at < 1) throw new InvalidArgumentError('expected name=url, e.g. gpu1=ws://10.0.0.5:9000');
  return [...previous, [value.slice(0, at), value.slice(at + 1)]];
};

const ms = (v: number) => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);

export function registerRun(program: Command, io: RunIo): void {
  program
    .command('run')
    .description('run a pipeline manifest (RemoteMedia v1, JSON or YAML); each node\'s outputs and events as JSON lines')
    .argument('<manifest>', 'the manifest file (.json, .yaml or .yml)')
    .option('-i, --input <file>', 'input fed to the pipeline\'s entry nodes: a .wav or .y4m file, tone[:<Hz>] or synthetic')
    .option('-o, --output <file>', 'where the JSON lines go (default stdout); a .wav file receives the output nodes\' audio instead')
    .option('--timeout <seconds>', 'stop with an error after this long (default: metadata.cli_defaults.timeout_secs, else none)', positiveInt)
    .option('--executor <name=url>', "a remote executor ('spell serve') that nodes naming it as their host run on (repeatable; a host that is a URL needs none)", executorPair)
    .option('--executor-token <token>', 'token for the executors (also $SPELL_SERVE_TOKEN)')
    .addOption(new Option('--audio-transport <how>', 'how audio reaches executors: float frames on the data channel (lossless) or Opus on a WebRTC audio track').choices(['datachannel', 'opus-track']).default('datachannel'))
    .option('--inspect', 'print where each node runs and why (to stderr) before running')
    .action(async (manifestPath: string, opts: { input?: string; output?: string; timeout?: number; executor?: [string, string][]; executorToken?: string; inspect?: boolean; audioTransport: 'datachannel' | 'opus-track' }) => {
      let pipeline: Pipeline;
      try {
        const text = readFileSync(manifestPath);
        pipeline = Pipeline.load(new Uint8Array(text), { format: /\.ya?ml$/i.test(manifestPath) ? 'yaml' : /\.json$/i.test(manifestPath) ? 'json' : undefined });
      } catch (e) {
        if (e instanceof ManifestError) {
          for (const i of e.issues) io.err(`${manifestPath}:${i.line ?? 1}:${i.column ?? 1}: ${i.message} (${i.code})\n`);
          io.setExitCode(1);
          return;
        }
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') { io.err(`spell run: no such file: ${manifestPath}\n`); io.setExitCode(2); return; }
        throw e;
      }
      for (const w of pipeline.manifestWarnings) io.err(`${manifestPath}:${w.line ?? 1}:${w.column ?? 1}: warning: ${w.message}\n`);
      const defaults = (pipeline.metadata.cli_defaults ?? {}) as Record<string, number | undefined>;
      const wavOut = opts.output && extname(opts.output).toLowerCase() === '.wav' ? opts.output : undefined;
      const fd = opts.output && !wavOut ? openSync(opts.output, 'w') : undefined;
      const write = (text: string) => (fd === undefined ? io.out(text) : void writeSync(fd, text));
      let input: PipelineNode | undefined;
      try {
        if (opts.input) input = openInput(opts.input, (pipeline.metadata.cli_defaults ?? {}) as CliDefaults);
        if (wavOut) {
          const leaves = pipeline.nodes.filter((n) => n.outputs.some((p) => p.kinds.includes('audio')) && !pipeline.edges.some((e) => e.from === n.id));
          if (leaves.length) pipeline.add(createNode('WavSinkNode', 'spell-run-output', { path: wavOut }), { after: leaves.map((n) => n.id) });
        }
      } catch (e) {
        if (fd !== undefined) closeSync(fd);
        io.err(`spell run: ${(e as Error).message}\n`);
        io.setExitCode(2);
        return;
      }
      const { RemoteExecutors } = await import('../src/remote/index.js');
      const remote = new RemoteExecutors({ executors: Object.fromEntries(opts.executor ?? []), token: opts.executorToken ?? process.env.SPELL_SERVE_TOKEN, audioTransport: opts.audioTransport });
      pipeline.useExecutors(remote);
      let frames = 0;
      let mediaUs = 0;
      const started = performance.now();
      const progress = setInterval(() => {
        const s = pipeline.stats();
        const e2e = Number.isFinite(s.endToEnd.p50) ? `, end to end p50 ${s.endToEnd.p50.toFixed(1)} ms` : '';
        const text = `${pipeline.name || manifestPath}: ${(mediaUs / 1e6).toFixed(1)} s of media, ${frames} frames in ${((performance.now() - started) / 1000).toFixed(1)} s${e2e}`;
        io.err(io.isTty ? `\r${text}` : `${text}\n`);
      }, io.isTty ? 250 : 1000);
      try {
        const timeout = opts.timeout ?? defaults.timeout_secs;
        if (opts.inspect) {
          await remote.prepare(pipeline.nodes);
          io.err(pipeline.inspect() + '\n');
        }
        const stats = await pipeline.run({
          input,
          ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
          onOutput: (id, f, port) => {
            if (id === 'spell-run-output') return;
            frames++;
            if (f.mediaTimeUs > mediaUs) mediaUs = f.mediaTimeUs;
            write(line(id, port, f));
          },
        });
        write(`${JSON.stringify({ event: 'stats', elapsed_ms: ms(stats.elapsedMs), end_to_end: { p50_ms: ms(stats.endToEnd.p50), p95_ms: ms(stats.endToEnd.p95), count: stats.endToEnd.count }, nodes: stats.nodes.map((n) => ({ node: n.id, frames_in: n.framesIn, frames_out: n.framesOut, p50_ms: ms(n.latency.p50), p95_ms: ms(n.latency.p95) })), remote_hops: remote.hopStats().map((h) => ({ node: h.nodeId, executor: h.executor, frames_sent: h.framesSent, frames_received: h.framesReceived, p50_ms: ms(h.p50), p95_ms: ms(h.p95), p99_ms: ms(h.p99), dropped: h.dropped, fell_back: h.fellBack })), edges: stats.edges.map((e) => ({ from: e.from, to: e.to, policy: e.policy, capacity: e.capacity, dropped: e.dropped, max_depth: e.maxDepth })) })}\n`);
        if (io.isTty) io.err('\n');
        io.err(`${pipeline.name || manifestPath}: done, ${frames} frames in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
      } catch (e) {
        if (!(e instanceof PipelineError)) throw e;
        if (io.isTty) io.err('\n');
        write(`${JSON.stringify({ event: 'error', node: e.nodeId ?? null, code: e.code, message: e.message })}\n`);
        io.err(`spell run: ${e.message} (${e.code})\n`);
        io.setExitCode(1);
      } finally {
        clearInterval(progress);
        if (fd !== undefined) closeSync(fd);
        await remote.close();
      }
    });
}
