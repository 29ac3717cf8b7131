/**
 * Fuzz targets for the source readers: the tokenizer and the module and test-title scanners
 * must never throw on any text; the vitest report parser may throw only `VitestResultsError`.
 * The import reader (the references `scanModule` records, which the drift rules follow) has
 * its own target with import-heavy seeds and checks what it returns, not only that it returns.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FuzzTarget } from '../../../fuzz/engine.js';
import { scanModule } from './module-scan.js';
import { readTestTitlesFromSource } from './tests.js';
import { VitestResultsError, parseVitestResults } from './vitest-results.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const decoder = new TextDecoder();
const seed = (path: string): Uint8Array => new Uint8Array(readFileSync(resolve(fixtures, path)));

/**
 * Cases take about 0.1 ms; the generous limit only keeps scheduling stalls on a shared,
 * loaded machine from reading as hangs (a quadratic scan of a 6 KB input would still trip it).
 */
const maxCaseMs = 1000;

/** Every way a file names another module, for the import reader's target. */
const importSeeds: Uint8Array[] = [
  [
    "import { a, type B } from './a.js';",
    "import type { C } from '../c/index.js';",
    "import D, * as E from 'pkg';",
    "import './side.js';",
    "export * from './star.js';",
    "export type * as T from './types.js';",
    "export { f as g, type H } from './f.js';",
    "import x = require('./req.js');",
    "const lazy = await import('./lazy.js');",
    "type P = import('./typed.js').Peer;",
    "import(`./tpl.js`).then(() => {});",
    "const s = \"import { no } from './string.js'\"; // import './comment.js';",
  ].join('\n'),
  "import {\n  type A,\n  b,\n} from '../multi/line.js';\nexport {} from './empty.js';\n",
].map((text) => new TextEncoder().encode(text));

class ImportReaderBroke extends Error {}

/** Invariants of the recorded references: located inside the text, with a kind and a specifier. */
function checkReferences(text: string): void {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  for (const r of scanModule(text).references) {
    if (typeof r.specifier !== 'string' || typeof r.typeOnly !== 'boolean') throw new ImportReaderBroke(`bad reference ${JSON.stringify(r)}`);
    if (!(r.at.line >= 1 && r.at.line <= lines && r.at.column >= 1)) throw new ImportReaderBroke(`reference outside the text: ${JSON.stringify(r.at)} of ${lines} lines`);
  }
}

const sourceSeeds: Uint8Array[] = [seed('proj/src/index.ts'), seed('proj/src/parser.ts'), seed('test-titles/edge.spec.ts'), seed('vitest-project/sample.spec.ts')];

export const targets: FuzzTarget[] = [
  {
    name: 'spells.code.scanModule',
    seeds: sourceSeeds,
    run: (input) => scanModule(decoder.decode(input)),
    isExpectedError: () => false,
    maxCaseMs,
  },
  {
    name: 'spells.code.imports',
    seeds: [...importSeeds, ...sourceSeeds],
    run: (input) => checkReferences(decoder.decode(input)),
    isExpectedError: () => false,
    maxCaseMs,
  },
  {
    name: 'spells.code.readTestTitles',
    seeds: sourceSeeds,
    run: (input) => readTestTitlesFromSource(decoder.decode(input), 'fuzz.spec.ts'),
    isExpectedError: () => false,
    maxCaseMs,
  },
  {
    name: 'spells.code.parseVitestResults',
    seeds: [
      new TextEncoder().encode(
        JSON.stringify({
          testResults: [{ name: '/a.test.ts', assertionResults: [{ ancestorTitles: ['s'], title: 't', fullName: 's t', status: 'passed' }] }],
        }),
      ),
    ],
    run: (input) => parseVitestResults(decoder.decode(input), 'fuzz.json'),
    isExpectedError: (error) => error instanceof VitestResultsError,
    maxCaseMs,
  },
];
