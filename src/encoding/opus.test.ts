import { describe, expect, it } from 'vitest';
import { OpusPacketizer, RtpPacket, isOpusDtx, opusPacketSamples } from '../rtp/index.js';
import { SyntheticAudioSource, type AudioSignal } from './audio-synthetic.js';
import { OpusDecoder, OpusEncoder, OpusError, parseOpusToc, type OpusEncoderOptions } from './opus.js';

const FRAME = 960;
const tone: AudioSignal = { kind: 'tone', frequency: 1000, amplitude: 0.5 };
const logSweep: AudioSignal = { kind: 'sweep', from: 100, to: 10_000, periodSeconds: 1, shape: 'log', amplitude: 0.5 };

/** Encode `frames` 20 ms mono frames of `signal`; the source PCM and the packets. */
function encodeSignal(signal: AudioSignal, frames: number, options: OpusEncoderOptions) {
  const encoder = new OpusEncoder(options);
  const source = new SyntheticAudioSource({ signal });
  const pcm = new Int16Array(FRAME * frames);
  const packets: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    const frame = source.next();
    pcm.set(frame, i * FRAME);
    packets.push(encoder.encode(frame));
  }
  return { encoder, pcm, packets };
}

function decodeAll(packets: (Uint8Array | null)[]): Int16Array {
  const decoder = new OpusDecoder();
  const out = new Int16Array(FRAME * packets.length);
  packets.forEach((p, i) => out.set(decoder.decode(p), i * FRAME));
  return out;
}

/** The lag (0..maxLag) maximising the cross-correlation of `decoded` with `source` over [from, to). */
function delayByCrossCorrelation(source: Int16Array, decoded: Int16Array, from: number, to: number, maxLag: number): number {
  let best = -Infinity;
  let bestLag = 0;
  for (let lag = 0; lag <= maxLag; lag++) {
    let c = 0;
    for (let i = from; i < to; i++) c += source[i] * decoded[i + lag];
    if (c > best) {
      best = c;
      bestLag = lag;
    }
  }
  return bestLag;
}

/** SNR in dB of `x` (read `lag` samples later) against `ref` over [from, to). */
function snr(ref: Int16Array, x: Int16Array, lag: number, from: number, to: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    const d = ref[i] - x[i + lag];
    signal += ref[i] * ref[i];
    noise += d * d;
  }
  return 10 * Math.log10(signal / noise);
}

/** The OpusError code `f` throws, or 'no error'. */
function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OpusError);
    return (e as OpusError).code;
  }
  return 'no error';
}

const averageKbps = (packets: Uint8Array[]) => (packets.reduce((n, p) => n + p.length, 0) * 8) / (packets.length * 0.02) / 1000;

describe('OpusEncoder and OpusDecoder', () => {
  it('finds the codec delay by cross-correlation of a sweep: it equals the encoder lookahead', () => {
    const { encoder, pcm, packets } = encodeSignal(logSweep, 100, { application: 'audio', bitrate: 64_000 });
    const decoded = decodeAll(packets);
    const delay = delayByCrossCorrelation(pcm, decoded, 4800, 52_800, 1000);
    console.log(`codec delay by cross-correlation: ${delay} samples; encoder lookahead ${encoder.lookahead}`);
    expect(Math.abs(delay - encoder.lookahead)).toBeLessThanOrEqual(1);
  });

  it('a 1 kHz tone at 64 kbps decodes with SNR above 20 dB once aligned', () => {
    const figures: string[] = [];
    for (const application of ['audio', 'voip'] as const) {
      const { encoder, pcm, packets } = encodeSignal(tone, 100, { application, bitrate: 64_000 });
      const decoded = decodeAll(packets);
      const dB = snr(pcm, decoded, encoder.lookahead, 4800, pcm.length - 2000);
      figures.push(`${application} ${dB.toFixed(1)} dB`);
      expect(dB).toBeGreaterThan(20);
      // Misaligned by a quarter period (12 samples), the same output is far off: the SNR measures the alignment too.
      expect(snr(pcm, decoded, encoder.lookahead + 12, 4800, pcm.length - 2000)).toBeLessThan(3);
    }
    console.log(`1 kHz tone at 64 kbps, SNR: ${figures.join(', ')}`);
  });

  it('a log sweep at 64 kbps decodes with SNR above 20 dB once aligned', () => {
    const { encoder, pcm, packets } = encodeSignal(logSweep, 100, { application: 'audio', bitrate: 64_000 });
    const dB = snr(pcm, decodeAll(packets), encoder.lookahead, 4800, pcm.length - 2000);
    console.log(`100 Hz-10 kHz log sweep at 64 kbps (audio), SNR ${dB.toFixed(1)} dB`);
    expect(dB).toBeGreaterThan(20);
  });

  it('packet sizes follow the bitrate, also when changed while running', () => {
    const encoder = new OpusEncoder({ application: 'audio', bitrate: 16_000 });
    const source = new SyntheticAudioSource({ signal: logSweep });
    const at16: Uint8Array[] = [];
    const at64: Uint8Array[] = [];
    for (let i = 0; i < 100; i++) at16.push(encoder.encode(source.next()));
    encoder.bitrate = 64_000;
    expect(encoder.bitrate).toBe(64_000);
    for (let i = 0; i < 100; i++) at64.push(encoder.encode(source.next()));
    const low = averageKbps(at16);
    const high = averageKbps(at64);
    console.log(`2 s of sweep: ${low.toFixed(1)} kbit/s at 16k, ${high.toFixed(1)} kbit/s at 64k (ratio ${(high / low).toFixed(2)})`);
    expect(Math.abs(low - 16) / 16).toBeLessThan(0.25);
    expect(Math.abs(high - 64) / 64).toBeLessThan(0.25);
    expect(high / low).toBeGreaterThan(3);
    expect(high / low).toBeLessThan(5);
  });

  it('DTX sends packets of at most 2 bytes during silence, and full packets without it', () => {
    const sizes = (dtx: boolean) => encodeSignal({ kind: 'silence' }, 100, { dtx }).packets.map((p) => p.length);
    const withDtx = sizes(true);
    const without = sizes(false);
    const tiny = withDtx.filter((n) => n <= 2).length;
    console.log(`2 s of silence: ${tiny}/100 packets of <= 2 bytes with DTX (largest ${Math.max(...withDtx)} bytes); without DTX every packet is ${Math.min(...without)}-${Math.max(...without)} bytes`);
    expect(tiny).toBeGreaterThanOrEqual(80);
    expect(without.every((n) => n > 2)).toBe(true);
  });

  it('in-band FEC rebuilds lost frames far better than concealment', () => {
    const lost = [30, 50, 70];
    const meanLostSnr = (fec: boolean) => {
      const { packets } = encodeSignal(logSweep, 100, { bitrate: 32_000, fec, packetLossPercent: 20 });
      const reference = decodeAll(packets);
      const plc = new OpusDecoder();
      const fromFec = new OpusDecoder();
      const outPlc = new Int16Array(reference.length);
      const outFec = new Int16Array(reference.length);
      packets.forEach((p, i) => {
        const isLost = lost.includes(i);
        const a = plc.decode(isLost ? null : p);
        expect(a.length).toBe(FRAME);
        outPlc.set(a, i * FRAME);
        const b = isLost ? fromFec.decodeFec(packets[i + 1]) : fromFec.decode(p);
        expect(b.length).toBe(FRAME);
        outFec.set(b, i * FRAME);
      });
      const mean = (out: Int16Array) => lost.reduce((s, k) => s + snr(reference, out, 0, k * FRAME, (k + 1) * FRAME), 0) / lost.length;
      return { plc: mean(outPlc), fec: mean(outFec), same: outPlc.every((v, i) => v === outFec[i]) };
    };
    const on = meanLostSnr(true);
    const off = meanLostSnr(false);
    console.log(`lost frames vs lossless decode: FEC on ${on.fec.toFixed(1)} dB (PLC ${on.plc.toFixed(1)} dB); FEC off: decodeFec ${off.fec.toFixed(1)} dB = PLC`);
    expect(on.fec).toBeGreaterThan(on.plc + 6);
    // Without FEC data in the next packet, decodeFec falls back to concealment exactly.
    expect(off.same).toBe(true);
  });

  it('conceals lost packets with decode(null) at the right length, mono and stereo', () => {
    for (const channels of [1, 2] as const) {
      const encoder = new OpusEncoder({ channels, fec: true, packetLossPercent: 10 });
      const decoder = new OpusDecoder({ channels });
      const source = new SyntheticAudioSource({ signal: tone, channels });
      for (let i = 0; i < 20; i++) {
        const packet = encoder.encode(source.next());
        const out = decoder.decode(i % 3 === 1 ? null : packet);
        expect(out.length).toBe(FRAME * channels);
        expect(decoder.lastPacketDuration).toBe(FRAME);
      }
      expect(decoder.decode(null).length).toBe(FRAME * channels); // several in a row
      expect(decoder.decode(null).length).toBe(FRAME * channels);
    }
  });

  it('settings change while running and read back', () => {
    const encoder = new OpusEncoder();
    expect([encoder.bitrate, encoder.fec, encoder.packetLossPercent, encoder.dtx]).toEqual([32_000, false, 0, false]);
    encoder.fec = true;
    encoder.packetLossPercent = 15;
    encoder.dtx = true;
    encoder.bitrate = 24_000;
    expect([encoder.bitrate, encoder.fec, encoder.packetLossPercent, encoder.dtx]).toEqual([24_000, true, 15, true]);
  });

  it('throws OpusError for wrong frame sizes, sample rates, options and packets', () => {
    const encoder = new OpusEncoder({ channels: 2 });
    expect(code(() => encoder.encode(new Int16Array(960)))).toBe('bad-frame-size'); // mono-sized frame to a stereo encoder
    expect(code(() => encoder.encode(new Int16Array(1000 * 2)))).toBe('bad-frame-size');
    expect(code(() => new OpusEncoder({ sampleRate: 44_100 as 48_000 }))).toBe('bad-sample-rate');
    expect(code(() => new OpusDecoder({ sampleRate: 22_050 as 48_000 }))).toBe('bad-sample-rate');
    expect(code(() => new OpusEncoder({ channels: 3 as 2 }))).toBe('bad-channels');
    expect(code(() => (encoder.bitrate = 100))).toBe('bad-option');
    expect(code(() => (encoder.packetLossPercent = 101))).toBe('bad-option');
    const decoder = new OpusDecoder();
    expect(code(() => decoder.decode(new Uint8Array(0)))).toBe('bad-packet');
    // Two 20 ms CELT frames in one packet (code 3, RFC 6716 3.2.5): 40 ms, not a 20 ms frame.
    const one = new OpusEncoder({ application: 'audio', bitrate: 64_000 }).encode(new Int16Array(960));
    const body = one.subarray(1);
    const twoFrames = Uint8Array.of(one[0] | 3, 2, ...body, ...body);
    expect(code(() => decoder.decode(twoFrames))).toBe('bad-packet');
    expect(decoder.decode(one).length).toBe(960); // still usable after an error
  });

  it('2,000 random packets each decode to 960 samples or throw OpusError, and the decoder goes on', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const decoder = new OpusDecoder({ channels: 2 });
    const outcomes = { decoded: 0, rejected: 0 };
    for (let i = 0; i < 2000; i++) {
      const packet = new Uint8Array(1 + Math.floor(random() * 300));
      for (let k = 0; k < packet.length; k++) packet[k] = Math.floor(random() * 256);
      try {
        expect(decoder.decode(packet).length).toBe(960 * 2);
        outcomes.decoded++;
      } catch (e) {
        expect(e).toBeInstanceOf(OpusError);
        expect(['bad-packet', 'codec']).toContain((e as OpusError).code);
        outcomes.rejected++;
      }
    }
    console.log(`random packets: ${outcomes.decoded} decoded as 20 ms, ${outcomes.rejected} rejected with OpusError`);
    expect(outcomes.decoded).toBeGreaterThan(0);
    expect(outcomes.rejected).toBeGreaterThan(0);
    const packet = new OpusEncoder({ channels: 2 }).encode(new Int16Array(1920));
    expect(decoder.decode(packet).length).toBe(1920);
  });

  it('16 kHz input still gives 20 ms packets that advance the 48 kHz RTP clock by 960', () => {
    const encoder = new OpusEncoder({ sampleRate: 16_000, bitrate: 24_000 });
    expect(encoder.frameSize).toBe(320);
    expect(encoder.rtpTimestampStep).toBe(960);
    const pcm = new Int16Array(320);
    for (let i = 0; i < 320; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16_000));
    const packet = encoder.encode(pcm);
    expect(parseOpusToc(packet[0]).frameMs).toBe(20);
    expect(opusPacketSamples(packet)).toBe(960);
    expect(new OpusDecoder({ sampleRate: 16_000 }).decode(packet).length).toBe(320);
  });
});

/** Frequency by rising zero crossings (first to last, interpolated) and RMS level of mono samples. */
function toneFigures(x: Float32Array, sampleRate: number): { frequency: number; rms: number } {
  const rising: number[] = [];
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) rising.push(i - 1 + x[i - 1] / (x[i - 1] - x[i]));
  let sum = 0;
  for (const v of x) sum += v * v;
  return { frequency: ((rising.length - 1) * sampleRate) / (rising[rising.length - 1] - rising[0]), rms: Math.sqrt(sum / x.length) };
}

describe('OpusDecoder float output and concealment', () => {
  it('a 440 Hz tone encoded by our encoder decodes to 440 Hz at the level it was sent (zero crossings, RMS)', () => {
    const figures: string[] = [];
    for (const sampleRate of [48_000, 16_000] as const) {
      const { packets } = encodeSignal({ kind: 'tone', frequency: 440, amplitude: 0.5 }, 100, { bitrate: 32_000 });
      const decoder = new OpusDecoder({ sampleRate });
      const chunks = packets.map((p) => decoder.decodeFloat(p));
      chunks.forEach((c) => expect(c.length).toBe(decoder.frameSize));
      const pcm = new Float32Array(chunks.length * decoder.frameSize);
      chunks.forEach((c, i) => pcm.set(c, i * decoder.frameSize));
      // Skip the first 100 ms (codec delay and its start-up).
      const { frequency, rms } = toneFigures(pcm.subarray(sampleRate / 10), sampleRate);
      figures.push(`${sampleRate} Hz out: ${frequency.toFixed(2)} Hz, RMS ${rms.toFixed(3)}`);
      expect(Math.abs(frequency - 440)).toBeLessThan(1);
      // A sine of amplitude 0.5 has RMS 0.5 / sqrt(2) = 0.354.
      expect(Math.abs(rms - 0.5 / Math.SQRT2)).toBeLessThan(0.05);
      expect(pcm.every((v) => v >= -1 && v < 1)).toBe(true);
    }
    console.log(`440 Hz tone through Opus: ${figures.join('; ')}`);
  });

  it('decodeFloat takes packets of any legal duration; decodeLost conceals with libopus PLC, or FEC from the next packet', () => {
    const encoder = new OpusEncoder({ application: 'audio', bitrate: 64_000 });
    const one = encoder.encode(new Int16Array(960));
    const body = one.subarray(1);
    // Two 20 ms frames in one packet (code 3, RFC 6716 3.2.5): 40 ms.
    const twoFrames = Uint8Array.of(one[0] | 3, 2, ...body, ...body);
    const decoder = new OpusDecoder({ channels: 2 });
    expect(decoder.decodeFloat(twoFrames).length).toBe(1920 * 2);
    // Concealment continues the tone rather than writing zeros.
    const { packets } = encodeSignal({ kind: 'tone', frequency: 440, amplitude: 0.5 }, 30, { fec: true, packetLossPercent: 20 });
    const plc = new OpusDecoder();
    for (const p of packets.slice(0, 20)) plc.decodeFloat(p);
    const concealed = plc.decodeLost(960);
    expect(concealed.length).toBe(960);
    expect(toneFigures(concealed, 48_000).rms).toBeGreaterThan(0.05);
    expect(plc.decodeLost(480 * 5).length).toBe(2400); // 50 ms in one call
    const fec = new OpusDecoder();
    for (const p of packets.slice(0, 20)) fec.decodeFloat(p);
    const fromFec = fec.decodeLost(960, packets[21]);
    expect(toneFigures(fromFec, 48_000).rms).toBeGreaterThan(0.1);
    expect(fec.decodeFloat(packets[21]).length).toBe(960);
    expect(code(() => plc.decodeLost(100))).toBe('bad-frame-size'); // not a multiple of 2.5 ms
    expect(code(() => plc.decodeLost(5760 + 120))).toBe('bad-frame-size'); // over 120 ms
    expect(code(() => plc.decodeFloat(new Uint8Array(0)))).toBe('bad-packet');
    expect(code(() => plc.decodeFloat(Uint8Array.of(0xff, 0xff)))).toBe('bad-packet'); // code 3, 63 frames of 20 ms: far over 120 ms
    expect(plc.samplesFromRtp(960)).toBe(960);
    expect(new OpusDecoder({ sampleRate: 16_000 }).samplesFromRtp(960)).toBe(320);
  });
});

describe('parseOpusToc', () => {
  it('reads mode, bandwidth and duration of the configs of RFC 6716 Table 2', () => {
    expect(parseOpusToc(1 << 3)).toMatchObject({ config: 1, mode: 'silk', bandwidth: 'narrowband', frameMs: 20, stereo: false, frameCountCode: 0 });
    expect(parseOpusToc((9 << 3) | 4)).toMatchObject({ mode: 'silk', bandwidth: 'wideband', frameMs: 20, stereo: true });
    expect(parseOpusToc((15 << 3) | 1)).toMatchObject({ mode: 'hybrid', bandwidth: 'fullband', frameMs: 20, frameCountCode: 1 });
    expect(parseOpusToc(12 << 3)).toMatchObject({ mode: 'hybrid', bandwidth: 'superwideband', frameMs: 10 });
    expect(parseOpusToc(31 << 3)).toMatchObject({ mode: 'celt', bandwidth: 'fullband', frameMs: 20 });
    expect(parseOpusToc(16 << 3)).toMatchObject({ mode: 'celt', bandwidth: 'narrowband', frameMs: 2.5 });
    // Agrees with the RTP module's duration table for every config.
    for (let config = 0; config < 32; config++) expect(parseOpusToc(config << 3).frameMs * 48).toBe(opusPacketSamples(Uint8Array.of(config << 3)));
  });
});

describe('Opus over RTP', () => {
  it('the RTP Opus packetizer accepts the packets: 20 ms TOC, 960-tick steps, marker after DTX', () => {
    const encoder = new OpusEncoder({ channels: 2, dtx: true, bitrate: 48_000 });
    const source = new SyntheticAudioSource({ signal: tone, channels: 2 });
    const packetizer = new OpusPacketizer({ ssrc: 0x1234, payloadType: 111, initialSequenceNumber: 100, initialTimestamp: 1000 });
    const rtp: RtpPacket[] = [];
    const opus: Uint8Array[] = [];
    const signals: AudioSignal[] = [];
    for (let i = 0; i < 50; i++) signals.push(tone);
    for (let i = 0; i < 50; i++) signals.push({ kind: 'silence' });
    for (let i = 0; i < 25; i++) signals.push(tone);
    for (const s of signals) {
      source.setSignal(s);
      const packet = encoder.encode(source.next());
      opus.push(packet);
      rtp.push(RtpPacket.parse(packetizer.packetizeToBytes(packet)));
    }
    rtp.forEach((p, i) => {
      expect(p.payloadType).toBe(111);
      expect(p.sequenceNumber).toBe(100 + i);
      expect(p.timestamp).toBe(1000 + 960 * i);
      expect([...p.payload]).toEqual([...opus[i]]);
      const toc = parseOpusToc(opus[i][0]);
      expect(toc.frameMs).toBe(20);
      expect(toc.frameCountCode).toBe(0);
      if (!isOpusDtx(opus[i])) expect(toc.stereo).toBe(true);
    });
    // DTX during the silence (with a comfort-noise update every 400 ms), audio again from packet 100.
    const dtx = opus.map(isOpusDtx);
    expect(dtx.slice(0, 50).some(Boolean)).toBe(false);
    expect(dtx.slice(50, 100).filter(Boolean).length).toBeGreaterThanOrEqual(30);
    expect(dtx.slice(100).some(Boolean)).toBe(false);
    const firstDtx = dtx.indexOf(true);
    // The marker starts each talkspurt: the first packet, and audio after a DTX packet (RFC 7587 4.1).
    const markers = rtp.flatMap((p, i) => (p.marker ? [i] : []));
    expect(markers).toEqual(dtx.flatMap((d, i) => (!d && (i === 0 || dtx[i - 1]) ? [i] : [])));
    expect(markers[0]).toBe(0);
    expect(dtx[99] ? markers.includes(100) : true).toBe(true);
    console.log(`talkspurt markers at packets ${markers.join(', ')}; first DTX packet ${firstDtx}`);
  });
});
