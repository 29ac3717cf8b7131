/**
 * The browser implementation of {@link PeerTransport}: the page's own RTCPeerConnection and
 * RTCDataChannel (W3C WebRTC), the same negotiated reliable ordered channel on stream 0, and
 * a send buffer bounded by `bufferedAmountLowThreshold`. ICE restart is `restartIce()`
 * (RFC 8445 section 2.4, JSEP RFC 9429 section 3.5.1). Imports nothing from Node.
 */
import { CHUNK_BYTES, CONTROL_LABEL, CONTROL_STREAM_ID } from './constants.js';
import type { ConnectionConfig, ConnectionEvents, LinkState, PeerTransport, SwarmChannel, TransportConnection } from './transport.js';

const HIGH_WATER = 16 * CHUNK_BYTES * 4;
const LOW_WATER = 4 * CHUNK_BYTES;

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

class BrowserChannel implements SwarmChannel {
  #chain: Promise<void> = Promise.resolve();
  readonly #waiters = new Set<() => void>();
  constructor(readonly dc: RTCDataChannel) {
    dc.binaryType = 'arraybuffer';
    dc.bufferedAmountLowThreshold = LOW_WATER;
    const wake = () => {
      for (const w of [...this.#waiters]) w();
    };
    dc.addEventListener('bufferedamountlow', wake);
    dc.addEventListener('close', wake);
  }
  get isOpen(): boolean {
    return this.dc.readyState === 'open';
  }
  sendNow(data: string | Uint8Array): boolean {
    if (this.dc.readyState !== 'open') return false;
    try {
      if (typeof data === 'string') this.dc.send(data);
      else this.dc.send(data as Uint8Array<ArrayBuffer>);
      return true;
    } catch {
      return false;
    }
  }
  send(data: string | Uint8Array): Promise<void> {
    const turn = this.#chain.then(async () => {
      while (this.dc.readyState === 'open' && this.dc.bufferedAmount > HIGH_WATER) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            this.#waiters.delete(done);
            resolve();
          };
          const timer = setTimeout(done, 50);
          this.#waiters.add(done);
        });
      }
      if (!this.sendNow(data)) throw new Error(`data channel is ${this.dc.readyState}`);
    });
    this.#chain = turn.catch(() => undefined);
    return turn;
  }
  onOpen(cb: () => void): void {
    if (this.dc.readyState === 'open') queueMicrotask(cb);
    else this.dc.addEventListener('open', () => cb());
  }
  onClose(cb: () => void): void {
    this.dc.addEventListener('close', () => cb());
  }
  onMessage(cb: (data: string | Uint8Array) => void): void {
    this.dc.addEventListener('message', (e: MessageEvent) => cb(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer)));
  }
  close(): void {
    this.dc.close();
  }
}

class BrowserConnection implements TransportConnection {
  readonly #pc: RTCPeerConnection;
  readonly #events: ConnectionEvents;
  readonly channel: BrowserChannel;
  #closed = false;

  constructor(config: ConnectionConfig, events: ConnectionEvents) {
    this.#events = events;
    this.#pc = new RTCPeerConnection({ iceServers: config.iceServers.map((url) => parseIceServer(url)) });
    this.#pc.addEventListener('icecandidate', (e) => {
      if (this.#closed || !e.candidate || !e.candidate.candidate) return;
      events.localCandidate(e.candidate.candidate, e.candidate.sdpMid ?? '0');
    });
    this.#pc.addEventListener('connectionstatechange', () => {
      if (!this.#closed) events.stateChange(this.#pc.connectionState as LinkState);
    });
    this.channel = new BrowserChannel(this.#pc.createDataChannel(CONTROL_LABEL, { negotiated: true, id: CONTROL_STREAM_ID, ordered: true }));
  }

  #describe(): void {
    const d = this.#pc.localDescription;
    if (!this.#closed && d && (d.type === 'offer' || d.type === 'answer')) this.#events.localDescription(d.sdp, d.type);
  }

  offer(): void {
    this.#pc.setLocalDescription().then(() => this.#describe(), (e: unknown) => this.#events.error(toError(e)));
  }

  async acceptOffer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'offer', sdp });
    await this.#pc.setLocalDescription();
    this.#describe();
  }

  async acceptAnswer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  async addCandidate(candidate: string, mid: string): Promise<void> {
    await this.#pc.addIceCandidate({ candidate: candidate.replace(/^a=/, ''), sdpMid: mid });
  }

  readonly canRestartIce = true;

  restartIce(): boolean {
    this.#pc.restartIce();
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.close();
    this.#pc.close();
  }
}

/** `turn:user:pass@host:port` (our URL form, as node-datachannel takes) to an RTCIceServer. */
export function parseIceServer(url: string): RTCIceServer {
  const m = /^(turns?):([^:@]+):([^@]+)@(.+)$/.exec(url);
  if (m) return { urls: `${m[1]}:${m[4]}`, username: decodeURIComponent(m[2]!), credential: decodeURIComponent(m[3]!) };
  return { urls: url };
}

export function browserTransport(): PeerTransport {
  return { name: 'browser', create: (_label, config, events) => new BrowserConnection(config, events) };
}
