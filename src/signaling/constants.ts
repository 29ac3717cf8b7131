/**
 * Every default, limit, error code, close code and user-facing message of the signaling
 * module, in one place. The wire protocol is documented in docs/signaling.md and published
 * as JSON Schema in schemas/signaling.schema.json.
 */

/** Protocol version, part of the Ed25519 challenge's domain separator. */
export const PROTOCOL_ID = 'spellbook-signaling-v1';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
export const DEFAULT_PATH = '/signaling';
export const DEFAULT_URL = `ws://localhost:${DEFAULT_PORT}${DEFAULT_PATH}`;

/** Client defaults. */
export const DEFAULT_HEARTBEAT_MS = 15_000;
export const DEFAULT_RECONNECT_INITIAL_DELAY_MS = 250;
export const DEFAULT_RECONNECT_MAX_DELAY_MS = 10_000;

/** Server limits (each configurable; each refusal has its own error code). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** Frames above this multiple of the message limit are not read at all: WebSocket close 1009 (RFC 6455 section 7.4.1). */
export const HARD_FRAME_LIMIT_FACTOR = 2;
export const DEFAULT_MAX_MESSAGES_PER_SECOND = 200;
/** A connection that keeps sending at this multiple of its rate after being told is closed (4429). */
export const FLOOD_CLOSE_FACTOR = 2;
export const DEFAULT_MAX_PEERS_PER_ROOM = 256;
export const DEFAULT_MAX_ROOMS = 10_000;
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
/** WebSocket ping interval (RFC 6455 section 5.5.2); a socket without a pong by the next ping is dropped. */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/** A connection whose unread outgoing data exceeds this is dropped (slow consumer). */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A socket that has not joined within this time is closed (4408). */
export const DEFAULT_JOIN_TIMEOUT_MS = 10_000;
/** Invalid messages one connection may send before it is closed (4400). */
export const DEFAULT_MAX_INVALID_MESSAGES = 100;
export const MAX_ID_LENGTH = 128;
export const MAX_ROOM_LENGTH = 128;
/** Challenge nonce length in bytes. */
export const NONCE_BYTES = 32;
/** Resume secret length in bytes. */
export const RESUME_BYTES = 24;

/** Redis: peer-id ownership keys are refreshed every interval and expire after the TTL. */
export const DEFAULT_REDIS_REFRESH_MS = 5_000;
export const DEFAULT_REDIS_TTL_MS = 15_000;
export const REDIS_PREFIX = 'spellbook:signaling:';
/** Longest wait between two attempts to reach Redis again. */
export const REDIS_RETRY_MAX_MS = 1_000;

/** Stable error codes of `{"type":"error"}` frames. */
export const ERROR_CODES = [
  'bad-json',
  'binary-frame',
  'too-large',
  'unknown-type',
  'invalid-message',
  'not-joined',
  'already-joined',
  'peer-id-taken',
  'unknown-peer',
  'auth-required',
  'auth-failed',
  'origin-refused',
  'rate-limited',
  'room-full',
  'too-many-rooms',
  'too-many-connections',
  'join-timeout',
  'backend-unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes only the client raises locally (never on the wire). */
export type ClientErrorCode = 'connect-failed' | 'reconnect-exhausted' | 'closed' | 'invalid-option' | 'heartbeat-timeout' | 'protocol';

/**
 * WebSocket close codes the server uses when a connection must go (RFC 6455 section 7.4;
 * 4000-4999 are for applications).
 */
export const CloseCode = {
  /** Server shutting down. */
  goingAway: 1001,
  /** A frame larger than the hard frame limit (ws closes before reading it). */
  tooLarge: 1009,
  /** Too many connections from this address. */
  tryAgainLater: 1013,
  /** Too many invalid messages. */
  invalidMessages: 4400,
  /** The room needs a credential and none was given. */
  authRequired: 4401,
  /** The credential was wrong. */
  authFailed: 4403,
  /** No join within the join timeout. */
  joinTimeout: 4408,
  /** Another connection resumed this peer's session. */
  replaced: 4409,
  /** The connection kept flooding after `rate-limited`. */
  rateLimited: 4429,
  /** The Origin header is not on the allow-list. */
  originRefused: 4451,
} as const;

/** Close codes after which a client must not reconnect on its own. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.authRequired, CloseCode.authFailed, CloseCode.originRefused, CloseCode.replaced]);

export const Messages = {
  badJson: 'frame is not valid JSON',
  binaryFrame: 'binary frames are not accepted; send JSON text',
  tooLarge: (size: number, limit: number) => `message of ${size} bytes exceeds the ${limit}-byte limit`,
  unknownType: (type: string) => `unknown message type ${JSON.stringify(type.slice(0, 40))}`,
  invalidMessage: (detail: string) => `invalid message: ${detail}`,
  notJoined: 'join a room first',
  alreadyJoined: 'this connection has already joined a room',
  peerIdTaken: (id: string) => `peer id ${JSON.stringify(id)} is in use by a live connection`,
  unknownPeer: (id: string) => `no peer ${JSON.stringify(id)} in this room`,
  authRequired: (room: string) => `room ${JSON.stringify(room)} requires a token or a signed challenge`,
  authFailed: 'credential refused',
  originRefused: (origin: string) => `origin ${JSON.stringify(origin.slice(0, 100))} is not allowed`,
  rateLimited: (limit: number) => `more than ${limit} messages per second; messages dropped`,
  roomFull: (room: string, limit: number) => `room ${JSON.stringify(room)} is full (${limit} peers)`,
  tooManyRooms: (limit: number) => `the server holds its maximum of ${limit} rooms`,
  tooManyConnections: (limit: number) => `more than ${limit} connections from this address`,
  joinTimeout: (ms: number) => `no join within ${ms} ms`,
  internal: 'internal error',
  backendUnavailable: 'the shared backend (Redis) is not reachable now; try again',
  openRoomsWarning: (url: string) =>
    `signaling: listening on ${url} with OPEN rooms (no credential needed). This is allowed only on loopback; ` +
    'do not expose this port. Configure room tokens or key rosters before listening on another address.',
  openRoomsOffLoopback: (host: string) =>
    `signaling: open rooms are allowed only on loopback; host ${host} needs every room to have a token or a key roster`,
  clientClosed: 'client closed',
  reconnectExhausted: (attempts: number) => `gave up after ${attempts} reconnect attempts`,
  heartbeatTimeout: (ms: number) => `no message from the server for ${ms} ms`,
  noWebSocket: 'no WebSocket constructor: pass options.WebSocket (or install ws)',
} as const;
