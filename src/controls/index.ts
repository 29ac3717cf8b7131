/**
 * `spellbook/controls`: a Streamer that encodes synthetic 720p30 H.264 and Opus once per
 * distinct setting and sends it through src/peer to several subscribers, with live bitrate,
 * frame rate and resolution changes, start/stop and statistics. No side effects.
 */
export { Streamer, type StreamerOptions, type SubscribeOptions, type StreamerStats, type StreamerTotals, type StreamerEvents } from './streamer.js';
export { Subscriber, type SubscriberStats, type MediaStats, type LatencyStats } from './subscriber.js';
export type { RenditionStats, KeyframeCause } from './rendition.js';
export type { AudioStats } from './audio.js';
export { mergeSettings, settingsKey, DEFAULT_VIDEO_SETTINGS, type VideoSettings } from './settings.js';
export { ControlsError, type ControlsErrorCode } from './errors.js';
export {
  DEFAULT_BITRATE_BPS,
  DEFAULT_FRAME_RATE,
  DEFAULT_WIDTH,
  DEFAULT_HEIGHT,
  DEFAULT_WORKERS,
  DEFAULT_KEYFRAME_INTERVAL_S,
  DEFAULT_AUDIO_BITRATE_BPS,
  MIN_BITRATE_BPS,
  MAX_BITRATE_BPS,
  MIN_FRAME_RATE,
  MAX_FRAME_RATE,
  STATS_WINDOW_MS,
} from './constants.js';
