/**
 * The location-free document form of a spell (the shape `schemas/spell.schema.json`
 * describes), with a map from JSON pointer to source location so schema errors point
 * at the line they are about.
 */
import type { Clauses, Item, Location, Spell } from './model.js';

export interface SpellDocument {
  spell: string;
  intent?: string | string[];
  entities?: EntityDocument[];
  contracts?: { input: string; output: string }[];
  guarantees?: string[];
  assumptions?: string[];
  exclusions?: string[];
  dependencies?: string[];
  questions?: string[];
  obligations?: ({ require: string } | { forbid: string } | { prove: string; test: string })[];
  sections?: Record<string, string[]>;
}

export type EntityDocument = { name: string } & Omit<SpellDocument, 'spell' | 'intent' | 'entities' | 'sections'>;

export interface LocatedDocument {
  document: SpellDocument;
  /** JSON pointer (`/guarantees/0`) to where that value was written. */
  locations: Map<string, Location>;
}

/** Where each value was written, by JSON pointer; absent when only the document is wanted. */
type Locations = Map<string, Location> | undefined;

function addClauses(target: Record<string, unknown>, clauses: Clauses, prefix: string, locations: Locations): void {
  // `locations?.set(...)` evaluates no pointer string when there is no map.
  const texts = (key: string, items: Item[]) => {
    if (!items.length) return;
    target[key] = items.map((item, i) => { locations?.set(`${prefix}/${key}/${i}`, item.location); return item.text; });
  };
  if (clauses.contracts.length) {
    target.contracts = clauses.contracts.map((c, i) => { locations?.set(`${prefix}/contracts/${i}`, c.location); return { input: c.input, output: c.output }; });
  }
  texts('guarantees', clauses.guarantees);
  texts('assumptions', clauses.assumptions);
  texts('exclusions', clauses.exclusions);
  if (clauses.dependencies.length) {
    target.dependencies = clauses.dependencies.map((d, i) => { locations?.set(`${prefix}/dependencies/${i}`, d.location); return d.kind === 'entity' ? `@${d.target}` : d.target; });
  }
  texts('questions', clauses.questions);
  if (clauses.obligations.length) {
    target.obligations = clauses.obligations.map((o, i) => {
      locations?.set(`${prefix}/obligations/${i}`, o.location);
      return o.kind === 'prove' ? { prove: o.text, test: o.test ?? '' } : o.kind === 'require' ? { require: o.text } : { forbid: o.text };
    });
  }
}

/** The spell as a document with, for each value, where it was written. */
export function toDocument(spell: Spell): LocatedDocument {
  const locations = new Map<string, Location>();
  return { document: buildDocument(spell, locations), locations };
}

/**
 * The spell as a document only: what the schema validates and the seal hashes. Building the
 * location map is most of the cost, and only a spell with a schema error needs it.
 */
export function spellDocument(spell: Spell): SpellDocument {
  return buildDocument(spell, undefined);
}

function buildDocument(spell: Spell, locations: Locations): SpellDocument {
  locations?.set('', spell.location);
  const document: SpellDocument = { spell: spell.name };
  if (spell.intents.length === 1) {
    document.intent = spell.intents[0].text;
    locations?.set('/intent', spell.intents[0].location);
  } else if (spell.intents.length > 1) {
    document.intent = spell.intents.map((intent, i) => { locations?.set(`/intent/${i}`, intent.location); return intent.text; });
  }
  if (spell.entities.length) {
    document.entities = spell.entities.map((entity, i) => {
      const prefix = `/entities/${i}`;
      locations?.set(prefix, entity.location);
      const out: Record<string, unknown> = { name: entity.name };
      addClauses(out, entity, prefix, locations);
      return out as EntityDocument;
    });
  }
  addClauses(document as unknown as Record<string, unknown>, spell, '', locations);
  if (spell.sections.length) {
    document.sections = {};
    for (const section of spell.sections) {
      const key = section.name;
      const list = (document.sections[key] ??= []);
      const pointer = locations && `/sections/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      locations?.set(pointer!, section.location);
      for (const item of section.items) {
        locations?.set(`${pointer}/${list.length}`, item.location);
        list.push(item.text);
      }
    }
  }
  return document;
}

/** The nearest recorded location for a JSON pointer (walks up to the spell itself). */
export function locate(located: LocatedDocument, pointer: string): Location {
  let p = pointer;
  for (;;) {
    const found = located.locations.get(p);
    if (found) return found;
    if (p === '') return located.locations.get('')!;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** RFC 8785-style canonical JSON (sorted keys, no whitespace) for hashing. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
