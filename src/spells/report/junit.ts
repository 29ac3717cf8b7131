/**
 * JUnit XML for CI test reporters: one testsuite per file, one testcase per spell; a spell
 * with error findings fails, warnings go to system-out. File-level findings that belong to
 * no spell get a testcase named after the file.
 */
import type { Diagnostic } from '../model.js';
import type { CheckReport } from '../validator.js';
import { displayPath } from './paths.js';

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!)
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function formatJunit(report: CheckReport, options: { cwd?: string } = {}): string {
  const byFile = new Map<string, { spells: { name: string; line: number }[]; diagnostics: Diagnostic[] }>();
  const bucket = (file: string) => {
    let b = byFile.get(file);
    if (!b) byFile.set(file, (b = { spells: [], diagnostics: [] }));
    return b;
  };
  for (const file of report.files) bucket(file);
  for (const spell of report.spells) bucket(spell.file).spells.push({ name: spell.name, line: spell.line });
  for (const d of report.diagnostics) bucket(d.location.file).diagnostics.push(d);

  const line = (d: Diagnostic) => `${displayPath(d.location.file, options.cwd)}:${d.location.line}:${d.location.column} ${d.rule} ${d.message}`;
  const suites: string[] = [];
  let totalTests = 0;
  let totalFailures = 0;
  for (const [file, b] of [...byFile].sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))) {
    const shown = displayPath(file, options.cwd);
    const cases: { name: string; line: number; diagnostics: Diagnostic[] }[] = b.spells.map((s) => ({ ...s, diagnostics: b.diagnostics.filter((d) => d.spell === s.name) }));
    const loose = b.diagnostics.filter((d) => !d.spell || !b.spells.some((s) => s.name === d.spell));
    if (loose.length || cases.length === 0) cases.push({ name: shown, line: 1, diagnostics: loose });
    let failures = 0;
    const body = cases.map((tc) => {
      const errors = tc.diagnostics.filter((d) => d.severity === 'error');
      const warnings = tc.diagnostics.filter((d) => d.severity !== 'error');
      if (errors.length) failures++;
      const parts = [`    <testcase classname="${xml(shown)}" name="${xml(tc.name)}" file="${xml(shown)}" line="${tc.line}">`];
      if (errors.length) parts.push(`      <failure message="${xml(errors[0].message)}" type="${xml(errors[0].rule)}">${xml(errors.map(line).join('\n'))}</failure>`);
      if (warnings.length) parts.push(`      <system-out>${xml(warnings.map(line).join('\n'))}</system-out>`);
      parts.push('    </testcase>');
      return parts.join('\n');
    });
    totalTests += cases.length;
    totalFailures += failures;
    suites.push(`  <testsuite name="${xml(shown)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">\n${body.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="spell check" tests="${totalTests}" failures="${totalFailures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`;
}
