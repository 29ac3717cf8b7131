/**
 * TypeScript types of the signaling wire protocol: JSON text frames (RFC 6455 section 5.6,
 * RFC 8259), one object per frame with a `type`. The same protocol is published as JSON Schema
 * in schemas/signaling.schema.json; the server validates every inbound frame against it.
 * Relayed SDP follows RFC 8866 / RFC 8829 and candidates RFC 8839 section 5.1; the server does
 * not parse them, it only carries them between members of one room.
 */
import type { ErrorCode } from './constants.js';

export type Metadata = Record<string, unknown>;

// ---- client -> server -------------------------------------------------------------------

export interface JoinMsg {
  type: 'join';
  room: string;
  peerId?: string;
  metadata?: Metadata;
  /** Shared room token (the server keeps only its SHA-256 and compares in constant time). */
  token?: string;
  /** Ed25519 public key, base64 of the raw 32 bytes (RFC 8032 section 5.1.5). */
  publicKey?: string;
  /** base64 Ed25519 signature of `challengeText(room, peerId ?? '', nonce)`. */
  signature?: string;
  /** Resume secret from an earlier `joined`: lets this connection take over its own peer id while the old socket is still held. */
  resume?: string;
}
export interface OfferMsg {
  type: 'offer';
  to: string;
  sdp: string;
}
export interface AnswerMsg {
  type: 'answer';
  to: string;
  sdp: string;
}
export interface IceMsg {
  type: 'ice-candidate';
  to: string;
  candidate: string;
  mid: string;
}
export interface AnnounceMsg {
  type: 'announce';
  metadata: Metadata;
}
export interface BroadcastMsg {
  type: 'broadcast';
  payload: unknown;
}
export interface HeartbeatMsg {
  type: 'heartbeat';
}
/** What a client may send after it joined (the `send()` argument). */
export type OutboundMsg = OfferMsg | AnswerMsg | IceMsg | AnnounceMsg | BroadcastMsg;
/** Everything a client may send. */
export type ClientMsg = JoinMsg | OutboundMsg | HeartbeatMsg;

// ---- server -> client -------------------------------------------------------------------

export interface PeerInfo {
  peerId: string;
  metadata: Metadata;
}
export interface ChallengeMsg {
  type: 'challenge';
  /** base64 of NONCE_BYTES random bytes; sent right after the socket opens, every time. */
  nonce: string;
}
export interface Joined {
  type: 'joined';
  peerId: string;
  room: string;
  peers: PeerInfo[];
  /** Resume secret for a later rejoin with the same peer id (keep it private). */
  resume?: string;
}
export interface PeerJoinedMsg {
  type: 'peer-joined';
  peerId: string;
  metadata: Metadata;
}
export interface PeerLeftMsg {
  type: 'peer-left';
  peerId: string;
}
export interface RelayedOffer {
  type: 'offer';
  from: string;
  to?: string;
  sdp: string;
}
export interface RelayedAnswer {
  type: 'answer';
  from: string;
  to?: string;
  sdp: string;
}
export interface RelayedIce {
  type: 'ice-candidate';
  from: string;
  to?: string;
  candidate: string;
  mid: string;
}
export interface RelayedAnnounce {
  type: 'announce';
  from: string;
  metadata: Metadata;
}
export interface RelayedBroadcast {
  type: 'broadcast';
  from: string;
  payload: unknown;
}
export interface HeartbeatAckMsg {
  type: 'heartbeat-ack';
}
export interface ErrorMsg {
  type: 'error';
  code: ErrorCode;
  message: string;
}
export type ServerMsg =
  | ChallengeMsg
  | Joined
  | PeerJoinedMsg
  | PeerLeftMsg
  | RelayedOffer
  | RelayedAnswer
  | RelayedIce
  | RelayedAnnounce
  | RelayedBroadcast
  | HeartbeatAckMsg
  | ErrorMsg;

/** Types a client may send, in schema order. */
export const CLIENT_MESSAGE_TYPES = ['join', 'offer', 'answer', 'ice-candidate', 'announce', 'broadcast', 'heartbeat'] as const;
