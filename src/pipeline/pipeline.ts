/**
 * The pipeline runtime: nodes with typed ports joined by edges, each edge a bounded queue with
 * an explicit policy. Every node runs as its own asynchronous loop; a source produces, the
 * others pull from their input queues in turn, process and emit. The runtime measures, itself,
 * each node's latency (queued to processed) and the end-to-end latency at the leaves (capture
 * to processed) as p50/p95. Any node's error stops every node, releases every waiter, closes
 * every node and rejects run() with PipelineError naming the node.
 */
import { loadManifest, ManifestError, manifestDigest, serializeManifest, type LoadOptions, type Manifest, type ManifestFormat, type ManifestIssue } from '../pipeline-manifest/index.js';
import { DEFAULTS, LIMITS, Messages } from './constants.js';
import { PipelineError, PipelineStopped } from './errors.js';
import type { Frame, FrameKind } from './frame.js';
import type { NodeContext, PipelineNode } from './node.js';
import { decidePlacement, type PlacementDecision, type RemoteExecution } from './placement.js';
import { createNode, NODE_TYPES } from './registry.js';
import { checkQueueOptions, EdgeQueue, type QueueOptions, type QueueStats } from './queue.js';
import { LatencyWindow, type LatencySummary } from './stats.js';

export interface EdgeOptions {
  fromPort?: string;
  toPort?: string;
  queue?: QueueOptions;
}

export interface Edge {
  from: string;
  to: string;
  fromPort?: string;
  toPort?: string;
  queue?: QueueOptions;
}

export interface AddOptions {
  /** Connect from these nodes (default: the node added last, when it has outputs). [] connects nothing. */
  after?: string | string[];
  queue?: QueueOptions;
}

export interface RunOptions {
  /** A source feeding every node that takes input and has no incoming edge (RemoteMedia's pipeline input). */
  input?: PipelineNode;
  /** Stop with PipelineError 'timeout' after this long. */
  timeoutMs?: number;
  /** Stop early (the run resolves; nothing is an error). */
  signal?: AbortSignal;
  /** Every frame a node emits, as it is emitted (for `spell run`). */
  onOutput?: (nodeId: string, frame: Frame, port: string) => void;
  /** Remote executors for nodes placed remotely (spellbook/remote); overrides useExecutors(). */
  remote?: RemoteExecution;
  /** Told once every node is open, just before frames flow (a live feed can start here). */
  onOpen?: () => void;
}

export interface NodeStats {
  id: string;
  type: string;
  state: 'idle' | 'running' | 'done' | 'failed' | 'stopped';
  framesIn: number;
  framesOut: number;
  /** Queued to processed, ms. */
  latency: LatencySummary;
}

export interface EdgeStats extends QueueStats {
  from: string;
  to: string;
}

export interface PipelineStats {
  nodes: NodeStats[];
  edges: EdgeStats[];
  /** Capture to processed at the leaves (nodes with no outgoing edge), ms. */
  endToEnd: LatencySummary;
  elapsedMs: number;
}

export interface GraphNodeInfo {
  id: string;
  type: string;
  inputs: { name: string; kinds: readonly FrameKind[] }[];
  outputs: { name: string; kinds: readonly FrameKind[] }[];
  placement: PlacementDecision;
}

interface Runtime {
  node: PipelineNode;
  inbox: EdgeQueue[];
  out: { edge: Edge; queue: EdgeQueue; port: string | undefined; accepts: Set<FrameKind> }[];
  taps: EdgeQueue[];
  stats: NodeStats;
  window: LatencyWindow;
  leaf: boolean;
  wake?: () => void;
}

const ID = /^[A-Za-z0-9_.:@+-]+$/;

export class Pipeline {
  readonly name: string;
  description?: string;
  /** Extra manifest metadata kept for serialize() (RemoteMedia's cli_defaults and others). */
  metadata: Record<string, unknown> = {};
  #nodes = new Map<string, PipelineNode>();
  #edges: Edge[] = [];
  #last: string | undefined;
  #started = false;
  #runtimes = new Map<string, Runtime>();
  #edgeStats: { edge: Edge; queue: EdgeQueue }[] = [];
  #e2e = new LatencyWindow(DEFAULTS.latencyWindow);
  #tapRequests = new Map<string, EdgeQueue[]>();
  #startedAt = 0;
  #endedAt = 0;
  #remote: RemoteExecution | undefined;
  #preparing = false;
  /** Set by Pipeline.load(): the manifest's digest and its non-fatal issues (unknown params). */
  manifestDigest?: string;
  manifestWarnings: ManifestIssue[] = [];

  /**
   * Build a pipeline from a RemoteMedia v1 manifest (JSON or YAML text, bytes, or the object).
   * Throws ManifestError naming node, field and line for anything wrong, including an unknown
   * node type (listing the known ones) and ports that cannot connect.
   */
  static load(input: string | Uint8Array | Manifest | Record<string, unknown>, options: Omit<LoadOptions, 'registry'> = {}): Pipeline {
    const text = typeof input === 'string' || input instanceof Uint8Array ? input : JSON.stringify(input);
    const loaded = loadManifest(text, { ...options, registry: NODE_TYPES });
    const { manifest } = loaded;
    const { name, description, ...rest } = manifest.metadata;
    const p = new Pipeline(name, { description });
    p.metadata = rest;
    p.manifestDigest = loaded.digest;
    p.manifestWarnings = loaded.warnings;
    manifest.nodes.forEach((n, i) => {
      const { id, node_type, params, spellbook, ...fields } = n;
      const requirements = {
        ...(n.execution?.placement ? { placement: n.execution.placement } : {}),
        ...(n.host ? { host: n.host } : {}),
        ...(n.capabilities ? { capabilities: n.capabilities } : {}),
      };
      try {
        p.add(createNode(node_type, id, params, { resolved: loaded.params.get(id), requirements, queue: spellbook?.queue, manifest: fields }), { after: [] });
      } catch (e) {
        if (!(e instanceof PipelineError)) throw e;
        const pointer = `/nodes/${i}/${e.field?.startsWith('params') ? e.field.replace(/\./g, '/').replace(/\[(\d+)\]/g, '/$1') : ''}`;
        throw new ManifestError([{ code: 'bad-param', message: e.message, nodeId: id, field: e.field, pointer, ...loaded.locate(pointer) }]);
      }
    });
    manifest.connections.forEach((c, i) => {
      try {
        p.connect(c.from, c.to, { fromPort: c.spellbook?.from_port, toPort: c.spellbook?.to_port, queue: c.spellbook?.queue });
      } catch (e) {
        if (!(e instanceof PipelineError)) throw e;
        const pointer = `/connections/${i}`;
        throw new ManifestError([{ code: 'port-mismatch', message: e.message, nodeId: e.nodeId, field: `connections[${i}]`, pointer, ...loaded.locate(pointer) }]);
      }
    });
    return p;
  }

  /** The manifest object: RemoteMedia v1 fields, our ports and queues under `spellbook`. */
  toManifest(): Manifest {
    return {
      version: 'v1',
      metadata: { name: this.name, ...(this.description !== undefined ? { description: this.description } : {}), ...this.metadata },
      nodes: this.nodes.map((n) => {
        const r = n.requirements;
        return {
          id: n.id,
          node_type: n.type,
          params: { ...n.params },
          is_streaming: true,
          ...(r?.host && !n.manifest?.host ? { host: r.host } : {}),
          ...(r?.capabilities && !n.manifest?.capabilities ? { capabilities: r.capabilities } : {}),
          ...(r?.placement && !n.manifest?.execution ? { execution: { placement: r.placement } } : {}),
          ...n.manifest,
          ...(n.queue ? { spellbook: { queue: { ...n.queue } } } : {}),
        };
      }),
      connections: this.edges.map((e) => {
        const ext = { ...(e.fromPort ? { from_port: e.fromPort } : {}), ...(e.toPort ? { to_port: e.toPort } : {}), ...(e.queue ? { queue: { ...e.queue } } : {}) };
        return { from: e.from, to: e.to, ...(Object.keys(ext).length ? { spellbook: ext } : {}) };
      }),
    };
  }

  /** The manifest as JSON or YAML text; Pipeline.load() reads it back. */
  serialize(format: ManifestFormat = 'json'): string {
    return serializeManifest(this.toManifest(), format);
  }

  /** SHA-256 of the RFC 8785 canonical JSON of toManifest(). */
  digest(): string {
    return manifestDigest(JSON.parse(JSON.stringify(this.toManifest())));
  }

  constructor(name: string, options: { description?: string } = {}) {
    this.name = name;
    this.description = options.description;
  }

  get nodes(): readonly PipelineNode[] { return [...this.#nodes.values()]; }
  get edges(): readonly Edge[] { return [...this.#edges]; }
  node(id: string): PipelineNode | undefined { return this.#nodes.get(id); }

  /** Add a node; by default it is connected from the node added before it. */
  add(node: PipelineNode, options: AddOptions = {}): this {
    if (typeof node.id !== 'string' || node.id.length > LIMITS.maxIdLength || !ID.test(node.id)) throw new PipelineError('bad-graph', Messages.badId(String(node.id)));
    if (this.#nodes.has(node.id)) throw new PipelineError('bad-graph', Messages.duplicateId(node.id), node.id);
    if (this.#nodes.size >= LIMITS.maxNodes) throw new PipelineError('bad-graph', `a pipeline holds at most ${LIMITS.maxNodes} nodes`);
    const after = options.after === undefined ? (this.#last && this.#nodes.get(this.#last)!.outputs.length && node.inputs.length ? [this.#last] : []) : typeof options.after === 'string' ? [options.after] : options.after;
    for (const a of after) if (!this.#nodes.has(a)) throw new PipelineError('bad-graph', Messages.unknownNode(a), a);
    this.#nodes.set(node.id, node);
    for (const a of after) this.connect(a, node.id, { queue: options.queue });
    this.#last = node.id;
    return this;
  }

  /** Join two nodes with a bounded queue; ports are checked for a common frame kind. */
  connect(from: string, to: string, options: EdgeOptions = {}): this {
    const a = this.#nodes.get(from);
    const b = this.#nodes.get(to);
    if (!a) throw new PipelineError('bad-graph', Messages.unknownNode(from), from);
    if (!b) throw new PipelineError('bad-graph', Messages.unknownNode(to), to);
    if (options.queue) checkQueueOptions(options.queue);
    const outPorts = options.fromPort ? a.outputs.filter((p) => p.name === options.fromPort) : a.outputs;
    const inPorts = options.toPort ? b.inputs.filter((p) => p.name === options.toPort) : b.inputs;
    if (options.fromPort && !outPorts.length) throw new PipelineError('port-mismatch', Messages.unknownPort(from, options.fromPort, 'output', a.outputs.map((p) => p.name)), from);
    if (options.toPort && !inPorts.length) throw new PipelineError('port-mismatch', Messages.unknownPort(to, options.toPort, 'input', b.inputs.map((p) => p.name)), to);
    const produced = [...new Set(outPorts.flatMap((p) => p.kinds))];
    const accepted = [...new Set(inPorts.flatMap((p) => p.kinds))];
    if (!produced.some((k) => accepted.includes(k))) throw new PipelineError('port-mismatch', Messages.portMismatch(from, to, produced, accepted), to);
    this.#edges.push({ from, to, fromPort: options.fromPort, toPort: options.toPort, queue: options.queue });
    return this;
  }

  /** Remote executors that nodes may be placed on (inspect() and run() consult them). */
  useExecutors(remote: RemoteExecution | undefined): this {
    this.#remote = remote;
    return this;
  }

  /** The graph with each node's ports and placement decision. */
  graph(): { nodes: GraphNodeInfo[]; edges: Edge[] } {
    return {
      nodes: this.nodes.map((n) => ({ id: n.id, type: n.type, inputs: n.inputs.map((p) => ({ name: p.name, kinds: p.kinds })), outputs: n.outputs.map((p) => ({ name: p.name, kinds: p.kinds })), placement: decidePlacement(n, this.#remote) })),
      edges: [...this.#edges],
    };
  }

  /** The graph as text: each node, where it runs and why, then each edge with its queue. */
  inspect(): string {
    const g = this.graph();
    const lines = [`pipeline ${this.name}: ${g.nodes.length} nodes, ${g.edges.length} edges`];
    const stats = this.#started ? this.stats() : undefined;
    for (const n of g.nodes) {
      const ports = `${n.inputs.map((p) => `${p.name}:${p.kinds.join('|')}`).join(',') || '-'} -> ${n.outputs.map((p) => `${p.name}:${p.kinds.join('|')}`).join(',') || '-'}`;
      const s = stats?.nodes.find((x) => x.id === n.id);
      const lat = s && s.latency.count ? `  latency p50 ${s.latency.p50.toFixed(2)} ms p95 ${s.latency.p95.toFixed(2)} ms` : '';
      lines.push(`  ${n.id} (${n.type}) [${ports}] runs ${n.placement.where}${n.placement.refusal ? ' (refused)' : ''}: ${n.placement.reason}${lat}`);
    }
    for (const e of g.edges) {
      const q = this.#queueOptions(e);
      const s = stats?.edges.find((x) => x.from === e.from && x.to === e.to);
      lines.push(`  ${e.from}${e.fromPort ? `.${e.fromPort}` : ''} -> ${e.to}${e.toPort ? `.${e.toPort}` : ''}  queue ${q.policy} x${q.capacity}${s ? `  dropped ${s.dropped}, max depth ${s.maxDepth}` : ''}`);
    }
    return lines.join('\n');
  }

  /**
   * Every frame the node emits, from now until it ends, through a bounded queue (default:
   * `block` x64, so an idle reader holds the pipeline back rather than growing memory).
   * Call before or during run().
   */
  outputs(nodeId: string, queue: QueueOptions = {}): AsyncIterableIterator<Frame> {
    if (!this.#nodes.has(nodeId)) throw new PipelineError('bad-graph', Messages.unknownNode(nodeId), nodeId);
    checkQueueOptions(queue);
    const q = new EdgeQueue(queue.policy ?? 'block', queue.capacity ?? DEFAULTS.tapCapacity);
    const rt = this.#runtimes.get(nodeId);
    if (rt) {
      if (rt.stats.state === 'done' || rt.stats.state === 'failed' || rt.stats.state === 'stopped') q.end();
      else rt.taps.push(q);
    } else this.#tapRequests.set(nodeId, [...(this.#tapRequests.get(nodeId) ?? []), q]);
    let wake: (() => void) | undefined;
    q.onReady = () => { const w = wake; wake = undefined; w?.(); };
    const it: AsyncIterableIterator<Frame> = {
      [Symbol.asyncIterator]: () => it,
      async next() {
        for (;;) {
          const item = q.shift();
          if (item) return { value: item.frame, done: false };
          if (q.ended) return { value: undefined, done: true };
          await new Promise<void>((r) => (wake = r));
        }
      },
      async return() {
        q.stop();
        return { value: undefined, done: true };
      },
    };
    return it;
  }

  /** Counters and latencies so far (during or after a run). */
  stats(): PipelineStats {
    return {
      nodes: [...this.#runtimes.values()].filter((r) => !r.node.id.startsWith('$')).map((r) => ({ ...r.stats, latency: r.window.summary() })),
      edges: this.#edgeStats.map(({ edge, queue }) => ({ from: edge.from, to: edge.to, ...queue.stats() })),
      endToEnd: this.#e2e.summary(),
      elapsedMs: (this.#endedAt || performance.now()) - this.#startedAt,
    };
  }

  #queueOptions(e: Edge): Required<QueueOptions> {
    const target = this.#nodes.get(e.to)?.queue;
    return { policy: e.queue?.policy ?? target?.policy ?? DEFAULTS.queuePolicy, capacity: e.queue?.capacity ?? target?.capacity ?? DEFAULTS.queueCapacity };
  }

  /** Run to completion. Resolves with the statistics; rejects with PipelineError naming the node at fault. */
  async run(options: RunOptions = {}): Promise<PipelineStats> {
    if (this.#started || this.#preparing) throw new PipelineError('already-running', Messages.alreadyRunning);
    const nodes = [...this.#nodes.values()];
    const edges = [...this.#edges];
    // Entry nodes: take input, nothing feeds them.
    const fed = new Set(edges.map((e) => e.to));
    const entries = nodes.filter((n) => n.inputs.length && !fed.has(n.id));
    if (entries.length) {
      if (!options.input) throw new PipelineError('no-input', Messages.noInput(entries.map((n) => n.id)), entries[0]!.id);
      const input = { ...options.input, id: '$input' } as PipelineNode;
      nodes.unshift(input);
      const inputKinds = input.outputs.flatMap((p) => p.kinds);
      for (const n of entries) {
        const accepted = n.inputs.flatMap((p) => p.kinds);
        if (!inputKinds.some((k) => accepted.includes(k))) throw new PipelineError('port-mismatch', Messages.portMismatch('input', n.id, inputKinds, accepted), n.id);
        edges.push({ from: '$input', to: n.id });
      }
    }
    checkAcyclic(nodes, edges);
    const remote = options.remote ?? this.#remote;
    if (options.remote) this.#remote = options.remote;
    this.#preparing = true;
    try {
      await remote?.prepare?.(nodes.filter((n) => n.id !== '$input'));
    } finally {
      this.#preparing = false;
    }
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (n.id === '$input') continue;
      const decision = decidePlacement(n, remote);
      if (decision.refusal) throw decision.refusal;
      // A remote node is replaced, for this run, by its stand-in (same id and ports).
      if (decision.where === 'remote' && decision.executor && remote) nodes[i] = remote.proxy(n, decision.executor, decision);
    }

    // The graph is sound: from here on the pipeline is running (and runs once).
    this.#started = true;
    this.#startedAt = performance.now();
    // Wire the runtime.
    const outgoing = new Set(edges.map((e) => e.from));
    for (const n of nodes) {
      this.#runtimes.set(n.id, {
        node: n, inbox: [], out: [], taps: this.#tapRequests.get(n.id) ?? [],
        stats: { id: n.id, type: n.type, state: 'idle', framesIn: 0, framesOut: 0, latency: { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN } },
        window: new LatencyWindow(DEFAULTS.latencyWindow),
        leaf: !outgoing.has(n.id),
      });
    }
    this.#tapRequests.clear();
    for (const e of edges) {
      const q = this.#queueOptions(e);
      const queue = new EdgeQueue(q.policy, q.capacity);
      const to = this.#runtimes.get(e.to)!;
      const inPorts = e.toPort ? to.node.inputs.filter((p) => p.name === e.toPort) : to.node.inputs;
      to.inbox.push(queue);
      queue.onReady = () => { const w = to.wake; to.wake = undefined; w?.(); };
      this.#runtimes.get(e.from)!.out.push({ edge: e, queue, port: e.fromPort, accepts: new Set(inPorts.flatMap((p) => p.kinds)) });
      if (e.from !== '$input') this.#edgeStats.push({ edge: e, queue });
    }

    const stop = new AbortController();
    let failure: PipelineError | undefined;
    const fail = (err: PipelineError) => {
      if (!failure && !stop.signal.aborted) failure = err;
      halt();
    };
    let onHalt!: () => void;
    const halted = new Promise<void>((r) => (onHalt = r));
    const halt = () => {
      if (stop.signal.aborted) return;
      stop.abort();
      onHalt();
      for (const rt of this.#runtimes.values()) {
        for (const q of [...rt.inbox, ...rt.taps]) q.stop();
        const w = rt.wake; rt.wake = undefined; w?.();
      }
    };
    const onAbort = () => halt();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = options.timeoutMs ? setTimeout(() => fail(new PipelineError('timeout', Messages.timeout(options.timeoutMs!))), options.timeoutMs) : undefined;

    const opened: Runtime[] = [];
    try {
      // Open every node first: a node that cannot run (a missing runtime) stops the run before any frame flows.
      for (const rt of this.#runtimes.values()) {
        try {
          await rt.node.open?.();
          opened.push(rt);
        } catch (e) {
          throw wrap(rt.node.id, e);
        }
      }
      options.onOpen?.();
      const loops = Promise.all([...this.#runtimes.values()].map((rt) => this.#runNode(rt, stop.signal, options, fail)));
      // Once stopped, a node stuck in its own code gets a grace period, then is left behind: run() never hangs.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([loops, halted.then(() => Promise.race([loops, new Promise<void>((r) => (grace = setTimeout(r, DEFAULTS.stopGraceMs)))]))]);
      if (grace) clearTimeout(grace);
    } catch (e) {
      failure ??= e instanceof PipelineError ? e : wrap('?', e);
      halt();
    } finally {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      for (const rt of opened) {
        try { await rt.node.close?.(); } catch (e) { failure ??= wrap(rt.node.id, e); }
      }
      for (const rt of this.#runtimes.values()) for (const t of rt.taps) t.end();
      this.#endedAt = performance.now();
    }
    if (failure) throw failure;
    return this.stats();
  }

  async #runNode(rt: Runtime, signal: AbortSignal, options: RunOptions, fail: (e: PipelineError) => void): Promise<void> {
    const { node, stats } = rt;
    stats.state = 'running';
    const onOutput = options.onOutput;
    const ctx: NodeContext = {
      nodeId: node.id,
      signal,
      emit: (frame, port) => {
        if (signal.aborted) throw new PipelineStopped();
        const name = port ?? node.outputs[0]?.name;
        stats.framesOut++;
        if (onOutput && !node.id.startsWith('$')) onOutput(node.id, frame, name ?? 'out');
        let pending: Promise<void>[] | undefined;
        for (const o of rt.out) {
          if ((o.port !== undefined && o.port !== name) || !o.accepts.has(frame.kind)) continue;
          const r = o.queue.push(frame);
          if (r) (pending ??= []).push(r);
        }
        for (const t of rt.taps) {
          const r = t.push(frame);
          if (r) (pending ??= []).push(r);
        }
        if (!pending) return;
        return (pending.length === 1 ? pending[0]! : Promise.all(pending).then(() => undefined)).then(() => {
          if (signal.aborted) throw new PipelineStopped();
        });
      },
    };
    try {
      if (node.produce) {
        await node.produce(ctx);
      } else {
        let turn = 0;
        for (;;) {
          if (signal.aborted) break;
          let item;
          for (let k = 0; k < rt.inbox.length && !item; k++) item = rt.inbox[(turn + k) % rt.inbox.length]!.shift();
          turn++;
          if (!item) {
            if (rt.inbox.every((q) => q.ended && !q.depth)) break;
            await new Promise<void>((r) => (rt.wake = r));
            continue;
          }
          stats.framesIn++;
          if (node.process) {
            const r = node.process(item.frame, ctx);
            if (r) await r;
          }
          rt.window.record(performance.now() - item.at);
          if (rt.leaf) this.#e2e.record(performance.timeOrigin + performance.now() - item.frame.captureTimeMs);
        }
        if (!signal.aborted) await node.flush?.(ctx);
      }
      stats.state = signal.aborted ? 'stopped' : 'done';
    } catch (e) {
      if (e instanceof PipelineStopped) {
        stats.state = 'stopped';
      } else {
        stats.state = 'failed';
        fail(wrap(node.id, e));
      }
    } finally {
      for (const o of rt.out) o.queue.end();
      for (const t of rt.taps) t.end();
    }
  }
}

function wrap(nodeId: string, e: unknown): PipelineError {
  if (e instanceof PipelineError) return e.nodeId ? e : new PipelineError(e.code, Messages.nodeFailed(nodeId, e.message), nodeId, { cause: e, field: e.field });
  const message = e instanceof Error ? e.message : String(e);
  return new PipelineError('node-failed', Messages.nodeFailed(nodeId, message), nodeId, { cause: e });
}

function checkAcyclic(nodes: PipelineNode[], edges: Edge[]): void {
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const state = new Map<string, number>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    stack.push(id);
    for (const n of out.get(id) ?? []) {
      if (state.get(n) === 1) throw new PipelineError('bad-graph', Messages.cycle([...stack.slice(stack.indexOf(n)), n]), n);
      if (!state.has(n)) visit(n);
    }
    stack.pop();
    state.set(id, 2);
  };
  for (const n of nodes) if (!state.has(n.id)) visit(n.id);
}
