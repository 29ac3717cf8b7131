import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipeline, PipelineError, sink, source, type AudioFrame, type Frame } from '../pipeline/index.js';
import { assemble, compileAssemblyScript } from './__fixtures__/wat.js';
import { checkModule, SandboxError, WasmNode, WasmSandbox, readModuleInfo } from './index.js';

const EXAMPLES = new URL('./examples/', import.meta.url);

/** A module following the ABI with `process` given; extra imports and module fields allowed. */
function abi(processBody: string, extra = '', imports = ''): Promise<Uint8Array> {
  return assemble(`(module
    (import "env" "memory" (memory 1))
    ${imports}
    (func (export "input") (param $len i32) (result i32) (i32.const 0))
    (func (export "process") (param $len i32) (param $kind i32) (result i32) ${processBody})
    (func (export "output") (result i32) (i32.const 0))
    ${extra})`);
}

function tone(n: number, frames: number): AudioFrame[] {
  return Array.from({ length: frames }, (_, f) => ({
    kind: 'audio' as const,
    mediaTimeUs: f * 20_000,
    captureTimeMs: 1_764_633_600_000 + f * 20,
    sampleRate: 48000,
    channels: 1,
    samples: Float32Array.from({ length: n }, (_, i) => Math.sin((i + f * n) / 10) * 0.8),
  }));
}

const open: WasmSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function start(bytes: Uint8Array, options: Parameters<typeof WasmSandbox.create>[1] = {}): Promise<WasmSandbox> {
  const s = await WasmSandbox.create(bytes, { nodeId: 'hostile', ...options });
  open.push(s);
  return s;
}
async function refusal(p: Promise<unknown>): Promise<SandboxError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SandboxError);
  return e as SandboxError;
}

describe('WasmNode example (WAT)', () => {
  it('the committed gain.wasm is exactly what wabt assembles from gain.wat', async () => {
    const wat = readFileSync(new URL('gain.wat', EXAMPLES), 'utf8');
    const committed = new Uint8Array(readFileSync(new URL('gain.wasm', EXAMPLES)));
    expect(Buffer.from(await assemble(wat, 'gain.wat')).equals(Buffer.from(committed))).toBe(true);
  });

  it('runs the WAT gain node in a pipeline in its own worker: every sample halved, media and capture time kept', async () => {
    const input = tone(960, 10);
    const got: Frame[] = [];
    const node = new WasmNode('gain', { module: new URL('gain.wasm', EXAMPLES).pathname });
    const p = new Pipeline('wasm').add(source('src', input, ['audio'])).add(node).add(sink('out', (f) => void got.push(f)));
    await p.run({ timeoutMs: 30_000 });
    expect(got).toHaveLength(10);
    for (let f = 0; f < 10; f++) {
      const o = got[f] as AudioFrame;
      expect(o.kind).toBe('audio');
      expect(o.mediaTimeUs).toBe(input[f]!.mediaTimeUs);
      expect(o.captureTimeMs).toBe(input[f]!.captureTimeMs);
      expect(o.samples.length).toBe(960);
      for (let i = 0; i < 960; i += 97) expect(o.samples[i]).toBe(Math.fround(input[f]!.samples[i]! * 0.5));
    }
  }, 30_000);

  it('the AssemblyScript clamp node: the committed clamp.wasm is what asc compiles, and it clamps samples to 0.25 in a pipeline', async () => {
    const committed = new Uint8Array(readFileSync(new URL('clamp.wasm', EXAMPLES)));
    const fresh = await compileAssemblyScript(readFileSync(new URL('clamp.as', EXAMPLES), 'utf8'));
    expect(Buffer.from(fresh).equals(Buffer.from(committed))).toBe(true);
    const input = tone(480, 3);
    const got: AudioFrame[] = [];
    await new Pipeline('as')
      .add(source('src', input, ['audio']))
      .add(new WasmNode('clamp', { module: committed }))
      .add(sink('out', (f) => void got.push(f as AudioFrame)))
      .run({ timeoutMs: 30_000 });
    expect(got).toHaveLength(3);
    for (let f = 0; f < 3; f++) {
      for (let i = 0; i < 480; i++) expect(got[f]!.samples[i]).toBe(Math.fround(Math.max(-0.25, Math.min(0.25, input[f]!.samples[i]!))));
    }
  }, 60_000);

  it('grants clocks, random and a log that reaches the pipeline log with the node id', async () => {
    const bytes = await abi(
      `(call $random (i32.const 100) (i32.const 16))
       (call $log (i32.const 200) (i32.const 5))
       (drop (call $clock))
       (i32.const 16)`,
      '(data (i32.const 200) "hello")',
      `(import "spellbook" "log" (func $log (param i32 i32)))
       (import "spellbook" "random_fill" (func $random (param i32 i32)))
       (import "spellbook" "clock_ms" (func $clock (result f64)))`,
    );
    const lines: string[] = [];
    const node = new WasmNode('chatty', { module: bytes, kind: 'data', onLog: (id, line) => lines.push(`${id}: ${line}`) });
    const got: Frame[] = [];
    const frame: Frame = { kind: 'data', mediaTimeUs: 0, captureTimeMs: 1, bytes: new Uint8Array(4) };
    await new Pipeline('log').add(source('src', [frame], ['data'])).add(node).add(sink('out', (f) => void got.push(f), ['data'])).run({ timeoutMs: 30_000 });
    expect(lines).toEqual(['chatty: hello']);
    expect(node.logs).toEqual(['hello']);
    expect(got).toHaveLength(1);
  }, 30_000);
});

describe('WasmSandbox limits against hostile modules', () => {
  it('refuses a module that declares its own memory instead of importing ours', async () => {
    const bytes = await assemble(`(module (memory 1 65536)
      (func (export "input") (param i32) (result i32) (i32.const 0))
      (func (export "process") (param i32 i32) (result i32) (i32.const -1))
      (func (export "output") (result i32) (i32.const 0)))`);
    expect(readModuleInfo(bytes).ownMemories).toBe(1);
    const e = await refusal(checkModule(bytes, { nodeId: 'greedy' }));
    expect(e.code).toBe('module-memory');
    expect(e.nodeId).toBe('greedy');
  });

  it('stops a module growing memory at the maximum we set: memory-limit naming node and limit, never past it', async () => {
    const bytes = await abi(`(block $full (loop $more
        (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more)))
      unreachable`);
    const s = await start(bytes, { memoryBytes: 2 * 1024 * 1024 });
    const e = await refusal(s.call(0, new Uint8Array(4)));
    expect(e.code).toBe('memory-limit');
    expect(e.nodeId).toBe('hostile');
    expect(e.limit).toBe(2 * 1024 * 1024);
    expect(e.message).toContain("node 'hostile'");
    expect(s.peakMemoryBytes).toBe(2 * 1024 * 1024);
    // A module asking for more at start than the limit is refused before it runs.
    const big = await assemble(`(module (import "env" "memory" (memory 64))
      (func (export "input") (param i32) (result i32) (i32.const 0))
      (func (export "process") (param i32 i32) (result i32) (i32.const -1))
      (func (export "output") (result i32) (i32.const 0)))`);
    expect((await refusal(checkModule(big, { memoryBytes: 1024 * 1024 }))).code).toBe('memory-limit');
    // Nor may a table (engine memory the Memory's maximum does not cover) start huge.
    const table = await abi('(i32.const 0)', '(table 1000000 funcref)');
    expect(readModuleInfo(table).maxTableElements).toBe(1_000_000);
    const t = await refusal(checkModule(table));
    expect(t.code).toBe('memory-limit');
    expect(t.message).toContain('table of 1000000 elements');
  }, 30_000);

  it('stops an infinite loop in a frame well under a second: time-frame, the worker terminated', async () => {
    const bytes = await abi('(loop $forever (br $forever)) (i32.const 0)');
    const s = await start(bytes, { frameTimeMs: 100 });
    const t0 = performance.now();
    const e = await refusal(s.call(0, new Uint8Array(4)));
    const stoppedMs = performance.now() - t0;
    expect(e.code).toBe('time-frame');
    expect(e.limit).toBe(100);
    expect(e.message).toContain("node 'hostile'");
    expect(s.running).toBe(false);
    console.log(`infinite loop stopped after ${stoppedMs.toFixed(0)} ms (limit 100 ms per frame)`);
    expect(stoppedMs).toBeLessThan(1000);
  }, 30_000);

  it('stops a module that spends its total time budget over several frames: time-total, then refuses every frame', async () => {
    // Each frame busy-waits 40 ms on the granted clock; 150 ms in total allows three or four.
    const bytes = await abi(
      `(local $until f64)
       (local.set $until (f64.add (call $clock) (f64.const 40)))
       (block $done (loop $wait (br_if $done (f64.ge (call $clock) (local.get $until))) (br $wait)))
       (i32.const 0)`,
      '',
      '(import "spellbook" "clock_ms" (func $clock (result f64)))',
    );
    const s = await start(bytes, { frameTimeMs: 5_000, totalTimeMs: 150 });
    let ok = 0;
    let e: SandboxError | undefined;
    for (let i = 0; i < 20 && !e; i++) {
      try {
        await s.call(0, new Uint8Array(4));
        ok++;
      } catch (x) {
        e = x as SandboxError;
      }
    }
    expect(e?.code).toBe('time-total');
    expect(e?.limit).toBe(150);
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(3);
    expect((await refusal(s.call(0, new Uint8Array(4)))).code).toBe('time-total');
  }, 30_000);

  it('stops a start function that never returns: time-init', async () => {
    const bytes = await abi('(i32.const 0)', '(func $spin (loop $l (br $l))) (start $spin)');
    const e = await refusal(WasmSandbox.create(bytes, { nodeId: 'spinner', initTimeMs: 200 }));
    expect(e.code).toBe('time-init');
    expect(e.nodeId).toBe('spinner');
  }, 30_000);

  it('refuses at instantiation any import but clock, random, log and abort: files, network, environment, WASI', async () => {
    for (const [mod, name] of [
      ['wasi_snapshot_preview1', 'fd_write'],
      ['wasi_snapshot_preview1', 'path_open'],
      ['env', 'getenv'],
      ['spellbook', 'fetch'],
    ] as const) {
      const bytes = await abi('(i32.const 0)', '', `(import "${mod}" "${name}" (func (param i32 i32) (result i32)))`);
      const e = await refusal(checkModule(bytes, { nodeId: 'nosy' }));
      expect(e.code).toBe('forbidden-import');
      expect(e.message).toContain(`${mod}.${name}`);
    }
    // wabt will not assemble a shared memory without a feature flag: assemble (memory 1 2) and set the shared bit (limits flag 1 -> 3).
    const shared = await assemble(`(module (import "env" "memory" (memory 1 2))
      (func (export "input") (param i32) (result i32) (i32.const 0))
      (func (export "process") (param i32 i32) (result i32) (i32.const -1))
      (func (export "output") (result i32) (i32.const 0)))`);
    const at = Buffer.from(shared).indexOf(Buffer.from([...Buffer.from('memory'), 0x02, 0x01, 0x01, 0x02]));
    expect(at).toBeGreaterThan(0);
    shared[at + 7] = 0x03;
    expect(readModuleInfo(shared).imports.find((i) => i.kind === 'memory')?.limits?.shared).toBe(true);
    expect((await refusal(checkModule(shared))).code).toBe('bad-memory-import');
    const noMemory = await assemble('(module (func (export "input") (param i32) (result i32) (i32.const 0)))');
    expect((await refusal(checkModule(noMemory))).code).toBe('no-memory-import');
  }, 30_000);

  it('refuses an output pointer outside memory: bad-output', async () => {
    const bytes = await assemble(`(module (import "env" "memory" (memory 1 1))
      (func (export "input") (param i32) (result i32) (i32.const 0))
      (func (export "process") (param i32 i32) (result i32) (i32.const 1000))
      (func (export "output") (result i32) (i32.const 65000)))`);
    const s = await start(bytes);
    expect((await refusal(s.call(2, new Uint8Array(4)))).code).toBe('bad-output');
  }, 30_000);
});

describe('WasmNode breach policy in a pipeline', () => {
  const loopOnThird = () =>
    abi(
      `(global.set $n (i32.add (global.get $n) (i32.const 1)))
       (if (i32.eq (global.get $n) (i32.const 3)) (then (loop $forever (br $forever))))
       (local.get $len)`,
      '(global $n (mut i32) (i32.const 0))',
    );

  it('policy stop: a breach stops the pipeline cleanly with a PipelineError naming the node, the SandboxError as cause', async () => {
    const node = new WasmNode('looper', { module: await loopOnThird(), frameTimeMs: 100 });
    const got: Frame[] = [];
    const p = new Pipeline('stop').add(source('src', tone(16, 6), ['audio'])).add(node).add(sink('out', (f) => void got.push(f)));
    const e = await p.run({ timeoutMs: 30_000 }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(PipelineError);
    expect((e as PipelineError).nodeId).toBe('looper');
    expect((e as PipelineError).cause).toBeInstanceOf(SandboxError);
    expect(((e as PipelineError).cause as SandboxError).code).toBe('time-frame');
    expect(got.length).toBe(2);
    expect(node.sandbox?.running).toBe(false);
  }, 30_000);

  it('policy skip: the breaching frame is dropped and counted, the module restarted, the rest of the pipeline carries on', async () => {
    const node = new WasmNode('looper', { module: await loopOnThird(), frameTimeMs: 100, onBreach: 'skip' });
    const got: Frame[] = [];
    await new Pipeline('skip').add(source('src', tone(16, 6), ['audio'])).add(node).add(sink('out', (f) => void got.push(f))).run({ timeoutMs: 30_000 });
    // Frames 1 and 2 pass, 3 loops; the fresh module counts from zero again, so 4 and 5 pass and 6 loops.
    expect(node.breaches.map((b) => b.code)).toEqual(['time-frame', 'time-frame']);
    expect(node.dropped).toBe(2);
    expect(got.map((f) => f.mediaTimeUs)).toEqual([0, 20_000, 60_000, 80_000]);
  }, 30_000);
});
