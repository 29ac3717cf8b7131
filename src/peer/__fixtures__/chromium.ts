/**
 * Chromium as the remote peer of a Peer: one browser per test file (harness/chromium.ts
 * launches it with the conformance flags, real host candidates instead of mDNS names), the
 * receiver page served on http://localhost, signaling through page.evaluate and an exposed
 * function for Chrome's trickled candidates.
 */
import type { Page } from 'puppeteer-core';
import { launchChromium, servePage, type ChromiumSession, type PageServer } from '../../../harness/chromium.js';
import type { Peer } from '../peer.js';
import { RECEIVER_PAGE, type ChromeStats } from './chromium-page.js';

export class ChromiumReceiver {
  private constructor(
    readonly session: ChromiumSession,
    readonly server: PageServer,
    readonly page: Page,
    private readonly onCandidate: { current: ((candidate: string, mid: string) => void) | undefined },
  ) {}

  static async launch(): Promise<ChromiumReceiver> {
    const session = await launchChromium();
    const server = await servePage(RECEIVER_PAGE);
    const page = await session.newPage();
    const onCandidate: { current: ((candidate: string, mid: string) => void) | undefined } = { current: undefined };
    await page.exposeFunction('chromeCandidate', (candidate: string, mid: string) => onCandidate.current?.(candidate, mid));
    await page.goto(server.url);
    await page.waitForFunction(() => 'rx' in window);
    return new ChromiumReceiver(session, server, page, onCandidate);
  }

  private call<T>(step: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(
      (name: string, list: unknown[]) => (window as unknown as { rx: Record<string, (...a: unknown[]) => Promise<unknown>> }).rx[name]!(...list),
      step,
      args,
    ) as Promise<T>;
  }

  /** Trickle both ways between `peer` and the page: Chrome's candidates to the peer (which holds them until its remote description), ours to Chrome once it has our description. */
  private link(peer: Peer): { described: () => Promise<void> } {
    let ready = false;
    let pending: [string, string][] = [];
    this.onCandidate.current = (candidate, mid) => {
      if (!peer.closed) peer.addRemoteCandidate(candidate, mid);
    };
    peer.on('candidate', ({ candidate, mid }) => {
      if (ready) void this.call('addCandidate', candidate, mid).catch(() => undefined);
      else pending.push([candidate, mid]);
    });
    return {
      described: async () => {
        ready = true;
        for (const [c, m] of pending) await this.call('addCandidate', c, m);
        pending = [];
      },
    };
  }

  /**
   * Chrome offers receive-only video and audio (or, with `sendrecv`, sends its fake camera and
   * microphone too); the peer answers. Returns Chrome's offer.
   */
  async connectAsAnswerer(peer: Peer, videoCodec?: string | 'sendrecv'): Promise<string> {
    const link = this.link(peer);
    const offer = videoCodec === 'sendrecv' ? await this.call<string>('offerSendRecv') : await this.call<string>('offer', videoCodec);
    const answer = await peer.acceptOffer(offer);
    await this.call('answer', answer.sdp);
    await link.described();
    return offer;
  }

  /** Chrome offers send-and-receive audio from a WebAudio oscillator at `frequency` Hz; the peer answers. Returns Chrome's offer. */
  async connectToneAnswerer(peer: Peer, frequency: number): Promise<string> {
    const link = this.link(peer);
    const offer = await this.call<string>('offerTone', frequency);
    const answer = await peer.acceptOffer(offer);
    await this.call('answer', answer.sdp);
    await link.described();
    return offer;
  }

  /** The strongest frequency in what Chrome receives (AnalyserNode), with its level in dBFS and the AudioContext state. */
  peakFrequency(): Promise<{ frequency: number; db: number; contextState: string }> {
    return this.call('peakFrequency');
  }

  /** The peer offers; Chrome answers. Returns Chrome's answer. */
  async connectAsOfferer(peer: Peer): Promise<string> {
    const link = this.link(peer);
    const offer = await peer.createOffer();
    const answer = await this.call<string>('acceptOffer', offer.sdp);
    await link.described();
    await peer.acceptAnswer(answer);
    return answer;
  }

  stats(): Promise<ChromeStats> {
    return this.call<ChromeStats>('stats');
  }

  /** Chrome's transceivers: mid, kind, direction and the negotiated currentDirection. */
  directions(): Promise<{ mid: string; kind: string; direction: string; currentDirection: string }[]> {
    return this.call('directions');
  }

  state(): Promise<string> {
    return this.call<string>('state');
  }

  async hangUp(): Promise<void> {
    this.onCandidate.current = undefined;
    await this.call('close');
  }

  async close(): Promise<void> {
    this.onCandidate.current = undefined;
    await this.session.close();
    await this.server.close();
  }
}
