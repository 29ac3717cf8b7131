/** Thresholds, defaults and user-facing messages of the conformance harness. */

/** Default output folder; a run writes `<out>/<run-id>/`. */
export const DEFAULT_REPORTS_DIR = 'reports';

/** Non-TTY progress: one plain line at most this often. */
export const PLAIN_PROGRESS_INTERVAL_MS = 1000;
/** TTY progress: the updating line is redrawn at most this often. */
export const TTY_PROGRESS_INTERVAL_MS = 100;

/** Chart geometry of report.html (SVG user units). */
export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 180;

/** Longest time to wait for an ICE/DTLS connection with Chromium. */
export const CONNECT_TIMEOUT_MS = 15_000;

export const MESSAGES = {
  chromiumNotFound: (tried: string[]) =>
    `no Chromium found (tried ${tried.join(', ')}); install one with 'apt-get install -y chromium' ` +
    `(Debian, Ubuntu), or download Chrome for Testing with 'npx @puppeteer/browsers install chrome@stable' ` +
    `and set SPELL_CHROMIUM to the executable it prints`,
  unknownScenario: (name: string, known: string[]) => `unknown scenario '${name}'; available: ${known.join(', ')}`,
  reportInvalid: (errors: string) => `internal error: the report does not match conformance-report.schema.json: ${errors}`,
};
