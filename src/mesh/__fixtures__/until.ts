/** Polls `cond` every 25 ms; rejects after `timeoutMs` naming what it waited for (computed at the time). */
export function until(cond: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (cond()) return resolve();
      if (Date.now() > end) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      setTimeout(check, 25);
    };
    check();
  });
}
