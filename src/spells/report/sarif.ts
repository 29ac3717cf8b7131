/**
 * SARIF 2.1.0 (OASIS), the format GitHub code scanning accepts: one run, the rule table in
 * `tool.driver.rules`, results with repository-relative URIs under `%SRCROOT%`.
 */
import { pathToFileURL } from 'node:url';
import { RULES } from '../constants.js';
import type { CheckReport } from '../validator.js';
import { displayPath } from './paths.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
const DOCS = 'https://github.com/spellbook/spellbook/blob/main/docs/spell-language.md';

export function formatSarif(report: CheckReport, options: { quiet?: boolean; cwd?: string; toolVersion: string }): string {
  const cwd = options.cwd ?? process.cwd();
  const rules = Object.values(RULES);
  const ruleIndex = new Map<string, number>(rules.map((r, i) => [r.id, i]));
  const shown = options.quiet ? report.diagnostics.filter((d) => d.severity === 'error') : report.diagnostics;
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'spell',
            informationUri: DOCS,
            version: options.toolVersion,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/[/-](\w)/g, (_m, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.description },
              helpUri: `${DOCS}#${r.id.replace('/', '')}`,
              defaultConfiguration: { level: LEVEL[r.severity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd + '/').href } },
        results: shown.map((d) => ({
          ruleId: d.rule,
          ...(ruleIndex.has(d.rule) ? { ruleIndex: ruleIndex.get(d.rule) } : {}),
          level: LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(displayPath(d.location.file, cwd)), uriBaseId: '%SRCROOT%' },
                region: { startLine: d.location.line, startColumn: d.location.column },
              },
            },
          ],
          ...(d.spell ? { properties: { spell: d.spell } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
