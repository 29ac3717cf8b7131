/**
 * ESLint's compact format, one line per finding, which VS Code's built-in
 * `$eslint-compact` problem matcher parses:
 * `/abs/path: line 3, col 1, Error - message (rule)`.
 * The matcher resolves files as absolute paths, so paths are absolute here.
 */
import type { CheckReport } from '../validator.js';
import { absolutePath } from './paths.js';

export function formatCompact(report: CheckReport, options: { quiet?: boolean; cwd?: string } = {}): string {
  const shown = options.quiet ? report.diagnostics.filter((d) => d.severity === 'error') : report.diagnostics;
  const lines = shown.map((d) => {
    const severity = d.severity === 'error' ? 'Error' : d.severity === 'warning' ? 'Warning' : 'Info';
    const message = d.message.replace(/\s+/g, ' ');
    return `${absolutePath(d.location.file, options.cwd)}: line ${d.location.line}, col ${d.location.column}, ${severity} - ${message} (${d.rule})`;
  });
  if (shown.length) lines.push('', `${shown.length} problem${shown.length === 1 ? '' : 's'}`);
  return lines.join('\n') + '\n';
}
