/** Keeps docs/INTERFACES/workstream-2-webrtc-contract.yaml true: every symbol it names for the envelope is exported as stated. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as envelope from './index.js';
import { ENVELOPE_ERROR_CODES } from './constants.js';

interface ExportSpec {
  name: string;
  kind: 'class' | 'function' | 'constant' | 'method';
  arity?: number;
  methods?: Record<string, number>;
  static?: Record<string, number>;
  getters?: string[];
  fields?: string[];
  type?: 'array' | 'string' | 'number' | 'object';
}
interface Contract {
  modules: Record<string, { status: 'implemented' | 'planned'; import: string; source?: string; exports: ExportSpec[]; error_codes?: string[] }>;
}

const ROOT = join(import.meta.dirname, '..', '..');
const contract = parse(readFileSync(join(ROOT, 'docs/INTERFACES/workstream-2-webrtc-contract.yaml'), 'utf8')) as Contract;
const isClass = (v: unknown) => typeof v === 'function' && /^class\b/.test(Function.prototype.toString.call(v));

describe('interface contract', () => {
  it('every envelope symbol the contract names is exported with the stated kind and arity', () => {
    const spec = contract.modules.envelope;
    expect(spec.status).toBe('implemented');
    expect(spec.import).toBe('spellbook/envelope');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['./envelope']).toBeDefined();
    const problems: string[] = [];
    const mod = envelope as Record<string, unknown>;
    for (const e of spec.exports) {
      const value = mod[e.name];
      if (value === undefined) { problems.push(`${e.name}: not exported`); continue; }
      if (e.kind === 'constant') {
        const type = Array.isArray(value) ? 'array' : typeof value;
        if (type !== e.type) problems.push(`${e.name}: ${type}, contract says ${e.type}`);
        continue;
      }
      if (e.kind === 'class' && !isClass(value)) problems.push(`${e.name}: not a class`);
      if (e.kind === 'function' && (typeof value !== 'function' || isClass(value))) problems.push(`${e.name}: not a function`);
      const fn = value as ((...args: unknown[]) => unknown) & { prototype: Record<string, unknown> };
      if (e.arity !== undefined && fn.length !== e.arity) problems.push(`${e.name}: arity ${fn.length}, contract says ${e.arity}`);
      for (const [m, n] of Object.entries(e.methods ?? {})) {
        const d = Object.getOwnPropertyDescriptor(fn.prototype, m);
        if (typeof d?.value !== 'function') problems.push(`${e.name}.${m}: no such method`);
        else if ((d.value as () => void).length !== n) problems.push(`${e.name}.${m}: arity ${(d.value as () => void).length}, contract says ${n}`);
      }
      for (const [m, n] of Object.entries(e.static ?? {})) {
        const f = (fn as unknown as Record<string, unknown>)[m];
        if (typeof f !== 'function') problems.push(`${e.name}.${m}: no such static method`);
        else if (f.length !== n) problems.push(`${e.name}.${m}: arity ${f.length}, contract says ${n}`);
      }
      for (const g of e.getters ?? []) if (typeof Object.getOwnPropertyDescriptor(fn.prototype, g)?.get !== 'function') problems.push(`${e.name}.${g}: no such getter`);
      for (const f of e.fields ?? []) {
        const instance = Reflect.construct(fn, ['bad-json', 'x']) as Record<string, unknown>;
        if (!(f in instance)) problems.push(`${e.name}.${f}: no such field`);
      }
    }
    expect(problems).toEqual([]);
    expect(spec.error_codes).toEqual(ENVELOPE_ERROR_CODES);
  });

  it('the mesh API stays marked as planned until its module exists', () => {
    const mesh = contract.modules.mesh;
    expect(mesh.exports.map((e) => e.name)).toEqual(['sendIFMessage', 'onIFMessage', 'sendAcknowledged']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    // When spellbook/mesh ships, the contract must say implemented (and this test grows a check like the envelope's).
    expect(mesh.status).toBe(pkg.exports['./mesh'] ? 'implemented' : 'planned');
  });
});
