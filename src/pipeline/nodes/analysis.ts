/**
 * The stream-health analysis nodes, with RemoteMedia's parameter names, defaults, event fields
 * and `_schema` tags (crates/core/src/nodes/{audio_level,silence_detector,clipping_detector,
 * channel_balance}.rs): each audio frame in, one JSON event out. Levels are RMS and peak in
 * dBFS (full scale 1.0; -120 for digital silence).
 */
import type { AudioFrame, Frame } from '../frame.js';
import type { NodeContext } from '../node.js';
import { eventFrame, eventTail, peak, rms, toDb } from './util.js';

export interface AudioLevelParams { low_volume_threshold_db: number; silence_threshold_db: number }

/** AudioLevelNode: RMS and peak level, silence and low volume, health 0..1. */
export function audioLevel(p: AudioLevelParams) {
  return (f: AudioFrame) => {
    const rmsDb = toDb(rms(f.samples));
    const peakDb = toDb(peak(f.samples));
    const isSilence = rmsDb <= p.silence_threshold_db;
    const isLow = !isSilence && rmsDb <= p.low_volume_threshold_db;
    const health = isSilence ? 0 : rmsDb >= p.low_volume_threshold_db ? 1 : Math.min(1, Math.max(0, (rmsDb - p.silence_threshold_db) / (p.low_volume_threshold_db - p.silence_threshold_db)));
    return { rms_db: rmsDb, peak_db: peakDb, is_low_volume: isLow, is_silence: isSilence, health, ...eventTail(f), _schema: 'audio_level_event' };
  };
}

export interface SilenceParams { silence_threshold_db: number; sustained_silence_ms: number; dropout_count_threshold: number; dropout_window_ms: number }

/**
 * SilenceDetectorNode: silence duration, sustained silence and intermittent dropouts (silent
 * onsets within a window). Durations count frames per channel (RemoteMedia counts interleaved
 * samples, which doubles durations for stereo; we do not).
 */
export function silenceDetector(p: SilenceParams) {
  let silentFrames = 0;
  let wasSilent = false;
  const onsets: number[] = [];
  return (f: AudioFrame) => {
    const rmsDb = toDb(rms(f.samples));
    const isSilent = rmsDb <= p.silence_threshold_db;
    silentFrames = isSilent ? silentFrames + f.samples.length / f.channels : 0;
    const durationMs = (silentFrames * 1000) / f.sampleRate;
    const sustained = durationMs >= p.sustained_silence_ms;
    const nowUs = f.mediaTimeUs;
    if (isSilent && !wasSilent) onsets.push(nowUs);
    while (onsets.length && nowUs - onsets[0]! >= p.dropout_window_ms * 1000) onsets.shift();
    wasSilent = isSilent;
    const health = !isSilent ? 1 : sustained ? 0 : 1 - durationMs / p.sustained_silence_ms;
    return { is_silent: isSilent, rms_db: rmsDb, silence_duration_ms: durationMs, is_sustained_silence: sustained, dropout_count: onsets.length, has_intermittent_dropouts: onsets.length >= p.dropout_count_threshold, health, ...eventTail(f), _schema: 'silence_event' };
  };
}

export interface ClippingParams { saturation_threshold: number; saturation_ratio_threshold: number; crest_factor_threshold_db: number }

/**
 * ClippingDetectorNode: percentage of samples at or over the saturation threshold, and the crest
 * factor (peak over RMS, dB; a clean sine is 3.01 dB, a square wave 0). Clipping when the ratio
 * reaches its threshold or the crest factor falls to its threshold.
 */
export function clippingDetector(p: ClippingParams) {
  return (f: AudioFrame) => {
    let saturated = 0;
    for (let i = 0; i < f.samples.length; i++) if (Math.abs(f.samples[i]!) >= p.saturation_threshold) saturated++;
    const ratio = f.samples.length ? (saturated / f.samples.length) * 100 : 0;
    const r = rms(f.samples);
    const crest = f.samples.length === 0 ? 0 : r <= 0 ? 20 : 20 * Math.log10(peak(f.samples) / r);
    const isClipping = ratio >= p.saturation_ratio_threshold || crest <= p.crest_factor_threshold_db;
    const health = Math.max(0, 1 - Math.min(1, ratio / p.saturation_ratio_threshold));
    return { saturation_ratio: ratio, crest_factor_db: crest, is_clipping: isClipping, health, ...eventTail(f), _schema: 'clipping_event' };
  };
}

export interface BalanceParams { imbalance_threshold_db: number; dead_channel_threshold_db: number }

/** ChannelBalanceNode: left/right RMS, imbalance and a dead channel, for stereo (mono is balanced). */
export function channelBalance(p: BalanceParams) {
  return (f: AudioFrame) => {
    if (f.channels !== 2) return { left_rms_db: 0, right_rms_db: 0, balance_ratio: 1, imbalance_db: 0, is_imbalanced: false, has_dead_channel: false, dead_channel: 'none', health: 1, ...eventTail(f), _schema: 'channel_balance_event' };
    const l = rms(f.samples, 0, 2);
    const r = rms(f.samples, 1, 2);
    const lDb = toDb(l);
    const rDb = toDb(r);
    // JSON has no infinity: a silent right channel against a live left gives null, as serde_json writes f32::INFINITY.
    const ratio = r > 0 ? l / r : l > 0 ? null : 1;
    const imbalance = lDb - rDb;
    const lDead = lDb <= p.dead_channel_threshold_db;
    const rDead = rDb <= p.dead_channel_threshold_db;
    const dead = lDead !== rDead;
    const which = lDead && !rDead ? 'left' : rDead && !lDead ? 'right' : 'none';
    const health = dead ? 0 : Math.max(0, 1 - Math.min(1, Math.abs(imbalance) / p.imbalance_threshold_db));
    return { left_rms_db: lDb, right_rms_db: rDb, balance_ratio: ratio, imbalance_db: imbalance, is_imbalanced: dead || Math.abs(imbalance) >= p.imbalance_threshold_db, has_dead_channel: dead, dead_channel: which, health, ...eventTail(f), _schema: 'channel_balance_event' };
  };
}

/** Wrap a per-frame analysis into a node's process(): audio in, its event out. */
export function analyse(compute: (f: AudioFrame) => Record<string, unknown>) {
  return (frame: Frame, ctx: NodeContext) => {
    if (frame.kind !== 'audio') return;
    return ctx.emit(eventFrame(frame, compute(frame)));
  };
}
