/**
 * `spellbook/stream`: a Streamer served to browsers over WHEP (draft-ietf-wish-whep) with a
 * viewer page and live controls on localhost. No side effects.
 */
export { StreamServer, type StreamServerOptions, type StreamServerStats, type ViewerInfo } from './server.js';
export { StreamServerError, STATUS, type StreamServerErrorCode } from './errors.js';
export { checkOffer, parseControl, withCandidates, mediaType } from './request.js';
export { viewerPage } from './page.js';
export {
  DEFAULT_PORT,
  DEFAULT_HOST,
  DEFAULT_MAX_VIEWERS,
  CONNECT_TIMEOUT_MS,
  MAX_OFFER_BYTES,
  MAX_CONTROL_BYTES,
  PAGE_PATH,
  WHEP_PATH,
  CONTROL_PATH,
  STATS_PATH,
} from './constants.js';
