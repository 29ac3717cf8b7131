/**
 * Opus (RFC 6716) encoder and decoder for WebRTC audio, over the `@evan/opus` package (MIT;
 * libopus built as a Node addon and as WebAssembly).
 *
 * - `OpusEncoder` uses the package's `Encoder` (its native addon where the platform has one,
 *   else its WebAssembly build) and sets libopus' encoder CTLs (bitrate, in-band FEC, expected
 *   packet loss, DTX) at construction and at any time while running.
 * - `OpusDecoder` calls the package's WebAssembly `opus_decode` directly, because the
 *   package's own `Decoder.decode` can neither conceal a lost packet with a 20 ms frame size
 *   (PLC, `data = NULL`) nor decode the in-band FEC copy of a lost frame (`decode_fec = 1`).
 *   `decode` / `decodeFec` give 16-bit PCM of exactly 20 ms; `decodeFloat` takes a packet of
 *   any legal duration (2.5 to 120 ms, RFC 6716 3.2.5) and `decodeLost` conceals a gap of any
 *   length with libopus' own packet-loss concealment (or its in-band FEC when the next packet
 *   is given), both as interleaved Float32 samples in [-1, 1).
 *
 * RTP notes (RFC 7587):
 * - 4.1: the RTP clock rate of Opus is 48,000 Hz whatever the sample rate of the input or the
 *   audio bandwidth coded; a 20 ms packet always advances the RTP timestamp by 960.
 * - 4.2: one Opus packet per RTP payload, no extra header; the first byte of every packet is
 *   the TOC byte (RFC 6716 3.1: `config` 5 bits giving mode, bandwidth and frame duration,
 *   `s` stereo, `c` frame count code), so a receiver knows the duration from the payload.
 * - 3.1.3: with DTX the encoder sends packets of 1-2 bytes during silence (the TOC alone);
 *   a sender may skip them and send one every 400 ms; the next packet with audio carries the
 *   RTP marker bit (start of a talkspurt).
 * - 3.2, 6.1: in-band FEC (LBRR, SILK and hybrid modes only) repeats a coarser copy of the
 *   previous frame inside the next packet; SDP `useinbandfec=1` asks the sender to use it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Encoder } from '@evan/opus';

/** Sample rates libopus accepts as input or output (RFC 6716 2). */
export const OPUS_SAMPLE_RATES = [8000, 12000, 16000, 24000, 48000] as const;
export type OpusSampleRate = (typeof OPUS_SAMPLE_RATES)[number];
/** RTP clock rate of Opus, whatever the input rate (RFC 7587 4.1). */
export const OPUS_RTP_CLOCK_RATE = 48_000;
/** Frame duration used here: 20 ms, the WebRTC default ptime. */
export const OPUS_FRAME_MS = 20;
/** RTP timestamp increment of one 20 ms packet (48 kHz clock). */
export const OPUS_RTP_TIMESTAMP_STEP = (OPUS_RTP_CLOCK_RATE * OPUS_FRAME_MS) / 1000;
/** Largest packet the encoder writes and the decoder reads (RFC 6716 3.4: 1275 bytes per frame, up to 3 frames' worth plus headers). */
export const OPUS_MAX_PACKET = 4000;
/** Longest audio one Opus packet holds (RFC 6716 3.2.5: at most 120 ms). */
export const OPUS_MAX_PACKET_MS = 120;
/** Shortest Opus frame, and the granularity of a concealed gap (RFC 6716 2: 2.5 ms). */
export const OPUS_MIN_FRAME_MS = 2.5;
/** Bitrate bounds of libopus' OPUS_SET_BITRATE (bits/s). */
export const OPUS_MIN_BITRATE = 500;
export const OPUS_MAX_BITRATE = 512_000;
/** Default encoder bitrate: Chrome's default for mono Opus. */
export const OPUS_DEFAULT_BITRATE = 32_000;

/** libopus CTL request numbers (opus_defines.h). */
const CTL = {
  setApplication: 4000,
  setBitrate: 4002,
  getBitrate: 4003,
  setComplexity: 4010,
  setInbandFec: 4012,
  getInbandFec: 4013,
  setPacketLossPerc: 4014,
  getPacketLossPerc: 4015,
  setDtx: 4016,
  getDtx: 4017,
  getLookahead: 4027,
  getInDtx: 4049,
  getLastPacketDuration: 4039,
} as const;

const APPLICATION = { voip: 2048, audio: 2049 } as const;
export type OpusApplication = keyof typeof APPLICATION;

export type OpusErrorCode = 'bad-sample-rate' | 'bad-channels' | 'bad-frame-size' | 'bad-option' | 'bad-packet' | 'codec';

/** The Opus wrapper's typed error: what was wrong (`code`) and libopus' own error number when it came from the codec. */
export class OpusError extends Error {
  override readonly name = 'OpusError';
  constructor(
    message: string,
    readonly code: OpusErrorCode,
    /** libopus error number (negative, opus_defines.h) when libopus reported it. */
    readonly libopusError?: number,
  ) {
    super(message);
  }
}

export interface OpusCodecOptions {
  /** Default 1. */
  channels?: 1 | 2;
  /** Input (encoder) or output (decoder) sample rate; default 48,000. The RTP clock stays 48 kHz. */
  sampleRate?: OpusSampleRate;
}

export interface OpusEncoderOptions extends OpusCodecOptions {
  /** 'voip' favours speech intelligibility (and SILK), 'audio' fidelity; default 'voip'. */
  application?: OpusApplication;
  /** Target bits/s, 500..512,000; default 32,000. */
  bitrate?: number;
  /** In-band forward error correction (LBRR); default off. */
  fec?: boolean;
  /** Expected packet loss, 0..100 %; libopus spends more on FEC as it rises. Default 0. */
  packetLossPercent?: number;
  /** Discontinuous transmission: 1-2 byte packets during silence. Default off. */
  dtx?: boolean;
  /** 0..10; default libopus' 10 (9 in some builds). */
  complexity?: number;
}

const requireFromHere = createRequire(import.meta.url);
let EncoderClass: typeof Encoder | undefined;

/** Load `@evan/opus` (its native addon or WebAssembly build) on first use, not on import. */
function encoderClass(): typeof Encoder {
  return (EncoderClass ??= (requireFromHere('@evan/opus') as { Encoder: typeof Encoder }).Encoder);
}

function checkCommon(options: OpusCodecOptions): { channels: 1 | 2; sampleRate: OpusSampleRate } {
  const channels = options.channels ?? 1;
  if (channels !== 1 && channels !== 2) throw new OpusError(`channels must be 1 or 2, not ${String(channels)}`, 'bad-channels');
  const sampleRate = options.sampleRate ?? 48_000;
  if (!(OPUS_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new OpusError(`Opus sample rate must be one of ${OPUS_SAMPLE_RATES.join(', ')} Hz, not ${String(sampleRate)}`, 'bad-sample-rate');
  }
  return { channels, sampleRate };
}

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new OpusError(`${name} must be an integer within [${min}, ${max}], not ${value}`, 'bad-option');
  return value;
}

/** libopus error numbers reported by the addon as `Opus(Name)`. */
const LIBOPUS_ERRORS: Record<string, number> = {
  BadArgument: -1,
  BufferTooSmall: -2,
  InternalError: -3,
  InvalidPacket: -4,
  Unimplemented: -5,
  InvalidState: -6,
  AllocFail: -7,
};

function codecError(what: string, e: unknown): OpusError {
  const message = e instanceof Error ? e.message : String(e);
  const name = /Opus\((\w+)\)/.exec(message)?.[1];
  return new OpusError(`${what}: ${message}`, 'codec', name ? LIBOPUS_ERRORS[name] : undefined);
}

/**
 * Encodes 20 ms frames of 16-bit PCM (interleaved when stereo) into Opus packets. Settings
 * (bitrate, FEC, expected loss, DTX) apply from the next frame when changed.
 */
export class OpusEncoder {
  readonly channels: 1 | 2;
  readonly sampleRate: OpusSampleRate;
  /** Samples per channel in one 20 ms input frame at `sampleRate`. */
  readonly frameSize: number;
  readonly application: OpusApplication;
  private readonly encoder: Encoder;

  constructor(options: OpusEncoderOptions = {}) {
    const { channels, sampleRate } = checkCommon(options);
    this.channels = channels;
    this.sampleRate = sampleRate;
    this.frameSize = (sampleRate * OPUS_FRAME_MS) / 1000;
    this.application = options.application ?? 'voip';
    if (!(this.application in APPLICATION)) throw new OpusError(`application must be 'voip' or 'audio', not ${String(this.application)}`, 'bad-option');
    try {
      this.encoder = new (encoderClass())({ channels, sample_rate: sampleRate, application: this.application });
    } catch (e) {
      throw codecError('creating the encoder', e);
    }
    this.bitrate = options.bitrate ?? OPUS_DEFAULT_BITRATE;
    this.fec = options.fec ?? false;
    this.packetLossPercent = options.packetLossPercent ?? 0;
    this.dtx = options.dtx ?? false;
    if (options.complexity !== undefined) this.ctl(CTL.setComplexity, checkInt('complexity', options.complexity, 0, 10));
  }

  /** RTP timestamp increment of each packet (RFC 7587 4.1: 48 kHz clock, whatever `sampleRate`). */
  get rtpTimestampStep(): number {
    return OPUS_RTP_TIMESTAMP_STEP;
  }

  get bitrate(): number {
    return this.encoder.ctl(CTL.getBitrate);
  }
  set bitrate(bitsPerSecond: number) {
    this.ctl(CTL.setBitrate, checkInt('bitrate', bitsPerSecond, OPUS_MIN_BITRATE, OPUS_MAX_BITRATE));
  }

  get fec(): boolean {
    return this.encoder.ctl(CTL.getInbandFec) !== 0;
  }
  set fec(on: boolean) {
    this.ctl(CTL.setInbandFec, on ? 1 : 0);
  }

  get packetLossPercent(): number {
    return this.encoder.ctl(CTL.getPacketLossPerc);
  }
  set packetLossPercent(percent: number) {
    this.ctl(CTL.setPacketLossPerc, checkInt('packetLossPercent', percent, 0, 100));
  }

  get dtx(): boolean {
    return this.encoder.ctl(CTL.getDtx) !== 0;
  }
  set dtx(on: boolean) {
    this.ctl(CTL.setDtx, on ? 1 : 0);
  }

  /** True while the encoder is in DTX (sending silence packets). */
  get inDtx(): boolean {
    return this.encoder.ctl(CTL.getInDtx) !== 0;
  }

  /**
   * Samples per channel (at `sampleRate`) the encoder delays the signal by, the decoder's
   * delay included: decoded sample n + lookahead matches input sample n.
   */
  get lookahead(): number {
    return this.encoder.ctl(CTL.getLookahead);
  }

  /**
   * Encode one 20 ms frame: exactly `frameSize x channels` samples, interleaved. Returns a new
   * packet whose first byte is the TOC (RFC 6716 3.1). Throws OpusError('bad-frame-size')
   * for any other length.
   */
  encode(frame: Int16Array): Uint8Array {
    const expected = this.frameSize * this.channels;
    if (!(frame instanceof Int16Array)) throw new OpusError('an Opus frame is an Int16Array of 16-bit PCM', 'bad-frame-size');
    if (frame.length !== expected) {
      throw new OpusError(`a 20 ms frame at ${this.sampleRate} Hz x ${this.channels} channel(s) is ${expected} samples, not ${frame.length}`, 'bad-frame-size');
    }
    try {
      return this.encoder.encode(frame);
    } catch (e) {
      throw codecError('encoding', e);
    }
  }

  private ctl(request: number, value: number): void {
    try {
      this.encoder.ctl(request, value);
    } catch (e) {
      throw codecError(`setting CTL ${request}`, e);
    }
  }
}

/** The subset of libopus' WebAssembly exports the decoder uses. */
interface OpusWasm {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  opus_strerror(code: number): number;
  opus_decoder_get_size(channels: number): number;
  opus_decoder_init(st: number, rate: number, channels: number): number;
  opus_decode(st: number, data: number, len: number, pcm: number, frameSize: number, decodeFec: number): number;
  opus_decoder_ctl_get(st: number, request: number): number;
  _initialize?: () => void;
}

let wasmInstance: OpusWasm | undefined;

/** Instantiate the package's libopus WebAssembly build once per process (SIMD build when the engine has it). */
function opusWasm(): OpusWasm {
  if (wasmInstance) return wasmInstance;
  const dir = join(dirname(requireFromHere.resolve('@evan/opus/package.json')), 'wasm');
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(readFileSync(join(dir, 'simd.wasm')));
  } catch {
    module = new WebAssembly.Module(readFileSync(join(dir, 'opus.wasm')));
  }
  const noop = () => 0;
  const instance = new WebAssembly.Instance(module, {
    wasi_snapshot_preview1: { fd_seek: noop, fd_write: noop, fd_close: noop, proc_exit: noop },
    env: { emscripten_notify_memory_growth: noop },
  });
  const exports = instance.exports as unknown as OpusWasm;
  exports._initialize?.();
  wasmInstance = exports;
  return exports;
}

function wasmErrorText(wasm: OpusWasm, code: number): string {
  const bytes = new Uint8Array(wasm.memory.buffer);
  let s = '';
  for (let i = wasm.opus_strerror(code); i < bytes.length && bytes[i] !== 0; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

const finalizer = new FinalizationRegistry<number>((ptr) => wasmInstance?.free(ptr));

/**
 * Decodes Opus packets (RFC 6716) into PCM, interleaved when stereo.
 *
 * - 16-bit, 20 ms frames: `decode(packet)`; `decode(null)` conceals a lost packet (libopus
 *   PLC); `decodeFec(next)` rebuilds a lost frame from the in-band FEC copy carried by the
 *   packet after it (falling back to PLC when that packet has none). The returned Int16Array
 *   is the decoder's reused output buffer: copy it to keep it past the next call.
 * - Float, any duration (what a WebRTC receiver needs: the remote picks its ptime):
 *   `decodeFloat(packet)` returns a new Float32Array in [-1, 1) of the packet's whole
 *   duration (2.5 to 120 ms); `decodeLost(samples, next?)` returns `samples` per channel of
 *   libopus' concealment (PLC, `data = NULL`), or of its in-band FEC when `next` (the packet
 *   after the gap) carries some. Concealment is libopus' own, never zeros.
 *
 * Every malformed packet throws `OpusError` (`bad-packet`, with libopus' error number); the
 * decoder stays usable after one.
 */
export class OpusDecoder {
  readonly channels: 1 | 2;
  readonly sampleRate: OpusSampleRate;
  /** Samples per channel of one 20 ms output frame. */
  readonly frameSize: number;
  private readonly wasm: OpusWasm;
  /** One allocation holding the decoder state, the packet and the PCM output. */
  private block: number;
  private readonly state: number;
  private readonly packetPtr: number;
  private readonly pcmPtr: number;
  private readonly out: Int16Array;
  /** Samples per channel of the longest packet (120 ms) at `sampleRate`. */
  readonly maxFrameSize: number;

  constructor(options: OpusCodecOptions = {}) {
    const { channels, sampleRate } = checkCommon(options);
    this.channels = channels;
    this.sampleRate = sampleRate;
    this.frameSize = (sampleRate * OPUS_FRAME_MS) / 1000;
    this.maxFrameSize = (sampleRate * OPUS_MAX_PACKET_MS) / 1000;
    this.out = new Int16Array(this.frameSize * channels);
    const wasm = (this.wasm = opusWasm());
    const stateSize = (wasm.opus_decoder_get_size(channels) + 7) & ~7;
    this.block = wasm.malloc(stateSize + OPUS_MAX_PACKET + this.maxFrameSize * channels * 2);
    if (this.block === 0) throw new OpusError('out of WebAssembly memory', 'codec', -7);
    this.state = this.block;
    this.packetPtr = this.block + stateSize;
    this.pcmPtr = this.packetPtr + OPUS_MAX_PACKET;
    finalizer.register(this, this.block, this);
    const rc = wasm.opus_decoder_init(this.state, sampleRate, channels);
    if (rc < 0) {
      this.destroy();
      throw new OpusError(`creating the decoder: ${wasmErrorText(wasm, rc)}`, 'codec', rc);
    }
  }

  /**
   * Decode one 20 ms packet, or conceal a lost one (`null`). Throws OpusError('bad-packet')
   * for an empty, oversized or malformed packet or one whose duration is not 20 ms.
   */
  decode(packet: Uint8Array | null): Int16Array {
    return this.run(packet, 0);
  }

  /**
   * Recover the frame lost just before `nextPacket` from the FEC data `nextPacket` carries
   * (RFC 6716 2.1.7; libopus `decode_fec = 1`). Then call `decode(nextPacket)` for its own frame.
   */
  decodeFec(nextPacket: Uint8Array): Int16Array {
    return this.run(nextPacket, 1);
  }

  /**
   * Decode one packet of any legal duration (2.5 to 120 ms) into a new Float32Array of
   * `samples x channels` values in [-1, 1), interleaved. Throws OpusError('bad-packet') for an
   * empty, oversized or malformed packet.
   */
  decodeFloat(packet: Uint8Array): Float32Array {
    if (!(packet instanceof Uint8Array)) throw new OpusError('an Opus packet is a Uint8Array', 'bad-packet');
    return this.toFloat(this.opusDecode(packet, 0, this.maxFrameSize));
  }

  /**
   * Conceal `samples` per channel (at `sampleRate`; default one 20 ms frame) of lost audio:
   * libopus' packet-loss concealment, or, when `next` (the first packet after the gap) is
   * given and carries in-band FEC (RFC 6716 2.1.7), the FEC copy for the gap's last frame.
   * `samples` must be a multiple of 2.5 ms up to 120 ms (libopus' rule for PLC and FEC frame
   * sizes); a longer gap is concealed in several calls. Throws OpusError('bad-frame-size').
   */
  decodeLost(samples: number = this.frameSize, next?: Uint8Array): Float32Array {
    const step = (this.sampleRate * OPUS_MIN_FRAME_MS) / 1000;
    if (!Number.isInteger(samples) || samples <= 0 || samples > this.maxFrameSize || samples % step !== 0) {
      throw new OpusError(`a concealed gap is a multiple of ${step} samples (2.5 ms) up to ${this.maxFrameSize} (120 ms), not ${samples}`, 'bad-frame-size');
    }
    return this.toFloat(this.opusDecode(next ?? null, next ? 1 : 0, samples));
  }

  /**
   * Samples per channel at `sampleRate` that `ticks` of the 48 kHz RTP clock span (RFC 7587
   * 4.1), e.g. the duration of a gap between two RTP timestamps.
   */
  samplesFromRtp(ticks: number): number {
    return Math.round((ticks * this.sampleRate) / OPUS_RTP_CLOCK_RATE);
  }

  /** Duration in samples per channel of the last decoded or concealed frame. */
  get lastPacketDuration(): number {
    return this.wasm.opus_decoder_ctl_get(this.state, CTL.getLastPacketDuration);
  }

  /** Free the WebAssembly memory now (otherwise freed when the decoder is collected). */
  destroy(): void {
    if (this.block === 0) return;
    finalizer.unregister(this);
    this.wasm.free(this.block);
    this.block = 0;
  }

  private run(packet: Uint8Array | null, fec: 0 | 1): Int16Array {
    const n = this.opusDecode(packet, fec, this.frameSize);
    if (n !== this.frameSize) throw new OpusError(`the packet holds ${n} samples per channel, not a 20 ms frame of ${this.frameSize}`, 'bad-packet');
    this.out.set(new Int16Array(this.wasm.memory.buffer, this.pcmPtr, this.out.length));
    return this.out;
  }

  /** libopus `opus_decode` into the PCM area, at most `frameSize` samples per channel; returns the samples per channel written. */
  private opusDecode(packet: Uint8Array | null, fec: 0 | 1, frameSize: number): number {
    if (this.block === 0) throw new OpusError('the decoder was destroyed', 'codec');
    const wasm = this.wasm;
    let len = 0;
    if (packet !== null) {
      if (packet.length === 0 || packet.length > OPUS_MAX_PACKET) {
        throw new OpusError(`an Opus packet is 1..${OPUS_MAX_PACKET} bytes, not ${packet.length} (RFC 6716 3)`, 'bad-packet');
      }
      len = packet.length;
      new Uint8Array(wasm.memory.buffer, this.packetPtr, len).set(packet);
    }
    const n = wasm.opus_decode(this.state, len === 0 ? 0 : this.packetPtr, len, this.pcmPtr, frameSize, fec);
    if (n < 0) {
      const longer = n === -2 ? ` (the packet is longer than ${(frameSize * 1000) / this.sampleRate} ms)` : '';
      throw new OpusError(`decoding: ${wasmErrorText(wasm, n)}${longer}`, n === -4 || n === -2 ? 'bad-packet' : 'codec', n);
    }
    return n;
  }

  /** The first `n` samples per channel of the PCM area as a new Float32Array in [-1, 1). */
  private toFloat(n: number): Float32Array {
    const pcm = new Int16Array(this.wasm.memory.buffer, this.pcmPtr, n * this.channels);
    const out = new Float32Array(pcm.length);
    for (let i = 0; i < pcm.length; i++) out[i] = pcm[i]! / 32768;
    return out;
  }
}

export type OpusMode = 'silk' | 'hybrid' | 'celt';
export type OpusBandwidth = 'narrowband' | 'mediumband' | 'wideband' | 'superwideband' | 'fullband';

/** The fields of an Opus TOC byte (RFC 6716 3.1, Table 2). */
export interface OpusToc {
  config: number;
  mode: OpusMode;
  bandwidth: OpusBandwidth;
  /** Duration of each frame in the packet, in ms (2.5 to 60). */
  frameMs: number;
  stereo: boolean;
  /** 0: one frame, 1: two equal frames, 2: two frames of different sizes, 3: a frame count byte follows. */
  frameCountCode: 0 | 1 | 2 | 3;
}

const SILK_MS = [10, 20, 40, 60];
const SILK_BW: OpusBandwidth[] = ['narrowband', 'mediumband', 'wideband'];
const CELT_MS = [2.5, 5, 10, 20];
const CELT_BW: OpusBandwidth[] = ['narrowband', 'wideband', 'superwideband', 'fullband'];

/** Read the TOC byte (the first byte of every Opus packet, RFC 6716 3.1). */
export function parseOpusToc(toc: number): OpusToc {
  const config = (toc >> 3) & 0x1f;
  const stereo = (toc & 0x04) !== 0;
  const frameCountCode = (toc & 0x03) as 0 | 1 | 2 | 3;
  if (config < 12) return { config, mode: 'silk', bandwidth: SILK_BW[config >> 2], frameMs: SILK_MS[config & 3], stereo, frameCountCode };
  if (config < 16) return { config, mode: 'hybrid', bandwidth: config < 14 ? 'superwideband' : 'fullband', frameMs: config & 1 ? 20 : 10, stereo, frameCountCode };
  return { config, mode: 'celt', bandwidth: CELT_BW[(config - 16) >> 2], frameMs: CELT_MS[config & 3], stereo, frameCountCode };
}
