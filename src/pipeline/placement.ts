/**
 * Where a node runs, and why: here, or on a remote executor (spellbook/remote) chosen by the
 * node's placement, host and capability requirements against what each executor advertises.
 * A node that must run remotely with no executor able to take it is refused at run time with
 * PipelineError 'remote-unavailable' naming it and the host; a requirement neither this machine
 * nor any executor meets with 'requirements-unmet'.
 */
import { availableParallelism, totalmem } from 'node:os';
import { Messages } from './constants.js';
import { PipelineError } from './errors.js';
import type { PipelineNode } from './node.js';
import type { Placement } from '../pipeline-manifest/index.js';

/** What an executor advertises (RemoteMedia-style capabilities, plus what it can run). */
export interface ExecutorCapabilities {
  cores: number;
  memoryGb: number;
  arch: string;
  /** GPUs and other accelerators by type ('cuda', 'metal', ...); empty when none. */
  accelerators: string[];
  /** Node types it runs. */
  nodeTypes: string[];
  /** Runtime features ('opus-track', 'h264-track', 'sub-pipeline', ...). */
  features: string[];
}

/** One executor a run may use: its name, where it is, and (once connected) what it offers. */
export interface ExecutorInfo {
  name: string;
  url: string;
  capabilities?: ExecutorCapabilities;
  /** Why it cannot be used (unreachable, refused): set by the directory after trying. */
  error?: string;
}

/**
 * Remote execution as the pipeline sees it (implemented by spellbook/remote): the executors
 * known, a chance to connect before placement, and a local stand-in for a node that runs on
 * one of them. The pipeline never imports the transport.
 */
export interface RemoteExecution {
  executors(): readonly ExecutorInfo[];
  /** Connect to the executors these nodes may need (hosts they name, the configured ones). */
  prepare?(nodes: readonly PipelineNode[]): Promise<void>;
  /** A node with the same id and ports that runs `node` on `executor`. */
  proxy(node: PipelineNode, executor: ExecutorInfo, decision: PlacementDecision): PipelineNode;
}

export interface PlacementDecision {
  /** Where it runs. */
  where: 'local' | 'remote';
  requested: Placement;
  reason: string;
  /** The executor chosen, when remote. */
  executor?: ExecutorInfo;
  /** The refusal run() will throw, if any. */
  refusal?: PipelineError;
}

/** What the node needs that this machine lacks, or undefined. */
function unmet(node: PipelineNode): string | undefined {
  const c = node.requirements?.capabilities;
  if (!c) return undefined;
  if (c.gpu && c.gpu.required !== false) return `a ${c.gpu.type} GPU`;
  if (c.cpu?.cores && c.cpu.cores > availableParallelism()) return `${c.cpu.cores} cores (this machine has ${availableParallelism()})`;
  if (c.cpu?.arch && c.cpu.arch !== process.arch) return `CPU architecture ${c.cpu.arch} (this machine is ${process.arch})`;
  if (c.memory_gb && c.memory_gb * 2 ** 30 > totalmem()) return `${c.memory_gb} GB of memory (this machine has ${(totalmem() / 2 ** 30).toFixed(1)} GB)`;
  return undefined;
}

/** What the node needs that the executor lacks, or undefined when it can run the node there. */
export function executorLacks(node: PipelineNode, caps: ExecutorCapabilities): string | undefined {
  if (node.requirements?.remoteOnly) {
    if (!caps.features.includes('sub-pipeline')) return 'sub-pipelines';
  } else if (!caps.nodeTypes.includes(node.type)) return `node type ${node.type}`;
  const c = node.requirements?.capabilities;
  if (!c) return undefined;
  if (c.gpu && c.gpu.required !== false && !caps.accelerators.includes(c.gpu.type)) return `a ${c.gpu.type} GPU`;
  if (c.cpu?.cores && c.cpu.cores > caps.cores) return `${c.cpu.cores} cores (it has ${caps.cores})`;
  if (c.cpu?.arch && c.cpu.arch !== caps.arch) return `CPU architecture ${c.cpu.arch} (it is ${caps.arch})`;
  if (c.memory_gb && c.memory_gb > caps.memoryGb) return `${c.memory_gb} GB of memory (it has ${caps.memoryGb.toFixed(1)} GB)`;
  return undefined;
}

function describe(e: ExecutorInfo): string {
  const c = e.capabilities;
  return c ? `executor ${e.name} (${e.url}: ${c.cores} cores, ${c.memoryGb.toFixed(1)} GB${c.accelerators.length ? `, ${c.accelerators.join('/')}` : ''})` : `executor ${e.name} (${e.url})`;
}

/** Executors the node may name: by its host (a name or a URL), else every one. */
function candidates(node: PipelineNode, remote: RemoteExecution | undefined): ExecutorInfo[] {
  const all = remote?.executors() ?? [];
  const host = node.requirements?.host;
  return host ? all.filter((e) => e.name === host || e.url === host) : [...all];
}

/** The first usable executor for the node, or why there is none. */
function pickExecutor(node: PipelineNode, remote: RemoteExecution | undefined): { executor?: ExecutorInfo; why: string } {
  const list = candidates(node, remote);
  const host = node.requirements?.host;
  if (list.length === 0) return { why: host ? `remote unreachable: ${host} (no executor is configured under that name)` : 'no remote executor is configured (start one with `spell serve`, pass it with --executor)' };
  const reasons: string[] = [];
  for (const e of list) {
    if (e.error) { reasons.push(`remote unreachable: ${e.url} (${e.error})`); continue; }
    if (!e.capabilities) { reasons.push(`remote unreachable: ${e.url} (not connected)`); continue; }
    const lacks = executorLacks(node, e.capabilities);
    if (lacks) { reasons.push(`${describe(e)} lacks ${lacks}`); continue; }
    return { executor: e, why: describe(e) };
  }
  return { why: reasons.join('; ') };
}

/**
 * Where the node runs, and why (shown by inspect()):
 * - `local`: here (refused if this machine lacks what it requires);
 * - `remote`, a `host`, or RemotePipelineNode: on the first executor that has what it needs,
 *   else refused ('remote-unavailable', naming the host and why);
 * - `prefer_remote`: on an executor if one fits, else here;
 * - `auto`, `prefer_local`: here, unless this machine lacks what it requires and an executor has it.
 */
export function decidePlacement(node: PipelineNode, remote?: RemoteExecution): PlacementDecision {
  const r = node.requirements ?? {};
  const requested: Placement = r.placement ?? (r.remoteOnly || r.host ? 'remote' : 'auto');
  const remoteDecision = (pick: { executor?: ExecutorInfo; why: string }, prefix: string): PlacementDecision =>
    ({ where: 'remote', requested, executor: pick.executor, reason: `${prefix}: runs on ${pick.why}` });
  if (requested === 'remote' || r.remoteOnly) {
    const why = r.remoteOnly ? `${node.type} runs a pipeline on another machine` : r.host ? `host ${r.host}` : 'placement: remote';
    const pick = pickExecutor(node, remote);
    if (pick.executor) return remoteDecision(pick, why);
    return { where: 'remote', requested, reason: `${why}; ${pick.why}`, refusal: new PipelineError('remote-unavailable', Messages.remoteUnavailable(node.id, why, pick.why), node.id) };
  }
  const missing = unmet(node);
  if (requested === 'prefer_remote') {
    const pick = pickExecutor(node, remote);
    if (pick.executor) return remoteDecision(pick, 'prefer_remote');
    if (!missing) return { where: 'local', requested, reason: `prefer_remote, but ${pick.why}: runs here` };
  }
  if (missing && requested !== 'local') {
    const pick = pickExecutor(node, remote);
    if (pick.executor) return remoteDecision(pick, `${requested}: requires ${missing}, which this machine lacks`);
  }
  if (missing) return { where: 'local', requested, reason: `requires ${missing}`, refusal: new PipelineError('requirements-unmet', Messages.requirementsUnmet(node.id, missing), node.id) };
  const reason =
    requested === 'local' ? 'placement: local'
    : requested === 'prefer_remote' ? 'prefer_remote, but no remote executor is configured: runs here'
    : `${requested}: this machine has what it needs, so it runs here`;
  return { where: 'local', requested, reason };
}
