/** Machine-readable JSON: summary, spells and findings, paths relative to the working folder. */
import type { CheckReport } from '../validator.js';
import { displayPath } from './paths.js';

export const JSON_FORMAT_VERSION = 1;

export function formatJson(report: CheckReport, options: { quiet?: boolean; cwd?: string; toolVersion: string }): string {
  const shown = options.quiet ? report.diagnostics.filter((d) => d.severity === 'error') : report.diagnostics;
  const out = {
    formatVersion: JSON_FORMAT_VERSION,
    tool: { name: 'spell', version: options.toolVersion },
    summary: { files: report.files.length, spells: report.spells.length, errors: report.errorCount, warnings: report.warningCount, infos: report.infoCount },
    manifest: report.manifest ? displayPath(report.manifest, options.cwd) : null,
    spells: report.spells.map((s) => ({ ...s, file: displayPath(s.file, options.cwd) })),
    diagnostics: shown.map((d) => ({
      file: displayPath(d.location.file, options.cwd), line: d.location.line, column: d.location.column,
      severity: d.severity, rule: d.rule, message: d.message, ...(d.spell ? { spell: d.spell } : {}),
    })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
