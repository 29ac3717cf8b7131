/**
 * Seal rules (mission brief): intent exists; no open questions; guarantees explicit; at
 * least one exclusion; exactly one thing per spell. Plus the seal itself: a sealed spell
 * whose normalized content no longer hashes to its seal is stale.
 */
import { LIMITS, MESSAGES, RULES } from '../constants.js';
import type { Diagnostic, Spell } from '../model.js';
import type { ManifestEntry } from '../manifest.js';
import { sealOf } from '../seal.js';

function has(spell: Spell, pick: (c: Spell | Spell['entities'][number]) => number): boolean {
  return pick(spell) > 0 || spell.entities.some((e) => pick(e) > 0);
}

export function checkSealRules(spell: Spell, entry: ManifestEntry | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (rule: { id: string; severity: 'error' | 'warning' }, message: string, location = spell.location) =>
    out.push({ rule: rule.id, severity: rule.severity, message, location, spell: spell.name });

  if (spell.intents.length === 0) push(RULES.intentMissing, MESSAGES.intentMissing());
  if (spell.intents.length > 1) push(RULES.oneThing, MESSAGES.manyIntents(spell.intents.length), spell.intents[1].location);
  for (const intent of spell.intents) {
    if (intent.lines > LIMITS.maxIntentLines) push(RULES.oneThing, MESSAGES.longIntent(intent.lines, LIMITS.maxIntentLines), intent.location);
  }
  if (entry && entry.modules.length > 1) push(RULES.oneThing, MESSAGES.manyModules(entry.modules), entry.location);
  for (const q of [...spell.questions, ...spell.entities.flatMap((e) => e.questions)]) push(RULES.openQuestion, MESSAGES.openQuestion(q.text), q.location);
  if (!has(spell, (c) => c.guarantees.length + c.obligations.filter((o) => o.kind !== 'forbid').length)) push(RULES.noGuarantee, MESSAGES.noGuarantee());
  if (!has(spell, (c) => c.exclusions.length + c.obligations.filter((o) => o.kind === 'forbid').length)) push(RULES.noExclusion, MESSAGES.noExclusion());

  if (entry?.seal) {
    const actual = sealOf(spell);
    if (actual !== entry.seal) push(RULES.stale, MESSAGES.stale(entry.seal, actual));
  } else {
    push(RULES.draft, MESSAGES.draft());
  }
  return out;
}
