/**
 * Parser for the YAML form (`*.spell.yaml`): a document is one spell in the shape of
 * `schemas/spell.schema.json`, or `{ spells: [...] }`; a file may hold several documents.
 * Editors can validate as you type with `# yaml-language-server: $schema=<path>/spell.schema.json`.
 */
import type { Document, Node } from 'yaml';
import { RULES } from './constants.js';
import type { SpellDocument } from './document.js';
import type { Clauses, Diagnostic, Location, ParsedFile, Spell } from './model.js';
import { describeAjvError, validateSpellObject } from './schema.js';
import { yaml } from './yaml.js';

type Path = (string | number)[];

function nodeAt(doc: Document, path: Path): Node | undefined {
  for (let p = path.slice(); ; p = p.slice(0, -1)) {
    const node = (p.length ? doc.getIn(p, true) : doc.contents) as Node | undefined;
    if (node && typeof node === 'object' && 'range' in node) return node;
    if (!p.length) return undefined;
  }
}

export function parseSpellYaml(file: string, text: string): ParsedFile {
  const { LineCounter, parseAllDocuments, isMap, isSeq } = yaml();
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const spells: Spell[] = [];
  const locationOf = (offset: number): Location => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };

  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  for (const doc of Array.isArray(documents) ? documents : [documents]) {
    if (doc.errors.length) {
      for (const error of doc.errors) {
        diagnostics.push({ rule: RULES.fileYaml.id, severity: RULES.fileYaml.severity, message: `YAML: ${error.message.split('\n')[0]}`, location: locationOf(error.pos[0]) });
      }
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (error) {
      // Unresolved or excessive aliases are only found while resolving.
      const message = error instanceof Error ? error.message : String(error);
      diagnostics.push({ rule: RULES.fileYaml.id, severity: RULES.fileYaml.severity, message: `YAML: ${message.split('\n')[0]}`, location: locationOf(doc.contents?.range?.[0] ?? 0) });
      continue;
    }
    if (value === null || value === undefined) continue;
    const isList = isMap(doc.contents) && doc.has('spells') && isSeq(doc.get('spells', true));
    const entries: { value: unknown; path: Path }[] = isList
      ? ((value as { spells: unknown[] }).spells).map((v, i) => ({ value: v, path: ['spells', i] }))
      : [{ value, path: [] }];
    for (const entry of entries) {
      const at = (sub: Path = []): Location => {
        const node = nodeAt(doc, [...entry.path, ...sub]);
        return locationOf(node?.range?.[0] ?? 0);
      };
      const errors = validateSpellObject(entry.value);
      if (errors.length) {
        for (const error of errors) {
          const sub = error.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
          diagnostics.push({ rule: RULES.schemaInvalid.id, severity: RULES.schemaInvalid.severity, message: `spell does not fit the schema: ${describeAjvError(error)}`, location: at(sub) });
        }
        continue;
      }
      spells.push(toSpell(entry.value as SpellDocument, at));
    }
  }
  return { file, spells, diagnostics };
}

function toClauses(source: Omit<SpellDocument, 'spell'>, at: (sub: Path) => Location, base: Path): Clauses {
  const texts = (key: 'guarantees' | 'assumptions' | 'exclusions' | 'questions') =>
    (source[key] ?? []).map((text, i) => ({ text, location: at([...base, key, i]) }));
  return {
    contracts: (source.contracts ?? []).map((c, i) => ({ ...c, location: at([...base, 'contracts', i]) })),
    guarantees: texts('guarantees'),
    assumptions: texts('assumptions'),
    exclusions: texts('exclusions'),
    questions: texts('questions'),
    dependencies: (source.dependencies ?? []).map((d, i) => ({
      target: d.replace(/^[@#]/, ''),
      kind: d.startsWith('@') ? ('entity' as const) : ('spell' as const),
      location: at([...base, 'dependencies', i]),
    })),
    obligations: (source.obligations ?? []).map((o, i) => {
      const location = at([...base, 'obligations', i]);
      if ('prove' in o) return { kind: 'prove' as const, text: o.prove, test: o.test, location };
      if ('require' in o) return { kind: 'require' as const, text: o.require, location };
      return { kind: 'forbid' as const, text: o.forbid, location };
    }),
  };
}

function toSpell(source: SpellDocument, at: (sub?: Path) => Location): Spell {
  const intents = source.intent === undefined ? [] : Array.isArray(source.intent) ? source.intent : [source.intent];
  return {
    name: source.spell,
    location: at(['spell']),
    endLine: at([]).line,
    intents: intents.map((text, i) => ({
      text: text.trim().replace(/\s*\n\s*/g, ' '),
      lines: text.trim().split('\n').length,
      location: at(Array.isArray(source.intent) ? ['intent', i] : ['intent']),
    })),
    entities: (source.entities ?? []).map((e, i) => ({ name: e.name, location: at(['entities', i]), ...toClauses(e, at, ['entities', i]) })),
    sections: Object.entries(source.sections ?? {}).map(([name, items]) => ({
      name,
      location: at(['sections', name]),
      items: items.map((text, i) => ({ text, location: at(['sections', name, i]) })),
    })),
    ...toClauses(source, at, []),
  };
}
