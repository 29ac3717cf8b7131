/**
 * Two node-datachannel peers in one process, connected over the loopback interface: the
 * offer, answer and trickled ICE candidates (RFC 8839) are handed across in memory, and both
 * peers bind to 127.0.0.1 so ICE, DTLS and SCTP run over real UDP sockets on `lo`.
 *
 * For tests, benchmarks and the harness. Call `close()` on every pair, then node-datachannel's
 * `cleanup()` once at the end of the process (or `afterAll`), or the process may not exit.
 */
import { PeerConnection, type DataChannel, type DataChannelInitConfig, type DescriptionType, type RtcConfig } from 'node-datachannel';
import { Channel, type BackpressureOptions, type ChannelOptions } from './channel.js';
import { LOOPBACK_OPEN_TIMEOUT_MS, Messages } from './constants.js';
import { ChannelOpenError } from './errors.js';

export type LoopbackSide = 'offerer' | 'answerer';

export interface LoopbackOptions {
  /** Extra configuration of the offering peer (for example `maxMessageSize`). */
  offerer?: Partial<RtcConfig>;
  /** Extra configuration of the answering peer. */
  answerer?: Partial<RtcConfig>;
  /**
   * Rewrites a description on its way to the other peer. Tests use it to remove or change
   * `a=max-message-size` (RFC 8841 section 6) as another implementation would send it.
   */
  rewriteDescription?: (sdp: string, type: DescriptionType, from: LoopbackSide) => string;
  /** How long `openChannel` waits for both ends (default 10 s). */
  openTimeoutMs?: number;
}

/** Both ends of one channel, opened on the offerer and accepted on the answerer. */
export interface ChannelPair {
  local: Channel;
  remote: Channel;
}

export interface NativeChannelPair {
  local: DataChannel;
  remote: DataChannel;
}

type Waiter = (dc: DataChannel) => void;

export class LoopbackPair {
  readonly offerer: PeerConnection;
  readonly answerer: PeerConnection;
  readonly #timeoutMs: number;
  /** Incoming channels not yet claimed, by label. Holding them keeps them from being collected. */
  readonly #incoming = new Map<string, DataChannel[]>();
  readonly #waiters = new Map<string, Waiter[]>();
  /** Every native channel handed out, kept alive for the life of the pair. */
  readonly #retained: DataChannel[] = [];
  #closed = false;
  /** Signalling errors node-datachannel raised while descriptions and candidates were handed across. */
  readonly errors: Error[] = [];

  constructor(options: LoopbackOptions = {}) {
    const base: RtcConfig = { iceServers: [], bindAddress: '127.0.0.1' };
    this.#timeoutMs = options.openTimeoutMs ?? LOOPBACK_OPEN_TIMEOUT_MS;
    this.offerer = new PeerConnection('spellbook-offerer', { ...base, ...options.offerer });
    this.answerer = new PeerConnection('spellbook-answerer', { ...base, ...options.answerer });
    const rewrite = options.rewriteDescription ?? ((sdp: string) => sdp);
    // Candidates can reach us before the description they belong to has been applied on
    // the other peer; libdatachannel then throws ("remote candidate without ICE transport")
    // from inside a native callback, which aborts the process. So hold them until then.
    const link = (from: PeerConnection, to: PeerConnection, side: LoopbackSide) => {
      let described = false;
      let pending: [string, string][] = [];
      const guarded = (what: string, fn: () => void) => {
        if (this.#closed) return;
        try {
          fn();
        } catch (error) {
          this.errors.push(new Error(`${side} ${what}: ${error instanceof Error ? error.message : String(error)}`));
        }
      };
      from.onLocalDescription((sdp, type) => {
        guarded('description', () => to.setRemoteDescription(rewrite(sdp, type, side), type));
        described = true;
        for (const [candidate, mid] of pending) guarded('candidate', () => to.addRemoteCandidate(candidate, mid));
        pending = [];
      });
      from.onLocalCandidate((candidate, mid) => {
        if (described) guarded('candidate', () => to.addRemoteCandidate(candidate, mid));
        else pending.push([candidate, mid]);
      });
    };
    link(this.offerer, this.answerer, 'offerer');
    link(this.answerer, this.offerer, 'answerer');
    this.answerer.onDataChannel((dc) => {
      this.#retained.push(dc);
      const label = dc.getLabel();
      const waiter = this.#waiters.get(label)?.shift();
      if (waiter) waiter(dc);
      else this.#incoming.set(label, [...(this.#incoming.get(label) ?? []), dc]);
    });
  }

  /**
   * Opens a channel from the offerer and resolves with both ends wrapped as {@link Channel}s
   * once both are open. A `negotiated` channel is created on both peers with the same id.
   */
  async openChannel(options: ChannelOptions, remoteOptions: BackpressureOptions = {}): Promise<ChannelPair> {
    const local = Channel.create(this.offerer, options);
    let remote: Channel;
    if (options.negotiated) {
      remote = Channel.create(this.answerer, { ...options, ...remoteOptions });
    } else {
      remote = Channel.wrap(await this.#accept(options.label, () => local.state === 'closed'), remoteOptions);
    }
    await this.#withTimeout(options.label, Promise.all([local.opened(), remote.opened()]));
    return { local, remote };
  }

  /** Opens a plain node-datachannel channel pair, for callers that want the raw API. */
  async openNativeChannel(label: string, init: DataChannelInitConfig = {}): Promise<NativeChannelPair> {
    const local = this.offerer.createDataChannel(label, init);
    this.#retained.push(local);
    const opened = new Promise<void>((resolve) => local.onOpen(() => resolve()));
    const remote = await this.#accept(label, () => false);
    await this.#withTimeout(label, local.isOpen() ? Promise.resolve() : opened);
    return { local, remote };
  }

  /**
   * Resolves with the next channel the answerer receives under `label` (the raw
   * node-datachannel object; wrap it with `Channel.wrap`). The pair keeps it alive.
   */
  accept(label: string): Promise<DataChannel> {
    return this.#accept(label, () => false);
  }

  /** Closes both peers (and with them every channel). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.offerer.close();
    this.answerer.close();
  }

  #accept(label: string, failed: () => boolean): Promise<DataChannel> {
    const queued = this.#incoming.get(label)?.shift();
    if (queued) return Promise.resolve(queued);
    let check: NodeJS.Timeout | undefined;
    const accepted = new Promise<DataChannel>((resolve, reject) => {
      this.#waiters.set(label, [...(this.#waiters.get(label) ?? []), resolve]);
      // The local end closing before the peer announced the channel ends the wait early.
      check = setInterval(() => {
        if (failed()) reject(new ChannelOpenError(label, Messages.closedBeforeOpen(label)));
      }, 50);
    });
    return this.#withTimeout(label, accepted).finally(() => clearInterval(check));
  }

  #withTimeout<T>(label: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ChannelOpenError(label, Messages.openTimeout(label, this.#timeoutMs))), this.#timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Creates a connected-on-demand pair: the peers connect when the first channel is opened. */
export function createLoopbackPair(options: LoopbackOptions = {}): LoopbackPair {
  return new LoopbackPair(options);
}
