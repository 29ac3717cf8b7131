/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, no fonts, nothing
 * fetched). Per scenario: status, a table of checks, and one line chart per recorded series.
 */
import { CHART_HEIGHT, CHART_WIDTH } from './constants.js';
import type { ConformanceReport, Sample, ScenarioReport, SeriesInfo } from './types.js';

/**
 * Escapes text for HTML. "://" is written with an entity as well, so that no text taken
 * from a scenario (an error message quoting a page address, say) reads as a URL a browser
 * or a link checker would follow: the page holds no http(s) address at all.
 */
export function htmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/:\/\//g, '&#58;//');
}

/** A compact label for an axis value. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

const MARGIN = { left: 56, right: 12, top: 24, bottom: 28 };

/**
 * The opening of an inline SVG chart: the element with its accessible title, the title drawn at
 * `titleY`, and grid lines with y labels at 0, 1/2 and 1 of `yMin..yMax` (`y` maps a value to
 * its pixel row). Shared by the report's line charts and the benchmarks' bar charts.
 */
export function svgChartFrame(o: { cls: string; title: string; width: number; height: number; left: number; right: number; titleY: number; yMin: number; yMax: number; y: (v: number) => number }): string[] {
  const parts = [
    `<svg class="${o.cls}" role="img" aria-label="${htmlEscape(o.title)}" viewBox="0 0 ${o.width} ${o.height}" width="${o.width}" height="${o.height}">`,
    `<title>${htmlEscape(o.title)}</title>`,
    `<text x="${o.left}" y="${o.titleY}" class="ct">${htmlEscape(o.title)}</text>`,
  ];
  for (const f of [0, 0.5, 1]) {
    const v = o.yMin + f * (o.yMax - o.yMin);
    const yy = o.y(v).toFixed(1);
    parts.push(`<line x1="${o.left}" x2="${o.width - o.right}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(`<text x="${o.left - 6}" y="${yy}" class="yl">${formatNumber(v)}</text>`);
  }
  return parts;
}

/** An SVG line chart of one series; points in time order. */
export function renderChart(info: SeriesInfo, points: readonly Sample[]): string {
  const w = CHART_WIDTH;
  const h = CHART_HEIGHT;
  const pw = w - MARGIN.left - MARGIN.right;
  const ph = h - MARGIN.top - MARGIN.bottom;
  const ts = points.map((p) => p.t);
  const vs = points.map((p) => p.value);
  const tMax = Math.max(1e-9, ...ts);
  let vMin = Math.min(0, ...vs);
  let vMax = Math.max(...vs);
  if (!(vMax > vMin)) vMax = vMin + 1;
  vMax += (vMax - vMin) * 0.05;
  const x = (t: number) => MARGIN.left + (t / tMax) * pw;
  const y = (v: number) => MARGIN.top + ph - ((v - vMin) / (vMax - vMin)) * ph;
  const title = `${info.label}${info.unit ? ` (${info.unit})` : ''}`;
  const parts = svgChartFrame({ cls: 'chart', title, width: w, height: h, left: MARGIN.left, right: MARGIN.right, titleY: 15, yMin: vMin, yMax: vMax, y });
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + ph}" class="axis"/>`);
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    const t = f * tMax;
    parts.push(`<text x="${x(t).toFixed(1)}" y="${h - 8}" class="xl">${formatNumber(t)} s</text>`);
  }
  if (points.length === 1) {
    const p = points[0]!;
    parts.push(`<circle cx="${x(p.t).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" class="pt"/>`);
  } else if (points.length > 1) {
    const d = points.map((p) => `${x(p.t).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${d}" class="line"/>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function valueText(value: number | boolean | string, unit?: string): string {
  return `${String(value)}${unit ? ` ${unit}` : ''}`;
}

/** Series in declaration order, plus any sampled without a declaration. */
export function seriesOf(s: ScenarioReport): { info: SeriesInfo; points: Sample[] }[] {
  const infos = new Map(s.series.map((i) => [i.metric, i]));
  for (const p of s.samples) if (!infos.has(p.metric)) infos.set(p.metric, { metric: p.metric, unit: '', label: p.metric });
  return [...infos.values()]
    .map((info) => ({ info, points: s.samples.filter((p) => p.metric === info.metric).sort((a, b) => a.t - b.t) }))
    .filter((x) => x.points.length > 0);
}

function scenarioSection(s: ScenarioReport): string {
  const rows = s.checks
    .map((c) => `<tr class="${c.pass ? 'pass' : 'fail'}"><td>${c.pass ? 'PASS' : 'FAIL'}</td><td>${htmlEscape(c.name)}</td><td>${htmlEscape(valueText(c.value, c.unit))}</td><td>${htmlEscape(c.threshold)}</td><td>${htmlEscape(c.detail ?? '')}</td></tr>`)
    .join('\n');
  const charts = seriesOf(s).map(({ info, points }) => renderChart(info, points)).join('\n');
  const thresholds = Object.entries(s.thresholds).map(([k, v]) => `${htmlEscape(k)} = ${v}`).join(', ');
  return `<section>
<h2><span class="badge ${s.status}">${s.status.toUpperCase()}</span> ${htmlEscape(s.name)}</h2>
<p>${htmlEscape(s.description)}</p>
<p class="meta">duration ${s.duration} s, took ${s.elapsed.toFixed(1)} s; thresholds: ${thresholds || 'none'}</p>
${s.error ? `<pre class="error">${htmlEscape(s.error)}</pre>` : ''}
<table><thead><tr><th></th><th>check</th><th>measured</th><th>required</th><th>detail</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${s.notes.length ? `<ul class="notes">${s.notes.map((n) => `<li>${htmlEscape(n)}</li>`).join('')}</ul>` : ''}
<div class="charts">
${charts}
</div>
</section>`;
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:72em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
tr.pass td:first-child{color:#176f2c;font-weight:bold}tr.fail td:first-child{color:#b00020;font-weight:bold}
.badge{padding:.1em .5em;border-radius:.3em;color:#fff;font-size:.85em}.badge.pass{background:#176f2c}.badge.fail,.badge.error{background:#b00020}.badge.unsupported{background:#666}
.meta,.env{color:#555}.error{background:#fdecee;padding:.6em;white-space:pre-wrap}
.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{border:1px solid #ddd;background:#fff}
.chart .grid{stroke:#eee}.chart .axis{stroke:#999}.chart .line{fill:none;stroke:#1f5fbf;stroke-width:1.5}.chart .pt{fill:#1f5fbf}
.chart text{font-size:11px;fill:#555}.chart .ct{font-weight:bold;fill:#222}.chart .yl{text-anchor:end;dominant-baseline:middle}.chart .xl{text-anchor:middle}`;

export function renderHtml(report: ConformanceReport): string {
  const env = report.environment;
  const summary = report.scenarios
    .map((s) => `<tr class="${s.status === 'pass' ? 'pass' : s.status === 'unsupported' ? 'unsupported' : 'fail'}"><td>${s.status.toUpperCase()}</td><td>${htmlEscape(s.name)}</td><td>${s.checks.filter((c) => c.pass).length}/${s.checks.length}</td><td>${s.elapsed.toFixed(1)} s</td></tr>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spell conform ${htmlEscape(report.runId)}: ${report.passed ? 'PASS' : 'FAIL'}</title>
<style>${STYLE}</style></head>
<body>
<h1>spell conform: <span class="badge ${report.passed ? 'pass' : 'fail'}">${report.passed ? 'PASS' : 'FAIL'}</span> run ${htmlEscape(report.runId)}</h1>
<p class="env">${htmlEscape(report.startedAt)} to ${htmlEscape(report.finishedAt)}; Node ${htmlEscape(env.node)} on ${htmlEscape(env.platform)}/${htmlEscape(env.arch)}; browser ${htmlEscape(env.chromium ?? 'none')}${report.config ? `; config ${htmlEscape(report.config)}` : ''}${env.cpuLoad ? `; background load: ${env.cpuLoad.processes} busy process${env.cpuLoad.processes > 1 ? 'es' : ''} (${env.cpuLoad.cpuSeconds ?? '?'} CPU s in ${env.cpuLoad.wallSeconds} s)` : ''}</p>
<table><thead><tr><th></th><th>scenario</th><th>checks passed</th><th>time</th></tr></thead>
<tbody>
${summary}
</tbody></table>
${report.scenarios.map(scenarioSection).join('\n')}
</body></html>
`;
}
