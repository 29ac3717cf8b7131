/**
 * Golden tests for the five report formats over one fixture with errors and warnings, and
 * validity checks: SARIF against the OASIS SARIF 2.1.0 schema, compact against VS Code's
 * `$eslint-compact` pattern, JUnit as well-formed XML. `UPDATE_GOLDEN=1` rewrites goldens.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport, REPORT_FORMATS } from './report/index.js';
import { Validator } from './validator.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, '__fixtures__', 'report');
const GOLDEN = join(import.meta.dirname, '__fixtures__', 'golden');
const report = new Validator({ paths: [FIXTURE], manifest: false }).run();
const render = (format: (typeof REPORT_FORMATS)[number], quiet = false) =>
  formatReport(report, format, { cwd: ROOT, toolVersion: '0.0.0-test', color: false, quiet }).split(ROOT).join('<root>');

describe('report formats', () => {
  it.each(REPORT_FORMATS.map((f) => ({ format: f })))('renders the $format format exactly as its golden file', ({ format }) => {
    const golden = join(GOLDEN, `report.${format}.txt`);
    const text = render(format);
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });

  it('produces SARIF that validates against the SARIF 2.1.0 schema', async () => {
    const require = createRequire(import.meta.url);
    const { default: AjvDraft04 } = (await import('ajv-draft-04')) as unknown as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } } };
    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    const log = JSON.parse(formatReport(report, 'sarif', { cwd: ROOT, toolVersion: '1.0.0' })) as { runs: { results: unknown[] }[] };
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results.length).toBe(report.diagnostics.length);
    // A broken log must not validate, or the check above proves nothing.
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it("writes compact lines that VS Code's $eslint-compact problem matcher parses", () => {
    const pattern = /^(.+):\sline\s(\d+),\scol\s(\d+),\s(Error|Warning|Info)\s-\s(.+)\s\((.+)\)$/;
    const lines = formatReport(report, 'compact', { cwd: ROOT }).split('\n').filter((l) => l.includes(': line '));
    expect(lines.length).toBe(report.diagnostics.length);
    for (const [i, line] of lines.entries()) {
      const m = pattern.exec(line);
      expect(m, line).not.toBeNull();
      const d = report.diagnostics[i];
      expect([m![1], Number(m![2]), Number(m![3]), m![6]]).toEqual([d.location.file, d.location.line, d.location.column, d.rule]);
    }
  });

  it('writes one JUnit testcase per spell, failing those with errors', () => {
    const xml = render('junit');
    expect(xml.match(/<testcase /g)?.length).toBe(3);
    expect(xml.match(/<failure /g)?.length).toBe(2);
    expect(xml).toContain('which transport: &lt;udp&gt; &amp; &quot;quic&quot;');
  });

  it('shows only errors with --quiet', () => {
    const text = render('human', true);
    expect(text).not.toContain('warning  ');
    expect(text).toContain('error  ');
  });
});
