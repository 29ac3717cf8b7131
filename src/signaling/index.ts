/**
 * `spellbook/signaling`: a WebSocket (RFC 6455) signaling server with rooms, admission by
 * token or Ed25519 challenge, limits and optional Redis fan-out across processes, and the
 * client that joins it from Node or a browser. Protocol: docs/signaling.md,
 * schemas/signaling.schema.json.
 */
export {
  SignalingClient,
  backoffDelay,
  type SignalingClientOptions,
  type SignalingClientEvents,
  type SignalingIdentity,
  type SignalingStatus,
  type ReconnectOptions,
  type WebSocketLike,
  type WebSocketConstructor,
} from './client.js';
export { challengeText, challengeBytes } from './challenge.js';
export { SignalingServer, type SignalingServerOptions, type SignalingServerStats, type SignalingLimits, type SignalingObservation } from './server.js';
export { RoomAuth, ed25519PublicKey, isLoopbackHost, type AuthOptions, type RoomAccess } from './auth.js';
export { parseClientMessage, SIGNALING_SCHEMA_PATH } from './validate.js';
export { RedisBus, type RedisBusOptions } from './redis.js';
export { SignalingError, MessageValidationError } from './errors.js';
export {
  CloseCode,
  ERROR_CODES,
  PROTOCOL_ID,
  DEFAULT_URL,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_PATH,
  DEFAULT_MAX_MESSAGE_BYTES,
  type ErrorCode,
  type ClientErrorCode,
} from './constants.js';
export type {
  JoinMsg,
  OfferMsg,
  AnswerMsg,
  IceMsg,
  AnnounceMsg,
  BroadcastMsg,
  HeartbeatMsg,
  OutboundMsg,
  ClientMsg,
  ChallengeMsg,
  Joined,
  PeerInfo,
  PeerJoinedMsg,
  PeerLeftMsg,
  RelayedOffer,
  RelayedAnswer,
  RelayedIce,
  RelayedAnnounce,
  RelayedBroadcast,
  HeartbeatAckMsg,
  ErrorMsg,
  ServerMsg,
  Metadata,
} from './messages.js';
