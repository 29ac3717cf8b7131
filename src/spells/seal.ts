/**
 * Seals: a sealed spell is frozen. Its seal is the SHA-256 of the normalized spell (the
 * document form: no locations, comments, whitespace or label spelling, keys sorted), so
 * reformatting keeps the seal and any change of meaning breaks it.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, spellDocument } from './document.js';
import type { Spell } from './model.js';

export function normalizeSpell(spell: Spell): string {
  return canonicalJson(spellDocument(spell));
}

export function sealOf(spell: Spell): string {
  return `sha256:${createHash('sha256').update(normalizeSpell(spell)).digest('hex')}`;
}
