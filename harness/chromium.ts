/**
 * The conformance harness's browser launcher and page server.
 *
 * `findChromium()` takes the browser named by `SPELL_CHROMIUM` when set, else the system's
 * Chromium or Chrome (`/usr/bin/chromium` and the other usual absolute paths, then
 * `chromium`, `chromium-browser`, `google-chrome` on PATH), else throws
 * `ChromiumNotFoundError` naming the install command. We drive it with puppeteer-core, which
 * downloads nothing at install time: a user who imports `spellbook/sdp` never gets a browser. `launchChromium()` starts it headless
 * with the flags WebRTC conformance needs and a fresh profile that `close()` removes.
 * `servePage()` serves one HTML page on http://localhost (a secure context, which
 * getUserMedia and WebCodecs require).
 */
import { accessSync, constants as fsConstants, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { MESSAGES } from './constants.js';

/** Flags for every conformance browser (see docs/conformance.md for why each is there). */
export const CONFORMANCE_CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Real host candidates instead of mDNS `.local` names libjuice cannot resolve.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

/** Environment variable naming a Chromium or Chrome executable; tried first when set. */
export const CHROMIUM_ENV = 'SPELL_CHROMIUM';
/** Absolute locations tried after `SPELL_CHROMIUM` (Debian, Ubuntu's snap, Chrome on Linux and macOS). */
export const SYSTEM_CHROMIUM_PATHS: readonly string[] = [
  '/usr/bin/chromium',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];
/** Executable names looked up on PATH last. */
export const SYSTEM_CHROMIUM_NAMES: readonly string[] = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** No usable Chromium: the message names how to install one. */
export class ChromiumNotFoundError extends Error {
  override readonly name = 'ChromiumNotFoundError';
  readonly code = 'chromium-not-found';
  constructor(readonly tried: string[]) {
    super(MESSAGES.chromiumNotFound(tried));
  }
}

export interface ChromiumLocation {
  path: string;
  /** `env`: named by SPELL_CHROMIUM; `system`: found in a usual place. */
  source: 'env' | 'system';
}

/** True when `path` is a file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where to look; the defaults are the real places (tests narrow them). */
export interface ChromiumSearch {
  /** Environment whose SPELL_CHROMIUM and PATH are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Absolute paths tried before PATH (default SYSTEM_CHROMIUM_PATHS). */
  systemPaths?: readonly string[];
}

/** Where Chromium is, in the order described in the module comment. */
export function findChromium(search: ChromiumSearch = {}): ChromiumLocation {
  const tried: string[] = [];
  const env = search.env ?? process.env;
  const named = env[CHROMIUM_ENV];
  if (named) {
    // An explicit choice that does not work is an error, not a reason to pick another browser.
    if (existsSync(named) && isExecutable(named)) return { path: named, source: 'env' };
    throw new ChromiumNotFoundError([`${CHROMIUM_ENV}=${named}`]);
  }
  for (const p of search.systemPaths ?? SYSTEM_CHROMIUM_PATHS) {
    tried.push(p);
    if (isExecutable(p)) return { path: p, source: 'system' };
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of SYSTEM_CHROMIUM_NAMES) {
      const p = join(dir, name);
      if (isExecutable(p)) return { path: p, source: 'system' };
    }
  }
  tried.push(...SYSTEM_CHROMIUM_NAMES.map((n) => `${n} on PATH`));
  throw new ChromiumNotFoundError(tried);
}

/** A running headless Chromium with its own throw-away profile. */
export interface ChromiumSession {
  browser: Browser;
  location: ChromiumLocation;
  /** `browser.version()`, e.g. "Chrome/150.0.7871.100". */
  version: string;
  newPage(): Promise<Page>;
  /** Closes the browser and removes the profile directory; idempotent. */
  close(): Promise<void>;
}

export async function launchChromium(options: { location?: ChromiumLocation; extraArgs?: string[] } = {}): Promise<ChromiumSession> {
  const location = options.location ?? findChromium();
  const userDataDir = await mkdtemp(join(tmpdir(), 'spell-conform-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: location.path,
      headless: true,
      userDataDir,
      args: [...CONFORMANCE_CHROMIUM_ARGS, ...(options.extraArgs ?? [])],
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const version = await browser.version();
  let closing: Promise<void> | undefined;
  return {
    browser,
    location,
    version,
    newPage: () => browser.newPage(),
    close() {
      closing ??= (async () => {
        try {
          await browser.close();
        } finally {
          await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
        }
      })();
      return closing;
    },
  };
}

/** One HTML page served at http://localhost:<port>/ until `close()`. */
export interface PageServer {
  url: string;
  close(): Promise<void>;
}

export async function servePage(html: string): Promise<PageServer> {
  const body = Buffer.from(html, 'utf8');
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length, 'cache-control': 'no-store' });
      res.end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
