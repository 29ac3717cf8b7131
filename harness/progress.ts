/**
 * The live progress display: on a TTY one line redrawn in place (scenario, elapsed/duration,
 * phase, key figures); elsewhere plain lines, at most one per second, so logs stay readable.
 */
import { PLAIN_PROGRESS_INTERVAL_MS, TTY_PROGRESS_INTERVAL_MS } from './constants.js';

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width, for truncating the TTY line. */
  columns?: number;
}

export class ProgressDisplay {
  private last = 0;
  private drawn = false;

  constructor(private readonly output: ProgressOutput, private readonly now: () => number = Date.now) {}

  /** The line shown for one progress report. */
  static format(scenario: string, elapsed: number, duration: number, phase: string, figures: Record<string, string>): string {
    const figs = Object.entries(figures).map(([k, v]) => `${k} ${v}`).join('  ');
    return `${scenario}  ${elapsed.toFixed(1)}/${duration}s  ${phase}${figs ? `  ${figs}` : ''}`;
  }

  update(scenario: string, elapsed: number, duration: number, phase: string, figures: Record<string, string> = {}, force = false): void {
    const t = this.now();
    const interval = this.output.isTTY ? TTY_PROGRESS_INTERVAL_MS : PLAIN_PROGRESS_INTERVAL_MS;
    if (!force && t - this.last < interval) return;
    this.last = t;
    const line = ProgressDisplay.format(scenario, elapsed, duration, phase, figures);
    if (this.output.isTTY) {
      // A pseudo-terminal may report 0 columns: treat as unknown.
      const width = Math.max(40, (this.output.columns || 100) - 1);
      this.output.write(`\r\x1b[2K${line.length > width ? line.slice(0, width - 1) + '…' : line}`);
      this.drawn = true;
    } else {
      this.output.write(`  ${line}\n`);
    }
  }

  /** Clears the updating line (TTY) and prints a final line. */
  done(line: string): void {
    if (this.output.isTTY && this.drawn) this.output.write('\r\x1b[2K');
    this.drawn = false;
    this.last = 0;
    this.output.write(`${line}\n`);
  }
}
