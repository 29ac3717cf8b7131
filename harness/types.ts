/**
 * The scenario interface and the report model of the conformance harness.
 */
import type { ChromiumSession } from './chromium.js';
import type { CpuLoadRecord } from './cpu-load.js';

/** One verdict of a scenario: a measured value against its threshold. */
export interface Check {
  name: string;
  /** What was measured (a number, or a boolean / text for yes-no and exact checks). */
  value: number | boolean | string;
  unit?: string;
  /** The requirement in words, e.g. ">= 5" or "== true". */
  threshold: string;
  pass: boolean;
  /** Extra context shown in the reports (e.g. why it failed). */
  detail?: string;
}

/** One point of a time series: seconds since the scenario started. */
export interface Sample {
  t: number;
  metric: string;
  value: number;
}

/** A recorded time series and how to label it. */
export interface SeriesInfo {
  metric: string;
  unit: string;
  label: string;
}

/** What a scenario's `run` may use. */
export interface ScenarioContext {
  /** Seconds the scenario should take (its default, the config's, or --duration). */
  readonly duration: number;
  /** Thresholds after applying the config over the scenario's defaults. */
  readonly thresholds: Readonly<Record<string, number>>;
  /** Starts (once) and returns the scenario's headless Chromium; the runner closes it. */
  chromium(): Promise<ChromiumSession>;
  /** Live figures for the progress display, e.g. `{ 'MB/s': '41.2' }`, and the current phase. */
  progress(phase: string, figures?: Record<string, string>): void;
  /** Declares a series (unit and label for the charts); optional before `sample`. */
  series(metric: string, unit: string, label?: string): void;
  /** Records one value of a series at the current time. */
  sample(metric: string, value: number): void;
  /** Adds a line to the scenario's notes in the reports. */
  note(text: string): void;
  /** Seconds since the scenario started. */
  elapsed(): number;
  /** Registers a cleanup run after the scenario, even when it throws (last first). */
  defer(fn: () => unknown): void;
  /** A file for the run's report folder, written as `<run folder>/<scenario>/<name>` with the reports. */
  artifact?(name: string, text: string): void;
}

export interface ScenarioDefaults {
  /** Seconds. */
  duration: number;
  thresholds: Record<string, number>;
}

export interface Scenario {
  name: string;
  description: string;
  defaults: ScenarioDefaults;
  /** What each threshold means, for docs and --list. */
  thresholdDocs: Record<string, string>;
  run(ctx: ScenarioContext): Promise<Check[]>;
  /**
   * What the browser must support for the scenario to run; the runner reads it from the
   * browser (`h264`: an H.264 entry in RTCRtpReceiver.getCapabilities('video')) and reports
   * the scenario `unsupported` with the reason when it is missing.
   */
  requires?: readonly BrowserFeature[];
}

export type BrowserFeature = 'h264';
export type BrowserName = 'chromium' | 'firefox';

/** `unsupported`: not run, because the browser lacks what the scenario requires (the note says what). */
export type ScenarioStatus = 'pass' | 'fail' | 'error' | 'unsupported';

export interface ScenarioReport {
  name: string;
  description: string;
  status: ScenarioStatus;
  /** Configured duration, seconds. */
  duration: number;
  /** Wall time the scenario took, seconds. */
  elapsed: number;
  thresholds: Record<string, number>;
  checks: Check[];
  series: SeriesInfo[];
  samples: Sample[];
  notes: string[];
  error?: string;
}

export interface ConformanceReport {
  schemaVersion: 1;
  runId: string;
  startedAt: string;
  finishedAt: string;
  passed: boolean;
  environment: {
    node: string;
    platform: string;
    arch: string;
    /** Version and path of the browser the scenarios ran in (Chromium's, or Firefox's with --browser firefox). */
    chromium: string | null;
    chromiumPath: string | null;
    browser?: BrowserName;
    /** Busy processes that ran beside the scenarios (`--cpu-load`), and the CPU they got. */
    cpuLoad?: CpuLoadRecord;
  };
  config: string | null;
  scenarios: ScenarioReport[];
}
