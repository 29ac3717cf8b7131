/**
 * Every default, limit and user-facing message of the streaming controls, in one place.
 */
import { LEVELS } from '../encoding/index.js';

/** Default video of a Streamer: 1280x720 at 30 fps, 2.5 Mbit/s. */
export const DEFAULT_WIDTH = 1280;
export const DEFAULT_HEIGHT = 720;
export const DEFAULT_FRAME_RATE = 30;
export const DEFAULT_BITRATE_BPS = 2_500_000;
/** Slice worker threads per encode. */
export const DEFAULT_WORKERS = 2;
/** Seconds between periodic IDRs (0: IDRs only when asked: join, PLI/FIR, size or rate change). */
export const DEFAULT_KEYFRAME_INTERVAL_S = 2;
/**
 * A NACK we cannot answer means the receiver holds a frame it can never decode: an IDR now
 * instead of waiting for its PLI (libwebrtc waits about 3 s for a decodable frame first).
 * Further unanswerable NACKs within this many ms ask for no second IDR.
 */
export const UNREPAIRABLE_KEYFRAME_MIN_INTERVAL_MS = 500;
/** Opus target bitrate when `audio: true`. */
export const DEFAULT_AUDIO_BITRATE_BPS = 32_000;
/** A 440 Hz tone at half scale: audible and easy to check on the receiving side. */
export const AUDIO_TONE_HZ = 440;

/**
 * The highest level our peers negotiate: `profile-level-id=42e01f` (RFC 6184 section 8.1) is
 * level 3.1, whose MaxFS and MaxMBPS (ITU-T H.264 Annex A, Table A-1) bound size x rate.
 */
export const NEGOTIATED_LEVEL = LEVELS.find((l) => l.levelIdc === 31)!;
/** Smallest picture side: the picture stamp (8 x 8 cells of 8 samples) must fit. */
export const MIN_SIDE = 64;
export const MIN_FRAME_RATE = 1;
export const MAX_FRAME_RATE = 60;
/** Video bitrate bounds (bits/s): below 50 kbit/s nothing useful survives; 14 Mbit/s is level 3.1's Baseline MaxBR. */
export const MIN_BITRATE_BPS = 50_000;
export const MAX_BITRATE_BPS = NEGOTIATED_LEVEL.maxBrKbps * 1000;
/** Opus bounds (RFC 7587 section 7.1 recommends 6-510 kbit/s). */
export const MIN_AUDIO_BITRATE_BPS = 6_000;
export const MAX_AUDIO_BITRATE_BPS = 510_000;

/** RTP clock rates: H.264 90 kHz (RFC 6184 section 8.2.1), Opus 48 kHz (RFC 7587 section 4.1). */
export const VIDEO_CLOCK_KHZ = 90;
export const AUDIO_CLOCK_KHZ = 48;
/** Opus frames of 20 ms: 50 per second. */
export const AUDIO_FRAMES_PER_SECOND = 50;

/**
 * The rate control budgets bitrate / fps per picture. When encoding falls behind and the clock
 * skips frames, the pictures actually coded over the last RC_RATE_WINDOW_MS become its fps, so
 * the bitrate still meets the target; moved only when off by more than RC_RATE_HYSTERESIS.
 */
export const RC_RATE_WINDOW_MS = 1000;
export const RC_RATE_HYSTERESIS = 0.05;

/** Window of the latency percentiles and of the frame rates per rendition (ms). */
export const STATS_WINDOW_MS = 5_000;
/** At most this many latency samples are kept per subscriber (the window bounds them too). */
export const LATENCY_SAMPLES_MAX = 600;

export const Messages = {
  closed: 'the Streamer is closed',
  unknownSubscriber: (id: string) => `no subscriber with id "${id}"`,
  duplicateSubscriber: (id: string) => `a subscriber with id "${id}" already exists`,
  peerClosed: 'cannot subscribe a closed Peer',
  peerSubscribed: (id: string) => `this Peer is already subscribed as "${id}"`,
  notInteger: (field: string, value: unknown) => `${field} must be an integer, got ${String(value)}`,
  oddSize: (width: number, height: number) => `width and height must be even (4:2:0 chroma), got ${width}x${height}`,
  sizeRange: (width: number, height: number) => `size ${width}x${height} is outside ${MIN_SIDE}x${MIN_SIDE} .. level ${NEGOTIATED_LEVEL.levelIdc / 10} (at most ${NEGOTIATED_LEVEL.maxFs} macroblocks per picture)`,
  frameRate: (fps: unknown) => `frameRate must be a number in ${MIN_FRAME_RATE}..${MAX_FRAME_RATE}, got ${String(fps)}`,
  levelRate: (width: number, height: number, fps: number) => `${width}x${height} at ${fps} fps exceeds level ${NEGOTIATED_LEVEL.levelIdc / 10} (${NEGOTIATED_LEVEL.maxMbps} macroblocks per second)`,
  bitrate: (bps: unknown) => `bitrateBps must be a number in ${MIN_BITRATE_BPS}..${MAX_BITRATE_BPS}, got ${String(bps)}`,
  audioBitrate: (bps: unknown) => `audio bitrateBps must be an integer in ${MIN_AUDIO_BITRATE_BPS}..${MAX_AUDIO_BITRATE_BPS}, got ${String(bps)}`,
  workers: (n: unknown) => `workers must be an integer >= 1, got ${String(n)}`,
  preset: (p: unknown, names: readonly string[]) => `preset must be one of ${names.join(', ')}, got ${String(p)}`,
  keyframeInterval: (s: unknown) => `keyframeIntervalS must be a number >= 0, got ${String(s)}`,
  unknownField: (field: string) => `unknown video setting "${field}" (width, height, frameRate, bitrateBps)`,
  latency: (ms: unknown) => `a receiver latency must be a finite number of milliseconds >= 0, got ${String(ms)}`,
} as const;

/**
 * CPU relief (the encoder's `cpuRelief`): switched on when the smoothed encode time of a picture
 * exceeds this share of the frame interval, off again below CPU_RELIEF_OFF (the gap keeps it from
 * flapping: relief makes pictures about a quarter cheaper, so it stays on while it is needed).
 */
export const CPU_RELIEF_ON = 0.85;
export const CPU_RELIEF_OFF = 0.6;
/** Weight of the newest encode time in the smoothed one. */
export const CPU_RELIEF_SMOOTHING = 0.2;
