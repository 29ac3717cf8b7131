/** Every default, limit and user-facing message of the stream server, in one place. */

export const DEFAULT_PORT = 8080;
/** Loopback only unless told otherwise: the viewer page and WHEP endpoint are not for the open network. */
export const DEFAULT_HOST = '127.0.0.1';
/** Paths: the viewer page, the WHEP endpoint (resources under it), live controls, statistics. */
export const PAGE_PATH = '/';
export const WHEP_PATH = '/whep';
export const CONTROL_PATH = '/control';
export const STATS_PATH = '/stats';
/** Largest request body: an SDP offer from Chrome is about 6 kB, a control request a few bytes. */
export const MAX_OFFER_BYTES = 64 * 1024;
export const MAX_CONTROL_BYTES = 1024;
/** Viewers at once (each is a Peer and a share of an encode); more get 503. */
export const DEFAULT_MAX_VIEWERS = 8;
/** A WHEP session whose viewer has not connected this long after our answer is dropped (ms). */
export const CONNECT_TIMEOUT_MS = 20_000;
/** Longest wait for our ICE candidates before answering with what we have (ms). */
export const GATHER_TIMEOUT_MS = 3_000;
/** A request body arriving slower than this is cut off (ms). */
export const REQUEST_TIMEOUT_MS = 10_000;
/** WHEP offers and answers (draft-ietf-wish-whep section 4.1; RFC 9725 section 4.2). */
export const SDP_CONTENT_TYPE = 'application/sdp';
export const TRICKLE_CONTENT_TYPE = 'application/trickle-ice-sdpfrag';

export const Messages = {
  contentType: (got: string | undefined) => `the offer must be sent as ${SDP_CONTENT_TYPE}, got ${got ?? 'no Content-Type'}`,
  tooLarge: (limit: number) => `the request body is larger than ${limit} bytes`,
  notOffer: 'the body is not an SDP offer (it must start with "v=0")',
  badOffer: (detail: string) => `the offer was refused: ${detail}`,
  tooManyViewers: (max: number) => `${max} viewers are watching already; try again later`,
  notFound: (path: string) => `nothing at ${path}`,
  method: (method: string, allowed: readonly string[]) => `${method} is not allowed here (${allowed.join(', ')})`,
  badControl: (detail: string) => `bad control request: ${detail}`,
  closed: 'the stream server is closing',
  timeout: 'the request body did not arrive in time',
  trickle: 'trickle ICE is not supported: send the offer with all candidates (draft-ietf-wish-whep section 4.3, RFC 9725 section 4.3.1)',
} as const;
