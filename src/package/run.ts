/**
 * A verified package as a runnable pipeline: each `WasmNode` gets its module's bytes from the
 * package and runs in the sandbox (src/sandbox) with the given limits; every other node is
 * built by the pipeline's registry; the manifest's connections are kept. Only a
 * `VerifiedPackage` is accepted: nothing unverified is ever loaded.
 */
import { normalize } from 'node:path';
import { createNode, Pipeline, type PipelineNode } from '../pipeline/index.js';
import { WasmNode, type BreachPolicy, type SandboxLimits } from '../sandbox/index.js';
import { PackageMessages } from './constants.js';
import { PackageError } from './errors.js';
import type { VerifiedPackage } from './verify.js';

export interface PackagePipelineOptions extends Partial<SandboxLimits> {
  onBreach?: BreachPolicy;
  onLog?: (nodeId: string, line: string) => void;
}

export function pipelineFromPackage(pkg: VerifiedPackage, options: PackagePipelineOptions = {}): Pipeline {
  const m = pkg.pipeline.manifest;
  const p = new Pipeline(m.metadata.name || pkg.name, { description: m.metadata.description });
  for (const n of m.nodes) {
    let node: PipelineNode;
    if (n.node_type === 'WasmNode') {
      const path = typeof n.params.module === 'string' ? normalize(n.params.module).replace(/\\/g, '/') : undefined;
      const bytes = path === undefined ? undefined : pkg.modules.get(path);
      if (!bytes) throw new PackageError('bad-layout', PackageMessages.badLayout(`node '${n.id}' names module ${JSON.stringify(n.params.module)}, which the package does not carry`), { path });
      const kind = n.params.kind;
      node = new WasmNode(n.id, { ...options, module: bytes, kind: kind === 'video' || kind === 'data' || kind === 'text' ? kind : 'audio' });
    } else {
      const requirements = { ...(n.execution?.placement ? { placement: n.execution.placement } : {}), ...(n.host ? { host: n.host } : {}), ...(n.capabilities ? { capabilities: n.capabilities } : {}) };
      node = createNode(n.node_type, n.id, n.params, { requirements, queue: n.spellbook?.queue });
    }
    p.add(node, { after: [] });
  }
  for (const c of m.connections) p.connect(c.from, c.to, { fromPort: c.spellbook?.from_port, toPort: c.spellbook?.to_port, queue: c.spellbook?.queue });
  return p;
}
