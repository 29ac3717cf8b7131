/** A scenario's page in its Chromium: served from localhost, driven through `window.conform`. */
import { servePage } from '../chromium.js';
import type { ScenarioContext } from '../types.js';

/** Calls `window.conform[name](...args)` in the page and returns its (serialisable) result. */
export type PageCall = <T>(name: string, ...args: unknown[]) => Promise<T>;

/**
 * Opens `html` in the scenario's browser and returns a caller for its `window.conform`
 * functions. The server, and the page's own `conform.close()`, are undone after the scenario.
 */
export async function openScenarioPage(ctx: ScenarioContext, html: string): Promise<PageCall> {
  const browser = await ctx.chromium();
  const server = await servePage(html);
  ctx.defer(() => server.close());
  const page = await browser.newPage();
  await page.goto(server.url);
  const call: PageCall = <T>(name: string, ...args: unknown[]) =>
    page.evaluate((fn: string, a: unknown[]) => (window as unknown as { conform: Record<string, (...x: unknown[]) => unknown> }).conform[fn]!(...a), name, args) as Promise<T>;
  ctx.defer(() => call('close').catch(() => undefined));
  return call;
}
