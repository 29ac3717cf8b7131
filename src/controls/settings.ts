/**
 * Video settings of one encode (a rendition): picture size, frame rate and bitrate, checked
 * against what the peers negotiate (H.264 level 3.1, RFC 6184 section 8.1 profile-level-id
 * 42e01f; limits from ITU-T H.264 Annex A, Table A-1).
 */
import {
  DEFAULT_BITRATE_BPS,
  DEFAULT_FRAME_RATE,
  DEFAULT_HEIGHT,
  DEFAULT_WIDTH,
  MAX_BITRATE_BPS,
  MAX_FRAME_RATE,
  MIN_BITRATE_BPS,
  MIN_FRAME_RATE,
  MIN_SIDE,
  Messages,
  NEGOTIATED_LEVEL,
} from './constants.js';
import { ControlsError } from './errors.js';

export interface VideoSettings {
  width: number;
  height: number;
  frameRate: number;
  bitrateBps: number;
}

export const DEFAULT_VIDEO_SETTINGS: Readonly<VideoSettings> = Object.freeze({
  width: DEFAULT_WIDTH,
  height: DEFAULT_HEIGHT,
  frameRate: DEFAULT_FRAME_RATE,
  bitrateBps: DEFAULT_BITRATE_BPS,
});

const FIELDS = ['width', 'height', 'frameRate', 'bitrateBps'] as const;

function bad(message: string, field: string): ControlsError {
  return new ControlsError('bad-settings', message, field);
}

/**
 * `base` with `change` applied, validated as a whole: even sizes from 64 samples up, at most
 * level 3.1's MaxFS macroblocks per picture and MaxMBPS per second, frame rate 1..60, bitrate
 * 50 kbit/s .. level 3.1's MaxBR. Throws ControlsError('bad-settings') naming the field.
 */
export function mergeSettings(base: Readonly<VideoSettings>, change: Partial<VideoSettings> = {}): VideoSettings {
  for (const key of Object.keys(change)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw bad(Messages.unknownField(key), key);
  }
  const s: VideoSettings = {
    width: change.width ?? base.width,
    height: change.height ?? base.height,
    frameRate: change.frameRate ?? base.frameRate,
    bitrateBps: change.bitrateBps ?? base.bitrateBps,
  };
  for (const field of ['width', 'height'] as const) {
    if (!Number.isInteger(s[field])) throw bad(Messages.notInteger(field, s[field]), field);
  }
  if (s.width % 2 || s.height % 2) throw bad(Messages.oddSize(s.width, s.height), s.width % 2 ? 'width' : 'height');
  const mbs = Math.ceil(s.width / 16) * Math.ceil(s.height / 16);
  // A.3.1: each side at most sqrt(8 x MaxFS) macroblocks.
  const side = Math.sqrt(8 * NEGOTIATED_LEVEL.maxFs) * 16;
  if (s.width < MIN_SIDE || s.height < MIN_SIDE || mbs > NEGOTIATED_LEVEL.maxFs || s.width > side || s.height > side) {
    throw bad(Messages.sizeRange(s.width, s.height), s.width < MIN_SIDE || s.width > side ? 'width' : 'height');
  }
  if (typeof s.frameRate !== 'number' || !(s.frameRate >= MIN_FRAME_RATE && s.frameRate <= MAX_FRAME_RATE)) throw bad(Messages.frameRate(s.frameRate), 'frameRate');
  if (mbs * s.frameRate > NEGOTIATED_LEVEL.maxMbps) throw bad(Messages.levelRate(s.width, s.height, s.frameRate), 'frameRate');
  if (typeof s.bitrateBps !== 'number' || !(s.bitrateBps >= MIN_BITRATE_BPS && s.bitrateBps <= MAX_BITRATE_BPS)) throw bad(Messages.bitrate(s.bitrateBps), 'bitrateBps');
  return s;
}

/** One string per distinct setting: subscribers whose keys are equal share one encode. */
export function settingsKey(s: Readonly<VideoSettings>): string {
  return `${s.width}x${s.height}@${s.frameRate}/${s.bitrateBps}`;
}
