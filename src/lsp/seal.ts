/**
 * "Seal this spell" from the editor: the rule `spell seal` applies (the spell must pass
 * every rule as if it were already sealed; contract drift and the draft/stale findings
 * themselves do not block), then the engine's `sealOf` and `writeSeal` record the seal.
 */
import { relative } from 'node:path';
import { RULES, sealOf, writeSeal, type CheckReport, type Diagnostic } from '../spells/index.js';
import { LspError } from './errors.js';
import type { SpellWorkspace } from './workspace.js';

const NOT_BLOCKING = new Set<string>([RULES.draft.id, RULES.stale.id, RULES.contractDrift.id]);

/** Findings that keep `name` from being sealed, in a strict report. */
export function sealBlockers(report: CheckReport, name: string): Diagnostic[] {
  return report.diagnostics.filter((d) => d.spell === name && !NOT_BLOCKING.has(d.rule));
}

/** Seal one spell in the workspace's manifest; throws an `LspError` saying why not. */
export function sealSpell(workspace: SpellWorkspace, name: string): { seal: string; manifest: string } {
  const analysis = workspace.analyze();
  const manifest = analysis.manifest;
  if (!manifest) throw new LspError('no-manifest', `no spellbook.yaml manifest found for this workspace; seals are recorded there`);
  const spell = analysis.spells.get(name);
  if (!spell) throw new LspError('unknown-spell', `no spell named '${name}'`);
  const blockers = sealBlockers(workspace.check(true), name);
  if (blockers.length) {
    const lines = blockers.map((d) => `${relative(analysis.root, d.location.file)}:${d.location.line}:${d.location.column} ${d.message} (${d.rule})`);
    throw new LspError('seal-refused', `cannot seal ${name}: ${lines.join('; ')}`);
  }
  const seal = sealOf(spell);
  writeSeal(manifest.path, name, seal);
  workspace.filesChanged([manifest.path]);
  return { seal, manifest: manifest.path };
}
