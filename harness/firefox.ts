/**
 * Debian's Firefox ESR for the conformance harness and browser tests, through puppeteer-core's
 * WebDriver BiDi support (`browser: 'firefox'`), behind the same session shape as Chromium's so
 * scenarios use either. Firefox here has no H.264 for WebRTC (the OpenH264 plugin it would
 * download cannot be fetched): scenarios that need it are reported unsupported from the
 * browser's own `RTCRtpReceiver.getCapabilities`, never assumed.
 */
import puppeteer from 'puppeteer-core';
import { isExecutable as executable, type ChromiumSession } from './chromium.js';
import { startPulse } from './pulse.js';

export const FIREFOX_ENV = 'SPELL_FIREFOX';
export const SYSTEM_FIREFOX_PATHS: readonly string[] = ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr'];

/**
 * Preferences for loopback WebRTC without a user: host candidates as real addresses (no mDNS
 * names, which libjuice cannot resolve), loopback candidates allowed, media autoplay allowed.
 * Web Audio needs a sound server: with no sound device an AudioContext stays `suspended` (cubeb's
 * null context and backend preferences, and ALSA's null plugin, do not help), so the browser is
 * given a private PulseAudio null sink (harness/pulse.ts) when `pulseaudio` is installed.
 */
export const FIREFOX_PREFS: Readonly<Record<string, unknown>> = {
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.peerconnection.ice.loopback': true,
  'media.autoplay.default': 0,
  'media.navigator.permission.disabled': true,
  'media.navigator.streams.fake': true,
};

export class FirefoxNotFoundError extends Error {
  override readonly name = 'FirefoxNotFoundError';
}

/** SPELL_FIREFOX, else the first usual place that holds an executable. */
export function findFirefox(): { path: string; source: 'env' | 'system' } {
  const fromEnv = process.env[FIREFOX_ENV];
  if (fromEnv) {
    if (!executable(fromEnv)) throw new FirefoxNotFoundError(`${FIREFOX_ENV}=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const path = SYSTEM_FIREFOX_PATHS.find(executable);
  if (!path) throw new FirefoxNotFoundError(`no Firefox found (tried ${SYSTEM_FIREFOX_PATHS.join(', ')}); install firefox-esr or set ${FIREFOX_ENV}`);
  return { path, source: 'system' };
}

/**
 * A headless Firefox with a throw-away profile (puppeteer makes and removes it), playing its
 * audio into a private PulseAudio null sink when `pulseaudio` is installed (else without sound).
 */
export async function launchFirefox(): Promise<ChromiumSession & { sound: boolean; soundServer?: { pid: number; dir: string } }> {
  const location = findFirefox();
  const pulse = await startPulse();
  let browser;
  try {
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: location.path, headless: true, extraPrefsFirefox: { ...FIREFOX_PREFS }, env: { ...process.env, ...pulse?.env } as Record<string, string> });
  } catch (e) {
    await pulse?.stop();
    throw e;
  }
  const version = await browser.version();
  let closing: Promise<void> | undefined;
  const b = browser;
  return {
    browser: b,
    location,
    version,
    sound: pulse !== undefined,
    ...(pulse ? { soundServer: { pid: pulse.pid, dir: pulse.dir } } : {}),
    newPage: () => b.newPage(),
    close() {
      closing ??= b.close().finally(() => pulse?.stop());
      return closing;
    },
  };
}

/**
 * The video codecs the browser can both receive and send over WebRTC: those listed by
 * `RTCRtpReceiver.getCapabilities('video')` and `RTCRtpSender.getCapabilities('video')`
 * (retransmission and FEC entries left out).
 */
export async function receivableVideoCodecs(session: ChromiumSession): Promise<string[]> {
  const page = await session.newPage();
  try {
    return await page.evaluate(() => {
      const names = (caps: RTCRtpCapabilities | null) => new Set((caps?.codecs ?? []).map((c) => c.mimeType.replace(/^video\//i, '')).filter((m) => !/^(rtx|red|ulpfec|flexfec-03)$/i.test(m)));
      const recv = names(typeof RTCRtpReceiver !== 'undefined' && RTCRtpReceiver.getCapabilities ? RTCRtpReceiver.getCapabilities('video') : null);
      const send = names(typeof RTCRtpSender !== 'undefined' && RTCRtpSender.getCapabilities ? RTCRtpSender.getCapabilities('video') : null);
      return [...recv].filter((c) => send.has(c));
    });
  } finally {
    await page.close();
  }
}
