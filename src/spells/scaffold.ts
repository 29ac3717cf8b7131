/** `spell new`: the text of a new draft spell, complete enough to show every part. */

export const SPELL_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function newSpellText(name: string): string {
  return [
    `#Spell: ${name}`,
    `^ Intent: One bounded outcome this spell delivers, in one or two lines.`,
    `@${name.replace(/[^A-Za-z0-9_]/g, '')}`,
    `  : Input -> Output`,
    `  ! Guarantee: what always holds for this entity`,
    `! Guarantee: what the spell guarantees as a whole`,
    `~ Assumption: what the spell takes as given`,
    `- Exclusion: what the spell explicitly does not do`,
    `$ prove: the main guarantee -> test: exact title of the test that proves it`,
    ``,
    `[Test Cases]`,
    `- exact title of another test`,
    ``,
  ].join('\n');
}
