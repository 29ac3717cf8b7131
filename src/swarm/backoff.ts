/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a delay drawn uniformly from [0, min(max, initial * 2^attempt)]. */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
}

export function fullJitterDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
