/**
 * Opus format parameters and their offer/answer use (RFC 7587 sections 6.1 and 7).
 *
 * Most Opus parameters are declarations by the receiver about what it wants to receive
 * (stereo, useinbandfec, usedtx, cbr, maxaveragebitrate, maxplaybackrate, minptime): the
 * offer's values bound what the answerer sends, and the answer's values bound what the
 * offerer sends. `sprop-stereo` is the sender's own declaration. Unknown parameters in the
 * offer are not echoed (RFC 7587 section 7).
 */
import { OPUS_MAX_AVERAGE_BITRATE, OPUS_MIN_AVERAGE_BITRATE } from './constants.js';
import { tryDecimal } from './scan.js';

/** What a local endpoint wants to receive and can send. */
export interface OpusPreferences {
  /** Receive stereo (answer `stereo=1`). Default false. */
  readonly stereo?: boolean;
  /** We send stereo (answer `sprop-stereo=1`). Default false. */
  readonly sendStereo?: boolean;
  /** Ask for in-band FEC (answer `useinbandfec=1`). Default true, as browsers do. */
  readonly useInbandFec?: boolean;
  /** Ask for DTX (answer `usedtx=1`). Default false. */
  readonly useDtx?: boolean;
  /** Highest average bitrate we want to receive, bit/s (answer `maxaveragebitrate`). */
  readonly maxAverageBitrate?: number;
  /** Smallest packet time we want to receive, ms (answer `minptime`). Default 10. */
  readonly minPtime?: number;
  /** Highest bitrate we would send, bit/s (bounds the send configuration). */
  readonly sendBitrate?: number;
}

/** How we must encode what we send, from the offer's declarations. */
export interface OpusSendConfig {
  readonly stereo: boolean;
  readonly useInbandFec: boolean;
  readonly useDtx: boolean;
  readonly cbr: boolean;
  /** Upper bound for our average bitrate (bit/s), if the offer or local preference set one. */
  readonly maxAverageBitrate: number | undefined;
  /** Lower bound for our packet time (ms), if the offer set one. */
  readonly minPtime: number | undefined;
  /** Upper bound for the audio bandwidth we encode (Hz), if the offer set one. */
  readonly maxPlaybackRate: number | undefined;
}

export interface OpusNegotiation {
  /** The fmtp parameters for our answer. */
  readonly answerParameters: Map<string, string>;
  readonly send: OpusSendConfig;
}

/** RFC 7587 section 6.1: boolean parameters are "0" or "1"; anything else is the default 0. */
function flag(parameters: ReadonlyMap<string, string>, name: string): boolean {
  return parameters.get(name) === '1';
}

function clampBitrate(value: number): number {
  return Math.min(OPUS_MAX_AVERAGE_BITRATE, Math.max(OPUS_MIN_AVERAGE_BITRATE, value));
}

/** maxaveragebitrate from parameters, clamped to 6000-510000 (RFC 7587 section 6.1); undefined when absent or not a number. */
export function opusMaxAverageBitrate(parameters: ReadonlyMap<string, string>): number | undefined {
  const text = parameters.get('maxaveragebitrate');
  const value = text === undefined ? undefined : tryDecimal(text, Number.MAX_SAFE_INTEGER);
  return value === undefined ? undefined : clampBitrate(value);
}

function positive(parameters: ReadonlyMap<string, string>, name: string): number | undefined {
  const text = parameters.get(name);
  const value = text === undefined ? undefined : tryDecimal(text, Number.MAX_SAFE_INTEGER);
  return value === undefined || value === 0 ? undefined : value;
}

/**
 * Build our answer's Opus parameters and the configuration we must send with, from the
 * offer's parameters and our preferences (RFC 7587 section 7).
 */
export function negotiateOpus(offered: ReadonlyMap<string, string>, local: OpusPreferences = {}): OpusNegotiation {
  const answer = new Map<string, string>();
  answer.set('minptime', String(local.minPtime ?? 10));
  if (local.useInbandFec ?? true) answer.set('useinbandfec', '1');
  if (local.stereo) answer.set('stereo', '1');
  if (local.sendStereo) answer.set('sprop-stereo', '1');
  if (local.useDtx) answer.set('usedtx', '1');
  if (local.maxAverageBitrate !== undefined) answer.set('maxaveragebitrate', String(clampBitrate(local.maxAverageBitrate)));

  const offeredBitrate = opusMaxAverageBitrate(offered);
  const localSend = local.sendBitrate === undefined ? undefined : clampBitrate(local.sendBitrate);
  const maxAverageBitrate =
    offeredBitrate === undefined ? localSend : localSend === undefined ? offeredBitrate : Math.min(offeredBitrate, localSend);
  return {
    answerParameters: answer,
    send: {
      stereo: flag(offered, 'stereo') && (local.sendStereo ?? false),
      useInbandFec: flag(offered, 'useinbandfec'),
      useDtx: flag(offered, 'usedtx'),
      cbr: flag(offered, 'cbr'),
      maxAverageBitrate,
      minPtime: positive(offered, 'minptime'),
      maxPlaybackRate: positive(offered, 'maxplaybackrate'),
    },
  };
}
