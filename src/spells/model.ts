/**
 * The spell model: what a parsed spell is, whichever file form it came from
 * (`*.spell`, `*.spell.md`, Markdown books, `*.spell.yaml`).
 *
 * Every item keeps the location it was written at, so each diagnostic can point at
 * `file:line:column`. `toDocument()` in `document.ts` strips locations to the plain
 * document shape described by `schemas/spell.schema.json`.
 */

/** 1-based line and column in a file. */
export interface Location {
  file: string;
  line: number;
  column: number;
}

/** A line of text belonging to a spell or an entity (guarantee, assumption, ...). */
export interface Item {
  text: string;
  location: Location;
}

/** `: input -> output` */
export interface Contract {
  input: string;
  output: string;
  location: Location;
}

/** `> Name`, `> #Name` (a spell) or `> @Entity` (an entity, resolved to its spell). */
export interface Dependency {
  target: string;
  kind: 'spell' | 'entity';
  location: Location;
}

/** `$ require: X`, `$ forbid: X`, `$ prove: X -> test: Y`. */
export interface Obligation {
  kind: 'require' | 'forbid' | 'prove';
  text: string;
  /** The bound test title (prove only). */
  test?: string;
  location: Location;
}

/** `[Implementation Notes]`, `[Test Cases]`, or any other bracketed free-form section. */
export interface Section {
  name: string;
  /** Lines starting with `-`, `*` or `1.` inside the section. */
  items: Item[];
  location: Location;
}

/** The parts a spell and an entity both have. */
export interface Clauses {
  contracts: Contract[];
  guarantees: Item[];
  assumptions: Item[];
  exclusions: Item[];
  dependencies: Dependency[];
  questions: Item[];
  obligations: Obligation[];
}

/** `@Name` and the glyph lines indented under it. */
export interface Entity extends Clauses {
  name: string;
  location: Location;
}

export interface Spell extends Clauses {
  name: string;
  /** Where the header is. */
  location: Location;
  /** Last line that belongs to the spell (inclusive). */
  endLine: number;
  /** Each `^` line is one intent; `lines` counts continuation lines. */
  intents: (Item & { lines: number })[];
  entities: Entity[];
  sections: Section[];
}

/** `info` findings never fail a check, not even under `--strict`. */
export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  rule: string;
  severity: Severity;
  message: string;
  location: Location;
  /** The spell the finding is about, when there is one. */
  spell?: string;
}

/** The result of parsing one file: its spells plus what the parser itself found. */
export interface ParsedFile {
  file: string;
  spells: Spell[];
  diagnostics: Diagnostic[];
}
