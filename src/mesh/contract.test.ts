/** Keeps the mesh section of docs/INTERFACES/workstream-2-webrtc-contract.yaml true. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as mesh from './index.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('interface contract (mesh)', () => {
  it('the mesh API the contract names is implemented: MeshAgent methods with the stated arity, exported as spellbook/mesh', () => {
    const contract = parse(readFileSync(join(ROOT, 'docs/INTERFACES/workstream-2-webrtc-contract.yaml'), 'utf8')) as {
      modules: { mesh: { status: string; import: string; class: string; source: string; exports: Array<{ name: string; kind: string; arity: number }> } };
    };
    const spec = contract.modules.mesh;
    expect(spec).toMatchObject({ status: 'implemented', import: 'spellbook/mesh', source: 'src/mesh/index.ts' });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { import: string }> };
    expect(pkg.exports['./mesh']?.import).toBe('./dist/src/mesh/index.js');
    const cls = (mesh as Record<string, unknown>)[spec.class] as { prototype: Record<string, unknown> };
    expect(typeof cls).toBe('function');
    const problems: string[] = [];
    for (const e of spec.exports) {
      const m = cls.prototype[e.name] as ((...a: unknown[]) => unknown) | undefined; // own or inherited (MeshAgentCore)
      if (e.kind !== 'method' || typeof m !== 'function') problems.push(`${e.name}: no such method`);
      else if (m.length !== e.arity) problems.push(`${e.name}: arity ${m.length}, contract says ${e.arity}`);
    }
    expect(problems).toEqual([]);
  });
});
