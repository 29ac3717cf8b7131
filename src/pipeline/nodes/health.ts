/**
 * HealthEmitterNode (RemoteMedia crates/core/src/nodes/health_emitter.rs, same parameter names
 * and event shapes): folds upstream analysis events (audio_level_event, silence_event,
 * clipping_event, channel_balance_event) into active issues (SILENCE, LOW_VOLUME,
 * SUSTAINED_SILENCE, INTERMITTENT_DROPOUTS, CLIPPING, CHANNEL_IMBALANCE, DEAD_CHANNEL) and the
 * lowest upstream health, and watches media frames' timing: a gap in capture time of at least
 * `freeze_threshold_ms` is a freeze; media time running ahead of or behind capture time by at
 * least `lead_threshold_ms` is drift (LEAD_JUMP). It emits `{type: health, score, alerts}` when
 * the score moves by `score_change_threshold` or the alerts change, plus `freeze` and `drift`
 * events when those alerts are raised. Timestamps (`ts`) are ISO 8601.
 */
import type { Frame } from '../frame.js';
import type { NodeContext } from '../node.js';
import { eventFrame } from './util.js';

export interface HealthParams {
  lead_threshold_ms: number;
  freeze_threshold_ms: number;
  av_skew_threshold_ms: number;
  cadence_cv_threshold: number;
  health_threshold: number;
  score_change_threshold: number;
}

const ISSUES: Record<string, [string, string][]> = {
  audio_level_event: [['is_silence', 'SILENCE'], ['is_low_volume', 'LOW_VOLUME']],
  silence_event: [['is_sustained_silence', 'SUSTAINED_SILENCE'], ['has_intermittent_dropouts', 'INTERMITTENT_DROPOUTS']],
  clipping_event: [['is_clipping', 'CLIPPING']],
  channel_balance_event: [['is_imbalanced', 'CHANNEL_IMBALANCE'], ['has_dead_channel', 'DEAD_CHANNEL']],
};

export function healthEmitter(p: HealthParams) {
  const issues = new Set<string>();
  const upstream = new Map<string, number>();
  const timing = new Set<string>();
  let first: { media: number; capture: number } | undefined;
  let lastCapture: number | undefined;
  let lastScore: number | undefined;
  let lastAlerts = '';
  const ts = (f: Frame) => new Date(f.captureTimeMs).toISOString();

  return async (frame: Frame, ctx: NodeContext) => {
    const events: Record<string, unknown>[] = [];
    if (frame.kind === 'data') {
      const v = frame.value as Record<string, unknown> | null | undefined;
      if (!v || typeof v !== 'object') return;
      const schema = typeof v._schema === 'string' ? v._schema : '';
      if (schema && typeof v.health === 'number') upstream.set(schema, v.health);
      for (const [field, issue] of ISSUES[schema] ?? []) {
        if (v[field] === true) issues.add(issue);
        else issues.delete(issue);
      }
    } else if (frame.kind === 'audio' || frame.kind === 'video') {
      if (!first) first = { media: frame.mediaTimeUs / 1000, capture: frame.captureTimeMs };
      if (lastCapture !== undefined) {
        const gap = frame.captureTimeMs - lastCapture;
        if (gap >= p.freeze_threshold_ms && !timing.has('FREEZE')) {
          timing.add('FREEZE');
          events.push({ type: 'freeze', ts: ts(frame), duration_ms: Math.round(gap) });
        } else if (gap < p.freeze_threshold_ms) timing.delete('FREEZE');
      }
      lastCapture = frame.captureTimeMs;
      const lead = frame.mediaTimeUs / 1000 - first.media - (frame.captureTimeMs - first.capture);
      if (Math.abs(lead) >= p.lead_threshold_ms) {
        if (!timing.has('LEAD_JUMP')) events.push({ type: 'drift', ts: ts(frame), lead_ms: Math.round(lead), threshold_ms: p.lead_threshold_ms });
        timing.add('LEAD_JUMP');
      } else timing.delete('LEAD_JUMP');
    } else return;
    const timingScore = 1 - 0.5 * timing.size;
    const score = Math.max(0, Math.min(timingScore, ...upstream.values()));
    const alerts = [...new Set([...timing, ...issues, ...(score < p.health_threshold ? ['HEALTH_LOW'] : [])])].sort();
    const key = alerts.filter((a) => a !== 'HEALTH_LOW').join(',');
    if (lastScore === undefined || Math.abs(score - lastScore) >= p.score_change_threshold || key !== lastAlerts) {
      events.push({ type: 'health', ts: ts(frame), score, alerts });
      lastScore = score;
      lastAlerts = key;
    }
    for (const e of events) await ctx.emit(eventFrame(frame, e));
  };
}
