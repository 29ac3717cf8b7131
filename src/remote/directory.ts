/**
 * Remote execution for a Pipeline (`pipeline.useExecutors(new RemoteExecutors(...))` or
 * `run({ remote })`): the executors a run may use, connected before placement (the configured
 * ones and any URL a node names as its `host`), and for each node placed remotely a stand-in
 * with the same id and ports that streams its input to the executor and emits what comes back.
 *
 * A node runs remotely as a one-node sub-pipeline; a RemotePipelineNode runs its `manifest`
 * there whole, its output nodes' frames coming out of its one port. Frames keep their media
 * and capture times across the hop, so the pipeline's end-to-end latency covers it; the hop
 * itself (frame sent to the first frame back with the same media time) is measured per node.
 *
 * When the connection is lost mid-stream the run stops with 'remote-lost', unless the node's
 * manifest says `execution.fallback: local`: then the node continues here from the next frame
 * (frames in flight are counted as lost).
 */
import { LatencyWindow, PipelineError, type ExecutorInfo, type Frame, type NodeContext, type PipelineNode, type PlacementDecision, type RemoteExecution } from '../pipeline/index.js';
import { connectExecutor, type ConnectOptions, type ExecutorConnection, type RemoteSession } from './client.js';
import { DEFAULTS, Messages } from './constants.js';
import { RemoteError } from './errors.js';
import { packageSource, startPackage } from './packages.js';

export interface RemoteExecutorsOptions {
  /** Executors by name: `{ gpu1: 'ws://10.0.0.5:9000' }` (a manifest's `host` may name them). */
  executors?: Record<string, string>;
  token?: string;
  connectTimeoutMs?: number;
  /** From the end of a node's input to the executor's `done` (default 30 s). */
  doneTimeoutMs?: number;
  bindAddress?: string;
  /**
   * How audio frames cross: 'datachannel' (default: float samples, lossless, what a local run
   * sees) or 'opus-track' (Opus on a WebRTC audio track both ways, as a browser sends it; one
   * node per executor connection uses the track, any others the data channel).
   */
  audioTransport?: 'datachannel' | 'opus-track';
}

/** The hop a remote node adds, per node: frame sent to its result back, ms. */
export interface HopStats {
  nodeId: string;
  executor: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  framesSent: number;
  framesReceived: number;
  /** Output frames dropped because the local pipeline fell behind. */
  dropped: number;
  /** Frames in flight when the connection was lost (with fallback: local). */
  lostInFlight: number;
  fellBack: boolean;
}

const isUrl = (h: string) => /^(wss?|https?):\/\//i.test(h);

export class RemoteExecutors implements RemoteExecution {
  readonly #options: RemoteExecutorsOptions;
  readonly #infos = new Map<string, ExecutorInfo>();
  readonly #connections = new Map<string, ExecutorConnection>();
  readonly #hops: { stats: HopStats; window: LatencyWindow }[] = [];

  constructor(options: RemoteExecutorsOptions = {}) {
    this.#options = options;
    for (const [name, url] of Object.entries(options.executors ?? {})) this.#infos.set(name, { name, url });
  }

  executors(): readonly ExecutorInfo[] {
    return [...this.#infos.values()];
  }

  /** Connect to every configured executor and every URL a node names (in parallel); failures are recorded, not thrown. */
  async prepare(nodes: readonly PipelineNode[]): Promise<void> {
    for (const n of nodes) {
      const host = n.requirements?.host;
      if (host && isUrl(host) && !this.#infos.has(host)) this.#infos.set(host, { name: host, url: host });
    }
    await Promise.all([...this.#infos.values()].filter((i) => !i.capabilities && !i.error).map(async (info) => {
      try {
        const conn = await connectExecutor(info.url, { name: info.name, token: this.#options.token, timeoutMs: this.#options.connectTimeoutMs, bindAddress: this.#options.bindAddress, audio: this.#options.audioTransport === 'opus-track' } satisfies ConnectOptions);
        this.#connections.set(info.name, conn);
        info.capabilities = conn.info.capabilities;
      } catch (e) {
        info.error = e instanceof RemoteError ? e.message.replace(/^remote unreachable: \S+ \((.*)\)$/, '$1') : String(e);
      }
    }));
  }

  /** Per remote node: the hop's latency and counters. */
  hopStats(): HopStats[] {
    return this.#hops.map(({ stats, window }) => {
      const s = window.summary();
      return { ...stats, count: s.count, p50: s.p50, p95: s.p95, p99: s.p99 };
    });
  }

  /** Close every connection (a run leaves them open for the next). */
  async close(): Promise<void> {
    await Promise.all([...this.#connections.values()].map((c) => c.close().catch(() => undefined)));
    this.#connections.clear();
    for (const i of this.#infos.values()) delete i.capabilities;
  }

  proxy(node: PipelineNode, executor: ExecutorInfo, _decision: PlacementDecision): PipelineNode {
    const conn = this.#connections.get(executor.name);
    if (!conn) throw new PipelineError('remote-unavailable', Messages.unreachable(executor.url, executor.error ?? 'not connected'), node.id);
    const stats: HopStats = { nodeId: node.id, executor: executor.name, count: 0, p50: NaN, p95: NaN, p99: NaN, framesSent: 0, framesReceived: 0, dropped: 0, lostInFlight: 0, fellBack: false };
    const window = new LatencyWindow(4096);
    this.#hops.push({ stats, window });
    return remoteNode(node, conn, { stats, window, doneTimeoutMs: this.#options.doneTimeoutMs ?? DEFAULTS.doneTimeoutMs, audioTransport: this.#options.audioTransport ?? 'datachannel' });
  }
}

/** The sub-pipeline a node runs as on the executor: itself alone, or a RemotePipelineNode's manifest. */
export function subManifest(node: PipelineNode): string {
  if (node.requirements?.remoteOnly) {
    const m = node.params.manifest;
    if (typeof m === 'object' && m !== null) return JSON.stringify(m);
    if (typeof m === 'string') return m;
    throw new PipelineError('bad-param', `node '${node.id}' (${node.type}) needs params.manifest (the sub-pipeline to run remotely) or params.manifest_url naming a signed package (oci://..., oci:<dir>, file:<pkg>.rmpkg)`, node.id, { field: 'params.manifest' });
  }
  return JSON.stringify({
    version: 'v1',
    metadata: { name: `${node.id}@remote` },
    nodes: [{ id: node.id, node_type: node.type, params: node.params, is_streaming: true, ...(node.queue ? { spellbook: { queue: node.queue } } : {}) }],
    connections: [],
  });
}

function remoteNode(node: PipelineNode, conn: ExecutorConnection, hop: { stats: HopStats; window: LatencyWindow; doneTimeoutMs: number; audioTransport?: 'datachannel' | 'opus-track' }): PipelineNode {
  if (node.requirements?.remoteOnly) {
    const transport = node.params.transport;
    if (transport !== undefined && transport !== 'webrtc') throw new PipelineError('bad-param', Messages.transport(String(transport)), node.id, { field: 'params.transport' });
  }
  const fallback = !node.requirements?.remoteOnly && (node.manifest?.execution as { fallback?: string } | undefined)?.fallback === 'local';
  const timeoutMs = node.requirements?.remoteOnly && typeof node.params.timeout_ms === 'number' ? node.params.timeout_ms : hop.doneTimeoutMs;
  let session: RemoteSession | undefined;
  let pump: Promise<void> | undefined;
  let pumpError: unknown;
  let local = false;
  /** Send times by media time, to match each result to its input. */
  const sentAt = new Map<number, number>();
  /** Capture times of audio sent on the track, by media time. */
  const capturedAt = new Map<number, number>();

  const toPipelineError = (e: unknown): PipelineError => {
    if (e instanceof PipelineError) return e;
    if (e instanceof RemoteError) return new PipelineError(e.code === 'connection-lost' ? 'remote-lost' : e.code === 'timeout' ? 'timeout' : 'remote-failed', e.code === 'connection-lost' ? `${Messages.lost(conn.url, node.id)}: ${conn.lostReason ?? e.message}` : e.message, node.id, { cause: e });
    return new PipelineError('remote-failed', String(e), node.id, { cause: e });
  };
  const switchToLocal = async () => {
    local = true;
    hop.stats.fellBack = true;
    hop.stats.lostInFlight = sentAt.size;
    await node.open?.();
  };
  const startPump = (ctx: NodeContext) => {
    pump ??= (async () => {
      try {
        for await (const out of session!.outputs()) {
          hop.stats.framesReceived++;
          if (out.node === 'audio-track') {
            const c = capturedAt.get(out.frame.mediaTimeUs);
            if (c !== undefined) out.frame.captureTimeMs = c;
          }
          const t = sentAt.get(out.frame.mediaTimeUs);
          if (t !== undefined) {
            hop.window.record(performance.now() - t);
            sentAt.delete(out.frame.mediaTimeUs);
          }
          await ctx.emit(out.frame);
        }
      } catch (e) {
        if (fallback && e instanceof RemoteError && e.code === 'connection-lost') { await switchToLocal(); return; }
        throw e;
      } finally {
        hop.stats.dropped = session!.dropped;
      }
    })();
    // Awaited by flush; until then a failure is held here so that process() reports it.
    pump.catch((e: unknown) => { pumpError ??= e; });
    return pump;
  };
  const finishRemote = async (ctx: NodeContext) => {
    startPump(ctx);
    session!.end();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RemoteError('timeout', Messages.timeout(conn.url, `end of node '${node.id}'`, timeoutMs))), timeoutMs)));
    try {
      await Promise.race([pump!, timeout]);
      if (!local) await Promise.race([session!.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const proxy: PipelineNode = {
    id: node.id,
    type: node.type,
    params: node.params,
    inputs: node.inputs,
    outputs: node.outputs,
    ...(node.requirements ? { requirements: node.requirements } : {}),
    ...(node.queue ? { queue: node.queue } : {}),
    ...(node.manifest ? { manifest: node.manifest } : {}),
    async open() {
      // A RemotePipelineNode without an inline manifest may name a signed package (packages.ts).
      let pkg;
      try {
        pkg = node.requirements?.remoteOnly && node.params.manifest === undefined ? packageSource(node.params.manifest_url) : undefined;
      } catch (e) {
        throw new PipelineError('bad-param', (e as Error).message, node.id, { field: 'params.manifest_url', cause: e });
      }
      try {
        // Audio on the Opus track when asked for and free: this node's audio in, and its audio back.
        const kinds = (ports: readonly { kinds: readonly string[] }[]) => ports.some((p) => p.kinds.includes('audio'));
        const audio = hop.audioTransport === 'opus-track' && !pkg && conn.audioTrackFree && kinds(node.inputs) ? { input: true, output: kinds(node.outputs) } : undefined;
        session = pkg ? await startPackage(conn, pkg) : await conn.start(subManifest(node), audio ? { audio } : {});
      } catch (e) {
        if (pkg && e instanceof RemoteError && e.code === 'refused') {
          // The executor's refusal of the package, named for the node: "remote node 'x' on <url> failed: package signature invalid: ...".
          throw new PipelineError('remote-failed', Messages.remoteNodeFailed(conn.url, node.id, e.message.replace(`${conn.url}: `, '')), node.id, { cause: e });
        }
        // A file: package that cannot be read or is not a package: refused here, nothing sent.
        if (pkg?.kind === 'file' && !(e instanceof RemoteError)) throw new PipelineError('bad-param', `node '${node.id}': manifest_url ${String(node.params.manifest_url)}: ${(e as Error).message}`, node.id, { field: 'params.manifest_url', cause: e });
        throw toPipelineError(e);
      }
    },
    async process(frame: Frame, ctx: NodeContext) {
      if (local) return node.process?.(frame, ctx);
      startPump(ctx);
      if (pumpError !== undefined && !(fallback && pumpError instanceof RemoteError && pumpError.code === 'connection-lost')) throw toPipelineError(pumpError);
      try {
        sentAt.set(frame.mediaTimeUs, performance.now());
        if (sentAt.size > 4096) sentAt.delete(sentAt.keys().next().value!);
        if (frame.kind === 'audio' && session!.audio?.input) {
          // Capture times ride the data channel's frames, not RTP: keep them to restore on the way back.
          capturedAt.set(frame.mediaTimeUs, frame.captureTimeMs);
          if (capturedAt.size > 4096) capturedAt.delete(capturedAt.keys().next().value!);
          session!.sendAudio(frame);
        } else await session!.send(frame);
        hop.stats.framesSent++;
      } catch (e) {
        if (fallback && e instanceof RemoteError && e.code === 'connection-lost') {
          await pump!.catch(() => undefined);
          if (!local) await switchToLocal();
          return node.process?.(frame, ctx);
        }
        throw toPipelineError(e);
      }
    },
    async flush(ctx: NodeContext) {
      if (!local) {
        try {
          await finishRemote(ctx);
        } catch (e) {
          throw toPipelineError(e);
        }
      }
      if (local) await node.flush?.(ctx);
    },
    async close() {
      if (session) session.stop();
      if (local) await node.close?.();
    },
  };
  if (node.inputs.length === 0) {
    // A source that runs remotely: no input, its frames come back until it ends.
    delete proxy.process;
    delete proxy.flush;
    proxy.produce = async (ctx: NodeContext) => {
      try {
        await finishRemote(ctx);
      } catch (e) {
        throw toPipelineError(e);
      }
    };
  }
  return proxy;
}
