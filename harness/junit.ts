/** junit.xml: one <testsuite> per scenario, one <testcase> per check. */
import type { ConformanceReport } from './types.js';

/** Escapes text for XML character data and attribute values (XML 1.0 section 2.4). */
export function xmlEscape(text: string): string {
  return text
    // Characters XML 1.0 does not allow at all (section 2.2).
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function valueText(value: number | boolean | string, unit?: string): string {
  return `${String(value)}${unit ? ` ${unit}` : ''}`;
}

export function renderJunit(report: ConformanceReport): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = report.scenarios.reduce((n, s) => n + Math.max(1, s.checks.length), 0);
  const failures = report.scenarios.reduce((n, s) => n + s.checks.filter((c) => !c.pass).length, 0);
  const errors = report.scenarios.filter((s) => s.status === 'error').length;
  const time = report.scenarios.reduce((n, s) => n + s.elapsed, 0);
  lines.push(`<testsuites name="spell conform ${xmlEscape(report.runId)}" tests="${total}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">`);
  for (const s of report.scenarios) {
    const sFailures = s.checks.filter((c) => !c.pass).length;
    const sErrors = s.status === 'error' ? 1 : 0;
    const tests = s.checks.length + sErrors + (s.status === 'unsupported' ? 1 : 0);
    lines.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${tests}" failures="${sFailures}" errors="${sErrors}" time="${s.elapsed.toFixed(3)}" timestamp="${xmlEscape(report.startedAt.replace(/\.\d+Z$/, ''))}">`);
    for (const c of s.checks) {
      const open = `    <testcase classname="conformance.${xmlEscape(s.name)}" name="${xmlEscape(c.name)}" time="0">`;
      const measured = `measured ${valueText(c.value, c.unit)}, required ${c.threshold}${c.detail ? `: ${c.detail}` : ''}`;
      if (c.pass) lines.push(`${open}<system-out>${xmlEscape(measured)}</system-out></testcase>`);
      else lines.push(`${open}<failure message="${xmlEscape(measured)}" type="threshold">${xmlEscape(measured)}</failure></testcase>`);
    }
    if (s.status === 'unsupported') {
      const reason = s.notes.join('; ') || 'unsupported by the browser';
      lines.push(`    <testcase classname="conformance.${xmlEscape(s.name)}" name="supported by the browser" time="0"><skipped message="${xmlEscape(reason)}"/></testcase>`);
    }
    if (s.status === 'error') {
      const message = s.error ?? 'scenario failed';
      lines.push(`    <testcase classname="conformance.${xmlEscape(s.name)}" name="scenario ran to completion" time="${s.elapsed.toFixed(3)}"><error message="${xmlEscape(message)}" type="error">${xmlEscape(message)}</error></testcase>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
