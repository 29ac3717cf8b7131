/**
 * Fuzz targets for the source readers: the tokenizer and the module and test-title scanners
 * must never throw on any text; the vitest report parser may throw only `VitestResultsError`.
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
