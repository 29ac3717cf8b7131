/**
 * Where a node runs, and why. Every node runs in this process for now: a node that must run
 * remotely (placement `remote`, a `host`, or a remote node type such as RemotePipelineNode) is
 * refused at run time with PipelineError 'remote-unavailable' naming it, and a requirement this
 * machine cannot meet (a GPU, more cores or memory than it has) with 'requirements-unmet'.
 * `prefer_remote` falls back to local and says so.
 */
import { availableParallelism, totalmem } from 'node:os';
import { Messages } from './constants.js';
import { PipelineError } from './errors.js';
import type { PipelineNode } from './node.js';
import type { Placement } from '../pipeline-manifest/index.js';

export interface PlacementDecision {
  /** Where it runs: 'local' here; 'remote' means the run will be refused until remote execution exists. */
  where: 'local' | 'remote';
  requested: Placement;
  reason: string;
  /** The refusal run() will throw, if any. */
  refusal?: PipelineError;
}

function unmet(node: PipelineNode): string | undefined {
  const c = node.requirements?.capabilities;
  if (!c) return undefined;
  if (c.gpu && c.gpu.required !== false) return `a ${c.gpu.type} GPU`;
  if (c.cpu?.cores && c.cpu.cores > availableParallelism()) return `${c.cpu.cores} cores (this machine has ${availableParallelism()})`;
  if (c.cpu?.arch && c.cpu.arch !== process.arch) return `CPU architecture ${c.cpu.arch} (this machine is ${process.arch})`;
  if (c.memory_gb && c.memory_gb * 2 ** 30 > totalmem()) return `${c.memory_gb} GB of memory (this machine has ${(totalmem() / 2 ** 30).toFixed(1)} GB)`;
  return undefined;
}

export function decidePlacement(node: PipelineNode): PlacementDecision {
  const r = node.requirements ?? {};
  const requested: Placement = r.placement ?? (r.remoteOnly || r.host ? 'remote' : 'auto');
  if (requested === 'remote' || r.remoteOnly) {
    const why = r.remoteOnly ? `${node.type} runs a pipeline on another machine` : r.host ? `host ${r.host}` : 'placement: remote';
    return { where: 'remote', requested, reason: `${why}; remote execution is not available yet`, refusal: new PipelineError('remote-unavailable', Messages.remoteUnavailable(node.id, why), node.id) };
  }
  const missing = unmet(node);
  if (missing) return { where: 'local', requested, reason: `requires ${missing}`, refusal: new PipelineError('requirements-unmet', Messages.requirementsUnmet(node.id, missing), node.id) };
  const reason =
    requested === 'local' ? 'placement: local'
    : requested === 'prefer_remote' ? 'prefer_remote, but no remote executor is configured: runs here'
    : `${requested}: no remote executor is configured, so it runs here`;
  return { where: 'local', requested, reason };
}
