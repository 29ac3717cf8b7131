/**
 * A PeerTransport wrapper that remembers, for each peer's current connection, the local
 * description this side sent and the remote description it applied. The mesh signs the local
 * one (its DTLS fingerprint, RFC 8122 section 5) and checks the peer's signed binding against
 * the remote one. DTLS (RFC 8842 section 5) has already proved that the peer at the other end
 * holds the certificate of that remote fingerprint; if a signaling server swapped the
 * fingerprint to sit in the middle, the remote description no longer matches what the peer
 * signed, and the binding fails with `fingerprint-mismatch`.
 *
 * Nothing in the swarm changes: the agent drives this transport exactly as it drives the
 * one inside. Connection labels are `<our peer id>-><their peer id>` (src/swarm/agent.ts).
 */
import type { ConnectionConfig, ConnectionEvents, PeerTransport, TransportConnection } from '../swarm/index.js';

export interface Description {
  type: 'offer' | 'answer';
  sdp: string;
}

/** What one connection has negotiated so far. */
export interface NegotiatedDescriptions {
  /** A counter that grows with every new connection to this peer. */
  generation: number;
  local?: Description;
  remote?: Description;
}

export interface BindingTransport extends PeerTransport {
  /** The descriptions of the current (most recently created) connection to `peerId`. */
  descriptions(peerId: string): NegotiatedDescriptions | undefined;
}

function peerOfLabel(label: string): string {
  const at = label.lastIndexOf('->');
  return at < 0 ? label : label.slice(at + 2);
}

/**
 * Wrap `inner`. `onConnection(peerId, generation)` is told of every new connection, before
 * anything is negotiated on it.
 */
export function bindingTransport(inner: PeerTransport, onConnection?: (peerId: string, generation: number) => void): BindingTransport {
  const current = new Map<string, NegotiatedDescriptions>();
  let generation = 0;
  const wrapped: BindingTransport = {
    name: inner.name,
    descriptions: (peerId) => current.get(peerId),
    create(label: string, config: ConnectionConfig, events: ConnectionEvents): TransportConnection {
      const peerId = peerOfLabel(label);
      const record: NegotiatedDescriptions = { generation: ++generation };
      current.set(peerId, record);
      onConnection?.(peerId, record.generation);
      const conn = inner.create(label, config, {
        ...events,
        localDescription(sdp, type) {
          record.local = { type, sdp };
          events.localDescription(sdp, type);
        },
      });
      return {
        get channel() {
          return conn.channel;
        },
        get canRestartIce() {
          return conn.canRestartIce;
        },
        offer: () => conn.offer(),
        async acceptOffer(sdp) {
          record.remote = { type: 'offer', sdp };
          await conn.acceptOffer(sdp);
        },
        async acceptAnswer(sdp) {
          record.remote = { type: 'answer', sdp };
          await conn.acceptAnswer(sdp);
        },
        addCandidate: (candidate, mid) => conn.addCandidate(candidate, mid),
        restartIce: () => conn.restartIce(),
        close: () => conn.close(),
      };
    },
  };
  if (inner.release) wrapped.release = () => inner.release!();
  return wrapped;
}
