import { describe, expect, it } from 'vitest';
import { percentile } from './checks.js';
import { ProgressDisplay } from './progress.js';
import { formatNumber, htmlEscape, renderChart } from './report-html.js';
import { xmlEscape } from './junit.js';

describe('report pieces', () => {
  it('draws a chart as one inline SVG polyline through every sample, scaled into the plot', () => {
    const svg = renderChart({ metric: 'fps', unit: 'frames/s', label: 'Frames' }, [
      { t: 0, metric: 'fps', value: 10 },
      { t: 1, metric: 'fps', value: 30 },
      { t: 2, metric: 'fps', value: 20 },
    ]);
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg).not.toContain('xmlns');
    const points = /points="([^"]+)"/.exec(svg)![1]!.split(' ').map((p) => p.split(',').map(Number));
    expect(points).toHaveLength(3);
    expect(points[0]![0]).toBeLessThan(points[1]![0]!);
    // Higher values sit higher (smaller y); zero is the baseline.
    expect(points[1]![1]).toBeLessThan(points[2]![1]!);
    expect(points[2]![1]).toBeLessThan(points[0]![1]!);
    expect(svg).toContain('Frames (frames/s)');
  });

  it('escapes markup and defuses URLs in HTML, and escapes XML text and attributes', () => {
    expect(htmlEscape('<a href="https://x">&</a>')).toBe('&lt;a href=&quot;https&#58;//x&quot;&gt;&amp;&lt;/a&gt;');
    expect(xmlEscape(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(0.00123)).toBe('0.0012');
  });

  it('computes nearest-rank percentiles', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 95)).toBe(10);
    expect(percentile(v, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('redraws one line in place on a TTY and prints throttled plain lines otherwise', () => {
    let now = 0;
    const tty: string[] = [];
    const a = new ProgressDisplay({ write: (t) => void tty.push(t), isTTY: true, columns: 80 }, () => now);
    a.update('reverse', 1.25, 10, 'receiving', { fps: '20.0' }, true);
    now += 150;
    a.update('reverse', 1.4, 10, 'receiving', { fps: '19.9' });
    a.done('PASS  reverse (10.2 s)');
    expect(tty).toEqual(['\r\x1b[2Kreverse  1.3/10s  receiving  fps 20.0', '\r\x1b[2Kreverse  1.4/10s  receiving  fps 19.9', '\r\x1b[2K', 'PASS  reverse (10.2 s)\n']);
    const narrow: string[] = [];
    new ProgressDisplay({ write: (t) => void narrow.push(t), isTTY: true, columns: 0 }).update('datachannel', 2, 10, 'throughput', { 'MB/s': '20.1', sent: '41 MB' }, true);
    expect(narrow).toEqual(['\r\x1b[2Kdatachannel  2.0/10s  throughput  MB/s 20.1  sent 41 MB']);
    const plain: string[] = [];
    now = 0;
    const b = new ProgressDisplay({ write: (t) => void plain.push(t), isTTY: false }, () => now);
    b.update('datachannel', 0, 10, 'starting', {}, true);
    now += 500;
    b.update('datachannel', 0.5, 10, 'text echo');
    now += 600;
    b.update('datachannel', 1.1, 10, 'throughput', { 'MB/s': '20.1' });
    expect(plain).toEqual(['  datachannel  0.0/10s  starting\n', '  datachannel  1.1/10s  throughput  MB/s 20.1\n']);
  });
});
