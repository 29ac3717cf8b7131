/**
 * The small interface the agent drives a peer connection through, so the same swarm code runs
 * on node-datachannel (`nodeTransport`) and on a browser's own RTCPeerConnection
 * (`browserTransport`). Offer/answer follows JSEP (RFC 9429) with trickled candidates
 * (RFC 8838); the one data channel is negotiated out of band on stream 0 (RFC 8832 section 1),
 * reliable and ordered (RFC 8831 section 6.1), created before the first description.
 */

export type LinkState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface ConnectionConfig {
  /** STUN/TURN URLs, e.g. `stun:stun.example.org:3478` or `turn:user:pass@host:3478`. */
  iceServers: string[];
  /** Bind ICE to this address (node only; tests use 127.0.0.1). */
  bindAddress?: string;
}

export interface ConnectionEvents {
  localDescription(sdp: string, type: 'offer' | 'answer'): void;
  localCandidate(candidate: string, mid: string): void;
  stateChange(state: LinkState): void;
  /** A native callback threw or a description/candidate was refused. */
  error(error: Error): void;
}

/** The control data channel of one connection. */
export interface SwarmChannel {
  readonly isOpen: boolean;
  /** Queues now; false when the channel is not open or refuses the message. */
  sendNow(data: string | Uint8Array): boolean;
  /** Sends once the send buffer has drained below its high-water mark; rejects when the channel closes. */
  send(data: string | Uint8Array): Promise<void>;
  onOpen(cb: () => void): void;
  onClose(cb: () => void): void;
  onMessage(cb: (data: string | Uint8Array) => void): void;
  close(): void;
}

export interface TransportConnection {
  readonly channel: SwarmChannel;
  /** Starts an offer; it arrives through `localDescription`. */
  offer(): void;
  /** Applies the remote offer and answers it (the answer arrives through `localDescription`). */
  acceptOffer(sdp: string): Promise<void>;
  acceptAnswer(sdp: string): Promise<void>;
  addCandidate(candidate: string, mid: string): Promise<void>;
  /** True when `restartIce()` works and an offer may be applied to the established connection. */
  readonly canRestartIce: boolean;
  /** ICE restart (RFC 8445 section 2.4) if the implementation supports it; false if not. */
  restartIce(): boolean;
  close(): void;
}

export interface PeerTransport {
  /** A short name for reports: `node-datachannel` or `browser`. */
  readonly name: string;
  create(label: string, config: ConnectionConfig, events: ConnectionEvents): TransportConnection;
  /** Called by the agent's disconnect(): releases native resources when nothing else uses them. */
  release?(): Promise<void>;
}
