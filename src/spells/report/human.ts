/** The default, human format: `path:line:col  severity  message  rule`, colored, then a summary. */
import { Chalk } from 'chalk';
import type { CheckReport } from '../validator.js';
import { displayPath } from './paths.js';

export interface HumanOptions {
  color: boolean;
  quiet?: boolean;
  cwd?: string;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatHuman(report: CheckReport, options: HumanOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const shown = options.quiet ? report.diagnostics.filter((d) => d.severity === 'error') : report.diagnostics;
  const lines = shown.map((d) => {
    const where = `${displayPath(d.location.file, options.cwd)}:${d.location.line}:${d.location.column}`;
    const severity = d.severity === 'error' ? c.red('error  ') : d.severity === 'warning' ? c.yellow('warning') : c.cyan('info   ');
    return `${c.bold(where)}  ${severity}  ${d.message}  ${c.dim(d.rule)}`;
  });
  const scope = `${plural(report.spells.length, 'spell')} in ${plural(report.files.length, 'file')}`;
  const infos = report.infoCount ? `, ${plural(report.infoCount, 'note')}` : '';
  if (report.errorCount === 0 && report.warningCount === 0) {
    if (shown.length) lines.push('');
    lines.push(c.green(`✔ ${scope}: no problems${infos}`));
  } else {
    const mark = report.errorCount ? c.red('✖') : c.yellow('⚠');
    lines.push('', `${mark} ${plural(report.errorCount, 'error')}, ${plural(report.warningCount, 'warning')}${infos} (${scope})`);
  }
  return lines.join('\n') + '\n';
}
