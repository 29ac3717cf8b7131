/**
 * One caller-to-executor connection: a `Peer` (src/peer, node-datachannel underneath)
 * negotiated through the executor's signaling server (offer, answer and trickled candidates,
 * RFC 8829/8838), carrying the remote protocol on one reliable ordered data channel
 * (RFC 8831). Sends are serialised so that a chunked message's chunks are never interleaved
 * with another message's, and wait for the channel's buffer to drain (backpressure).
 */
import type { Channel } from '../datachannel/index.js';
import type { Peer } from '../peer/index.js';
import type { SignalingClient } from '../signaling/index.js';
import { TypedEmitter } from '../datachannel/index.js';
import { chunkMessage, encodeMessage, WireReader, type WireMessage } from './wire.js';
import { RemoteError } from './errors.js';

export interface LinkEvents {
  message: WireMessage;
  /** A message that could not be read (the link stays up; the sender is told). */
  malformed: RemoteError;
  /** The peer connection or the channel is gone. */
  lost: { reason: string };
}

export class RemoteLink extends TypedEmitter<LinkEvents> {
  readonly #reader = new WireReader();
  #sending: Promise<void> = Promise.resolve();
  #lost = false;
  bytesSent = 0;
  bytesReceived = 0;

  constructor(readonly peer: Peer, readonly channel: Channel, readonly remoteId: string) {
    super();
    channel.on('message', (data) => {
      if (typeof data === 'string') {
        this.emit('malformed', new RemoteError('bad-message', 'bad remote message at byte 0: a text message (the protocol is binary)', undefined, { offset: 0 }));
        return;
      }
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data as ArrayBuffer);
      this.bytesReceived += bytes.length;
      let msg: WireMessage | undefined;
      try {
        msg = this.#reader.push(bytes);
      } catch (e) {
        this.emit('malformed', e instanceof RemoteError ? e : new RemoteError('bad-message', String(e)));
        return;
      }
      if (msg) this.emit('message', msg);
    });
    channel.on('closed', () => this.#lose('the data channel closed'));
    peer.on('connectionstatechange', (state) => {
      if (state === 'failed' || state === 'closed' || state === 'disconnected') this.#lose(`the peer connection is ${state}`);
    });
  }

  get lost(): boolean {
    return this.#lost;
  }

  #lose(reason: string): void {
    if (this.#lost) return;
    this.#lost = true;
    this.emit('lost', { reason });
  }

  /** Send one message (its chunks in a row); resolves once it is handed to the channel. */
  send(msg: WireMessage): Promise<void> {
    const chunks = chunkMessage(encodeMessage(msg));
    const next = this.#sending.then(async () => {
      if (this.#lost) throw new RemoteError('connection-lost', 'the connection is gone');
      for (const c of chunks) {
        await this.channel.send(c);
        this.bytesSent += c.length;
      }
    });
    // A failed send must not poison the chain for the messages after it.
    this.#sending = next.catch(() => undefined);
    return next;
  }

  /** Close the connection; with a reason, listeners hear it as lost. */
  close(reason?: string): void {
    if (reason) this.#lose(reason);
    this.#lost = true;
    try { this.channel.close(); } catch { /* already closed */ }
    this.peer.close();
  }
}

/** Relay our trickled candidates to `to`, and theirs to the peer, until `stop()` is called. */
export function trickle(peer: Peer, client: SignalingClient, to: string): () => void {
  const ours = ({ candidate, mid }: { candidate: string; mid: string }) => {
    client.send({ type: 'ice-candidate', to, candidate, mid });
  };
  const theirs = ({ from, candidate, mid }: { from: string; candidate: string; mid: string }) => {
    if (from !== to) return;
    try {
      peer.addRemoteCandidate(candidate, mid);
    } catch {
      /* a malformed candidate from the other side: ignored, ICE uses the others */
    }
  };
  peer.on('candidate', ours);
  client.on('ice-candidate', theirs);
  return () => {
    peer.off('candidate', ours);
    client.off('ice-candidate', theirs);
  };
}
