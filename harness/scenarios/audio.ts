/**
 * Scenario `audio-opus`: a src/peer `Peer` with audio only sends Opus (RFC 7587: one 20 ms
 * Opus packet per RTP packet, 48 kHz RTP clock) to Chromium over real ICE, DTLS and SRTP on
 * this machine. Source: `SyntheticAudioSource` (a sine at `toneHz`, half of full scale) ->
 * `OpusEncoder` (20 ms frames) -> `AudioSender.sendOpus`, paced in real time by `PacedClock`
 * (50 ticks per second, missed ticks sent in a burst so no frame is skipped).
 *
 * Chromium answers receive-only, plays the track and reports its audio inbound-rtp entry
 * (W3C webrtc-stats): packets per second, packets lost, interarrival jitter (RFC 3550
 * section 6.4.1 / A.8), concealed samples over samples received. A WebAudio analyser on the
 * received track proves Chrome decoded what we sent: its dominant frequency equals the tone
 * within a bin or two, and its level is that of the tone, not silence.
 *
 * Signaling: our Peer offers (send-only Opus), the page answers; candidates trickle both ways
 * (RFC 8838). A connection that libdatachannel refuses (the answer applied after its ICE
 * transport went away, see negotiate.ts) or whose DTLS handshake fails (libdatachannel
 * 0.24.5, see docs/peer.md) is made again on a new Peer, and the retry is noted.
 */
import type { Page } from 'puppeteer-core';
import { AUDIO_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, OpusEncoder, PacedClock, SyntheticAudioSource } from '../../src/encoding/index.js';
import { Peer } from '../../src/peer/index.js';
import { atLeast, atMost, isTrue, percentile, round } from '../checks.js';
import { servePage } from '../chromium.js';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { AUDIO_PAGE } from '../pages/audio-page.js';
import type { Check, Scenario, ScenarioContext } from '../types.js';
import { connectWithRetry, ConnectionFailed } from './negotiate.js';
import type { PageCall } from './page.js';

/** Opus packets per second: one per 20 ms frame (960 samples at 48 kHz). */
const PACKETS_PER_SECOND = AUDIO_SAMPLE_RATE / AUDIO_FRAME_SAMPLES;
/** Opus bitrate sent, bits/s (Chrome's own default for mono Opus). */
const OPUS_BITRATE = 32_000;
/** Amplitude of the tone, a fraction of full scale: RMS -9 dBFS. */
const TONE_AMPLITUDE = 0.5;
/** How often Chromium's statistics and the analyser are read. */
const POLL_MS = 1000;
/** Poll interval while waiting for the first packets, or for the last ones to arrive. */
const WAIT_POLL_MS = 100;
/** Once the analyser hears the stream, time for the jitter buffer and the analyser window to settle. */
const WARMUP_MS = 1000;
/** Shortest measurement window, whatever the duration. */
const MIN_MEASURE_MS = 2000;
/**
 * The analyser hears the stream once its level passes this (the tone is at -9 dBFS). Firefox
 * with PulseAudio's null sink held the first packets about 0.7 s in its jitter buffer, so a
 * fixed warm-up after the first packet once began the window on silence (a 21.5 Hz reading).
 */
const SOUND_FLOOR_DBFS = -40;
/** Longest wait, after the last packet was sent, for Chromium to count it. */
const DRAIN_MS = 1000;
const NOTE_ERRORS = 5;

export interface AudioInbound {
  /** Chromium's stats timestamp, ms. */
  timestamp: number;
  ssrc: number;
  packetsReceived: number;
  packetsLost: number;
  packetsDiscarded: number;
  bytesReceived: number;
  /** Seconds. */
  jitter: number;
  totalSamplesReceived: number;
  concealedSamples: number;
  silentConcealedSamples: number;
  concealmentEvents: number;
  insertedSamplesForDeceleration: number;
  removedSamplesForAcceleration: number;
  /** 0..1, linear. */
  audioLevel: number;
  totalAudioEnergy: number;
  totalSamplesDuration: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  codec: string | null;
}

export interface AnalyserReading {
  peakBin: number;
  peakHz: number;
  peakDb: number;
  binHz: number;
  rmsDbfs: number;
  sampleRate: number;
  contextState: string;
}

export interface AudioPageStats {
  connectionState: string;
  inbound: AudioInbound | null;
  analyser: AnalyserReading | null;
  errors: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Both bounds of a range: `min <= value <= max`. */
function within(name: string, value: number, min: number, max: number, unit: string, detail?: string): Check {
  return { name, value: round(value), unit, threshold: `>= ${min} and <= ${max}`, pass: Number.isFinite(value) && value >= min && value <= max, ...(detail ? { detail } : {}) };
}

/** Where the page's trickled candidates go: the Peer of the current attempt. */
interface CandidateSink {
  sink: ((candidate: string, mid: string) => void) | undefined;
}

/** Opens the audio page with the exposed function its trickled candidates come out of. */
async function openAudioPage(ctx: ScenarioContext): Promise<{ call: PageCall; candidates: CandidateSink }> {
  const browser = await ctx.chromium();
  const server = await servePage(AUDIO_PAGE);
  ctx.defer(() => server.close());
  const page: Page = await browser.newPage();
  const candidates: CandidateSink = { sink: undefined };
  await page.exposeFunction('chromeCandidate', (candidate: string, mid: string) => candidates.sink?.(candidate, mid));
  await page.goto(server.url);
  const call: PageCall = <T>(name: string, ...args: unknown[]) =>
    page.evaluate((fn: string, a: unknown[]) => (window as unknown as { conform: Record<string, (...x: unknown[]) => unknown> }).conform[fn]!(...a), name, args) as Promise<T>;
  ctx.defer(() => call('close').catch(() => undefined));
  return { call, candidates };
}

/**
 * One offer/answer with trickle ICE: our candidates go to the page once it holds our offer,
 * the page's go to the Peer (which holds them until it has the answer). Resolves once the
 * Peer is connected and its audio track open.
 */
async function connectOnce(ctx: ScenarioContext, n: number, call: PageCall, candidates: CandidateSink): Promise<Peer> {
  const peer = new Peer({ name: `conform-audio-${n}`, video: false, audio: true });
  ctx.defer(() => peer.close());
  let errors = 0;
  peer.on('error', (e) => {
    if (errors++ < NOTE_ERRORS) ctx.note(`attempt ${n}: peer error: ${e.message}`);
  });
  let described = false;
  const held: [string, string][] = [];
  peer.on('candidate', ({ candidate, mid }) => {
    if (described) void call('addCandidate', candidate, mid).catch(() => undefined);
    else held.push([candidate, mid]);
  });
  candidates.sink = (candidate, mid) => {
    if (peer.closed) return;
    try {
      peer.addRemoteCandidate(candidate, mid);
    } catch (e) {
      if (errors++ < NOTE_ERRORS) ctx.note(`attempt ${n}: Chromium candidate refused: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  try {
    ctx.progress('negotiating');
    const offer = await peer.createOffer();
    const answer = await call<string>('answer', offer.sdp);
    described = true;
    for (const [c, m] of held.splice(0)) await call('addCandidate', c, m);
    await peer.acceptAnswer(answer);
    ctx.progress('connecting');
    const start = performance.now();
    const ready = () => peer.connectionState === 'connected' && peer.audio?.isOpen === true;
    const over = () => peer.connectionState === 'failed' || peer.connectionState === 'closed' || performance.now() - start > CONNECT_TIMEOUT_MS;
    while (!ready() && !over()) await sleep(WAIT_POLL_MS / 5);
    if (!ready()) {
      const ms = Math.round(performance.now() - start);
      throw new ConnectionFailed(`no connection (peer ${peer.connectionState}, ICE ${peer.iceConnectionState}, Chromium ${await call<string>('state')} after ${ms} ms; timeout ${CONNECT_TIMEOUT_MS} ms)`);
    }
    return peer;
  } catch (error) {
    candidates.sink = undefined;
    peer.close();
    throw error;
  }
}

async function connect(ctx: ScenarioContext): Promise<{ peer: Peer; call: PageCall }> {
  const { call, candidates } = await openAudioPage(ctx);
  const peer = await connectWithRetry(ctx, (n) => connectOnce(ctx, n, call, candidates));
  return { peer, call };
}

/** Polls the page until `until` holds or the time is up; returns the last statistics. */
async function pollUntil(call: PageCall, until: (s: AudioPageStats) => boolean, timeoutMs: number): Promise<AudioPageStats> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const s = await call<AudioPageStats>('stats');
    if (until(s) || performance.now() >= end) return s;
    await sleep(WAIT_POLL_MS);
  }
}

const dbfs = (linear: number) => (linear > 0 ? 20 * Math.log10(linear) : -Infinity);

export const audioScenario: Scenario = {
  name: 'audio-opus',
  description:
    'A src/peer Peer (audio only) sends a synthetic tone as Opus (20 ms frames, real-time PacedClock) to Chromium over real ICE/DTLS/SRTP: ' +
    "packets per second, loss, jitter and concealment from Chromium's inbound-rtp; the tone's frequency and level through WebAudio.",
  defaults: {
    duration: 30,
    thresholds: {
      minPacketRate: 45,
      maxPacketRate: 55,
      maxConcealedPercent: 1,
      maxPacketsLost: 0,
      maxJitterMs: 10,
      toneHz: 440,
      maxFrequencyErrorBins: 2,
      minToneShare: 0.9,
      minLevelDbfs: -12,
    },
  },
  thresholdDocs: {
    minPacketRate: "packets per second Chromium's inbound-rtp received over the measurement window, at least",
    maxPacketRate: 'packets per second received, at most',
    maxConcealedPercent: 'concealedSamples / totalSamplesReceived over the window, %, at most',
    maxPacketsLost: "packetsLost reported by Chromium at the end, and packets we sent that Chromium did not count (0 on loopback), at most",
    maxJitterMs: "largest interarrival jitter Chromium reported during the window, ms, at most",
    toneHz: 'frequency of the sine sent, Hz (50..8000)',
    maxFrequencyErrorBins: "distance between the tone and the median dominant frequency of Chromium's decoded audio, analyser bins (sample rate / 8192: 5.4 Hz at 44.1 kHz), at most",
    minToneShare: 'share of analyser readings whose dominant frequency is within maxFrequencyErrorBins of the tone, at least',
    minLevelDbfs: 'median RMS level of the decoded audio (the tone is sent at -9 dBFS), dBFS, at least',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const toneHz = th.toneHz!;
    ctx.series('packet_rate', 'packets/s', "Packets received per second (Chromium's inbound-rtp)");
    ctx.series('concealed', '%', 'Concealed samples / samples received');
    ctx.series('jitter', 'ms', "Interarrival jitter (Chromium's getStats, whole ms)");
    ctx.series('rr_jitter', 'ms', "Interarrival jitter (Chromium's RTCP receiver reports)");
    ctx.series('level', 'dBFS', 'RMS level of the decoded audio (WebAudio)');
    ctx.series('chrome_level', 'dBFS', "Chromium's inbound-rtp audioLevel");
    ctx.series('frequency', 'Hz', 'Dominant frequency of the decoded audio (WebAudio)');

    const { peer, call } = await connect(ctx);
    const audio = peer.audio!;
    ctx.note(`connected in ${ctx.elapsed().toFixed(2)} s; selected pair ${JSON.stringify(peer.getStats().transport.selectedPair)}`);

    const source = new SyntheticAudioSource({ signal: { kind: 'tone', frequency: toneHz, amplitude: TONE_AMPLITUDE }, channels: 1 });
    const encoder = new OpusEncoder({ channels: 1, bitrate: OPUS_BITRATE, application: 'audio' });
    const clock = new PacedClock({ rate: PACKETS_PER_SECOND, whenBehind: 'burst' });
    let encodeErrors = 0;
    let firstEncodeError: string | undefined;
    const sending = clock.run(() => {
      try {
        audio.sendOpus(encoder.encode(source.next()));
      } catch (e) {
        encodeErrors++;
        firstEncodeError ??= e instanceof Error ? e.message : String(e);
      }
    });
    const stopSending = async () => {
      clock.stop();
      return sending;
    };
    ctx.defer(stopSending);

    ctx.progress('first packets');
    const flowing = await pollUntil(call, (s) => (s.inbound?.packetsReceived ?? 0) > 0 && s.analyser !== null, CONNECT_TIMEOUT_MS);
    if (!flowing.inbound || flowing.inbound.packetsReceived === 0) throw new Error(`Chromium received no audio within ${CONNECT_TIMEOUT_MS} ms (sent ${audio.getStats().packetsSent} packets; Chromium ${flowing.connectionState})`);
    if (!flowing.analyser) throw new Error(`Chromium received audio but played none into WebAudio (${flowing.errors.join('; ') || 'no error reported'})`);
    ctx.note(`first packets in Chromium after ${ctx.elapsed().toFixed(2)} s; codec ${flowing.inbound.codec ?? 'unknown'}; AudioContext ${flowing.analyser.sampleRate} Hz, ${flowing.analyser.contextState}, ${round(flowing.analyser.binHz, 2)} Hz per bin`);
    ctx.progress('waiting for sound');
    const heard = await pollUntil(call, (s) => (s.analyser?.rmsDbfs ?? -Infinity) > SOUND_FLOOR_DBFS, CONNECT_TIMEOUT_MS);
    ctx.note(heard.analyser && heard.analyser.rmsDbfs > SOUND_FLOOR_DBFS
      ? `the analyser heard the stream ${ctx.elapsed().toFixed(2)} s in (${round(heard.analyser.rmsDbfs, 1)} dBFS)`
      : `the analyser heard nothing above ${SOUND_FLOOR_DBFS} dBFS within ${CONNECT_TIMEOUT_MS} ms`);
    ctx.progress('warming up');
    await sleep(WARMUP_MS);

    // Measurement window: from the first poll after the warm-up to the last poll.
    const first = await call<AudioPageStats>('stats');
    if (!first.inbound) throw new Error('Chromium lost its audio inbound-rtp');
    const t0 = performance.now();
    const measureMs = Math.max(MIN_MEASURE_MS, ctx.duration * 1000 - ctx.elapsed() * 1000);
    let last = first.inbound;
    const windowRates: number[] = [];
    const jitters: number[] = [first.inbound.jitter * 1000];
    const readings: AnalyserReading[] = first.analyser ? [first.analyser] : [];
    const pageErrors = new Set<string>(first.errors);
    while (performance.now() - t0 < measureMs) {
      await sleep(Math.min(POLL_MS, measureMs - (performance.now() - t0)));
      const s = await call<AudioPageStats>('stats');
      s.errors.forEach((e) => pageErrors.add(e));
      if (!s.inbound) continue;
      const now = s.inbound;
      const dt = (now.timestamp - last.timestamp) / 1000;
      const samples = now.totalSamplesReceived - last.totalSamplesReceived;
      if (dt > 0) {
        const rate = (now.packetsReceived - last.packetsReceived) / dt;
        windowRates.push(rate);
        ctx.sample('packet_rate', rate);
      }
      if (samples > 0) ctx.sample('concealed', (100 * (now.concealedSamples - last.concealedSamples)) / samples);
      jitters.push(now.jitter * 1000);
      ctx.sample('jitter', now.jitter * 1000);
      const rr = audio.getStats().remote;
      if (rr.reports > 0) ctx.sample('rr_jitter', rr.jitterMs);
      ctx.sample('chrome_level', dbfs(now.audioLevel));
      if (s.analyser) {
        readings.push(s.analyser);
        ctx.sample('level', s.analyser.rmsDbfs);
        ctx.sample('frequency', s.analyser.peakHz);
      }
      ctx.progress('receiving', {
        'packets/s': windowRates.length ? windowRates[windowRates.length - 1]!.toFixed(1) : '-',
        'jitter ms': (now.jitter * 1000).toFixed(1),
        Hz: s.analyser ? s.analyser.peakHz.toFixed(0) : '-',
      });
      last = now;
    }
    const end = last;
    const clockStats = await stopSending();

    // Every packet we sent should reach Chromium's counters; wait briefly for the last ones.
    const sent = audio.getStats();
    const drained = await pollUntil(call, (s) => (s.inbound?.packetsReceived ?? 0) >= sent.packetsSent, DRAIN_MS);
    const final = drained.inbound ?? end;
    drained.errors.forEach((e) => pageErrors.add(e));

    const checks: Check[] = [];
    const seconds = (end.timestamp - first.inbound.timestamp) / 1000;
    const packetRate = (end.packetsReceived - first.inbound.packetsReceived) / seconds;
    checks.push(within('packets received per second', packetRate, th.minPacketRate!, th.maxPacketRate!, 'packets/s',
      `${end.packetsReceived - first.inbound.packetsReceived} packets in ${seconds.toFixed(2)} s (Chromium's clock); 1 s windows ${windowRates.length ? `${round(Math.min(...windowRates), 1)}..${round(Math.max(...windowRates), 1)}` : 'none'}`));

    const samples = end.totalSamplesReceived - first.inbound.totalSamplesReceived;
    const concealed = end.concealedSamples - first.inbound.concealedSamples;
    checks.push(atMost('concealed samples', samples > 0 ? (100 * concealed) / samples : Number.NaN, th.maxConcealedPercent!, '%',
      `${concealed} of ${samples} samples concealed (${end.silentConcealedSamples - first.inbound.silentConcealedSamples} silent), ${end.concealmentEvents - first.inbound.concealmentEvents} concealment events in the window`));
    checks.push(atMost('packets lost', final.packetsLost, th.maxPacketsLost!, 'packets', `Chromium's packetsLost at the end; ${final.packetsDiscarded} discarded`));
    checks.push(atMost('packets sent but not received', sent.packetsSent - final.packetsReceived, th.maxPacketsLost!, 'packets',
      `${sent.packetsSent} RTP packets sent (${sent.sendFailures} send failures), ${final.packetsReceived} counted by Chromium`));
    checks.push(atMost('interarrival jitter (largest reading)', Math.max(...jitters), th.maxJitterMs!, 'ms', `median ${round(percentile(jitters, 50), 2)} ms over ${jitters.length} readings (Chromium reports audio jitter in whole ms)`));

    const binHz = readings[0]?.binHz ?? Number.NaN;
    const freqs = readings.map((r) => r.peakHz);
    const median = percentile(freqs, 50);
    const onTone = freqs.filter((f) => Math.abs(f - toneHz) <= th.maxFrequencyErrorBins! * binHz).length;
    checks.push(atMost('dominant frequency of the decoded audio vs the tone', Math.abs(median - toneHz) / binHz, th.maxFrequencyErrorBins!, 'bins',
      `median ${round(median, 1)} Hz (tone ${toneHz} Hz, ${round(binHz, 2)} Hz per bin) over ${freqs.length} readings, range ${freqs.length ? `${round(Math.min(...freqs), 1)}..${round(Math.max(...freqs), 1)}` : 'none'} Hz`));
    checks.push(atLeast('analyser readings on the tone', freqs.length ? onTone / freqs.length : 0, th.minToneShare!, 'ratio', `${onTone} of ${freqs.length}`));
    const levels = readings.map((r) => r.rmsDbfs);
    checks.push(atLeast('level of the decoded audio (median RMS)', percentile(levels, 50), th.minLevelDbfs!, 'dBFS',
      `sent at ${round(dbfs(TONE_AMPLITUDE / Math.SQRT2), 1)} dBFS; readings ${levels.length ? `${round(Math.min(...levels), 1)}..${round(Math.max(...levels), 1)}` : 'none'} dBFS; Chromium audioLevel ${round(dbfs(end.audioLevel), 1)} dBFS`));
    checks.push(isTrue('Chromium decodes Opus at 48 kHz', /^audio\/opus\/48000/i.test(final.codec ?? ''), final.codec ?? 'no codec reported'));
    checks.push(isTrue('no errors while sending or in the page', encodeErrors === 0 && pageErrors.size === 0,
      [...(firstEncodeError ? [`${encodeErrors} send errors, first: ${firstEncodeError}`] : []), ...[...pageErrors].slice(0, 3)].join('; ') || undefined));

    ctx.note(`clock: ${clockStats.ticks} ticks, ${clockStats.lateTicks} late (>= 10 ms), max lateness ${round(clockStats.maxLatenessMs, 2)} ms, mean ${round(clockStats.meanLatenessMs, 3)} ms`);
    const jb = end.jitterBufferEmittedCount - first.inbound.jitterBufferEmittedCount;
    if (jb > 0) ctx.note(`Chromium jitter buffer delay ${round((1000 * (end.jitterBufferDelay - first.inbound.jitterBufferDelay)) / jb, 1)} ms on average in the window`);
    ctx.note(`Chromium's receiver reports about our stream: ${sent.remote.reports} reports, cumulative lost ${sent.remote.cumulativeLost}, jitter ${round(sent.remote.jitterMs, 2)} ms`);
    ctx.note(`Opus ${OPUS_BITRATE / 1000} kbit/s mono, tone ${toneHz} Hz at ${TONE_AMPLITUDE} of full scale; ${round((8 * (end.bytesReceived - first.inbound.bytesReceived)) / 1000 / Math.max(seconds, 1e-3), 1)} kbit/s payload received`);
    return checks;
  },
};
