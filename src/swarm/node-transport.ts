/**
 * The node-datachannel implementation of {@link PeerTransport}: libdatachannel's
 * PeerConnection with automatic negotiation off (we decide when to offer), our `Channel`
 * (src/datachannel) for the send buffer and states. Every native callback is guarded: an
 * exception thrown inside one would abort the process.
 *
 * libdatachannel 0.33 has no ICE restart, so `restartIce()` is false and the agent replaces
 * the connection instead. `release()` calls node-datachannel's `cleanup()` once the last
 * connection of the process is closed, so the process can exit.
 */
import nodeDataChannel, { type DescriptionType, type PeerConnection } from 'node-datachannel';
import { Channel, RELIABLE_ORDERED } from '../datachannel/index.js';
import { CHUNK_BYTES, CONTROL_LABEL, CONTROL_STREAM_ID } from './constants.js';
import type { ConnectionConfig, ConnectionEvents, LinkState, PeerTransport, SwarmChannel, TransportConnection } from './transport.js';

/** Send buffer: up to 1 MiB (64 chunks) queued, then wait for bufferedamountlow (RFC 8831 section 6.6). */
const HIGH_WATER = 16 * CHUNK_BYTES * 4;
const LOW_WATER = 4 * CHUNK_BYTES;

let live = 0;
let agents = 0;

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

class NodeChannel implements SwarmChannel {
  constructor(readonly inner: Channel) {}
  get isOpen(): boolean {
    return this.inner.state === 'open';
  }
  sendNow(data: string | Uint8Array): boolean {
    try {
      this.inner.sendNow(data);
      return true;
    } catch {
      return false;
    }
  }
  send(data: string | Uint8Array): Promise<void> {
    return this.inner.send(data);
  }
  onOpen(cb: () => void): void {
    if (this.inner.state === 'open') queueMicrotask(cb);
    else this.inner.on('open', cb);
  }
  onClose(cb: () => void): void {
    this.inner.on('closed', cb);
  }
  onMessage(cb: (data: string | Uint8Array) => void): void {
    this.inner.on('message', cb);
  }
  close(): void {
    this.inner.close();
  }
}

const STATES: Record<string, LinkState> = { new: 'new', connecting: 'connecting', connected: 'connected', disconnected: 'disconnected', failed: 'failed', closed: 'closed' };

class NodeConnection implements TransportConnection {
  readonly #pc: PeerConnection;
  readonly channel: NodeChannel;
  #closed = false;

  constructor(label: string, config: ConnectionConfig, events: ConnectionEvents) {
    this.#pc = new nodeDataChannel.PeerConnection(label, {
      iceServers: config.iceServers,
      disableAutoNegotiation: true,
      ...(config.bindAddress ? { bindAddress: config.bindAddress } : {}),
    });
    live++;
    const guard = <A extends unknown[]>(fn: (...a: A) => void) => (...a: A) => {
      if (this.#closed) return;
      try {
        fn(...a);
      } catch (e) {
        try {
          events.error(toError(e));
        } catch {
          /* never out of a native callback */
        }
      }
    };
    this.#pc.onLocalDescription(guard((sdp: string, type: DescriptionType) => {
      if (type === 'offer' || type === 'answer') events.localDescription(sdp, type);
    }));
    // libdatachannel writes the SDP line (`a=candidate:...`); the wire carries the attribute
    // itself (`candidate:...`, RFC 8839 section 5.1), as browsers do.
    this.#pc.onLocalCandidate(guard((candidate: string, mid: string) => events.localCandidate(candidate.replace(/^a=/, ''), mid)));
    this.#pc.onStateChange(guard((s: string) => events.stateChange(STATES[s] ?? 'failed')));
    this.channel = new NodeChannel(
      Channel.create(this.#pc, { label: CONTROL_LABEL, reliability: RELIABLE_ORDERED, negotiated: { id: CONTROL_STREAM_ID }, highWaterMark: HIGH_WATER, lowWaterMark: LOW_WATER }),
    );
  }

  offer(): void {
    this.#pc.setLocalDescription('offer');
  }

  async acceptOffer(sdp: string): Promise<void> {
    this.#pc.setRemoteDescription(sdp, 'offer');
    this.#pc.setLocalDescription('answer');
  }

  async acceptAnswer(sdp: string): Promise<void> {
    this.#pc.setRemoteDescription(sdp, 'answer');
  }

  async addCandidate(candidate: string, mid: string): Promise<void> {
    this.#pc.addRemoteCandidate(candidate, mid);
  }

  readonly canRestartIce = false;

  restartIce(): boolean {
    return false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    live--;
    try {
      this.channel.close();
      this.#pc.close();
    } catch {
      /* already closed natively */
    }
  }
}

/** Number of node-datachannel connections this module holds open (for tests and exit checks). */
export function liveNodeConnections(): number {
  return live;
}

/**
 * A transport over node-datachannel. Each agent that uses it counts itself in; when the last
 * one releases it and no connection made through it is left, node-datachannel's native
 * threads are stopped (`cleanup()`), so nothing native keeps the process alive. Pass
 * `releaseNative: false` when the process also uses node-datachannel directly (cleanup()
 * would close those connections too); call `cleanup()` yourself at the end then.
 */
export function nodeTransport(options: { releaseNative?: boolean } = {}): PeerTransport {
  const releaseNative = options.releaseNative ?? true;
  agents++;
  let released = false;
  return {
    name: 'node-datachannel',
    create: (label, config, events) => new NodeConnection(label, config, events),
    async release() {
      if (released) return;
      released = true;
      agents--;
      if (releaseNative && agents === 0 && live === 0) {
        // Let pending close callbacks run before the native side is torn down.
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (agents === 0 && live === 0) nodeDataChannel.cleanup();
      }
    },
  };
}
