import type { CheckReport } from '../validator.js';
import { formatCompact } from './compact.js';
import { formatHuman } from './human.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';

export const REPORT_FORMATS = ['human', 'compact', 'json', 'sarif', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface FormatOptions {
  color?: boolean;
  quiet?: boolean;
  cwd?: string;
  toolVersion?: string;
}

export function formatReport(report: CheckReport, format: ReportFormat, options: FormatOptions = {}): string {
  const toolVersion = options.toolVersion ?? '0.0.0';
  switch (format) {
    case 'human': return formatHuman(report, { color: options.color ?? false, quiet: options.quiet, cwd: options.cwd });
    case 'compact': return formatCompact(report, options);
    case 'json': return formatJson(report, { ...options, toolVersion });
    case 'sarif': return formatSarif(report, { ...options, toolVersion });
    case 'junit': return formatJunit(report, options);
  }
}
