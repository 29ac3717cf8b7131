/**
 * spellbook/encoding: a pure-TypeScript H.264 Constrained Baseline encoder and a synthetic
 * I420 capture source. Public API only; no side effects.
 */
export { H264Encoder, EncoderBase, type H264EncoderOptions, type EncodedFrame, type MacroblockStats } from './encoder.js';
export { wasmKernelsSupported, defaultKernels, type EncoderKernels } from './wasm/kernels.js';
export { RateController, type RateControlOptions } from './ratecontrol.js';
export { ParallelH264Encoder, type ParallelH264EncoderOptions } from './parallel.js';
export { SyntheticSource, readStamp, drawStamp, stampCellSize, type SyntheticSourceOptions, type SyntheticPattern, type CapturedFrame, type Stamp } from './synthetic.js';
export { createI420Frame, copyI420Frame, psnr, ssimY, type I420Frame, type Psnr } from './frame.js';
export { chooseLevel, LEVELS, type LevelLimits } from './levels.js';
export { BitWriter } from './bitwriter.js';
export { AnnexBWriter, splitAnnexB, unescapeRbsp, NalType, type NalUnit } from './nal.js';
export { MediaParseError } from './errors.js';
export { Y4mReader, Y4mWriter, parseY4mHeader, writeY4m, type Y4mHeader } from './y4m.js';
export { parseWav, writeWav, type WavAudio } from './wav.js';
export { warmUpEncoder } from './warmup.js';
export { encodeClip, type FrameSource, type EncodeClipOptions, type EncodeClipResult, type EncodedFrameInfo } from './pipeline.js';
export { openFrameSource, parseSize, parseBitrate, type OpenedSource, type SourceRequest } from './source-spec.js';
export { SyntheticAudioSource, instantaneousFrequency, AUDIO_SAMPLE_RATE, AUDIO_FRAME_SAMPLES, type SyntheticAudioOptions, type AudioSignal, type ToneSignal, type SweepSignal, type SilenceSignal } from './audio-synthetic.js';
export { OpusEncoder, OpusDecoder, OpusError, parseOpusToc, OPUS_RTP_CLOCK_RATE, OPUS_RTP_TIMESTAMP_STEP, OPUS_SAMPLE_RATES, type OpusEncoderOptions, type OpusCodecOptions, type OpusSampleRate, type OpusApplication, type OpusErrorCode, type OpusToc, type OpusMode, type OpusBandwidth } from './opus.js';
export { PacedClock, realTime, type PacedClockOptions, type PacedClockStats, type Tick, type TimeSource, type RunOptions } from './clock.js';
export { MediaSourceError, type MediaSourceErrorCode } from './errors.js';
export { toI420, scaleI420, checkPixelBuffer, pixelBufferSize, rgbToYuvCoefficients, PIXEL_FORMATS, type PixelBuffer, type PixelFormat, type ColorMatrix, type ColorRange } from './pixels.js';
export { Resampler, mapChannels } from './resample.js';
export { SourceEventHub, type SourceEvent, type SourceEventKind, type SourceListener } from './source-events.js';
export { SyntheticVideoSource, PushedVideoSource, Y4mFileSource, openVideoSource, type VideoSource, type VideoReader, type SourceFrame, type VideoSourceStats, type PushedFrame, type PushedVideoOptions, type Y4mFileOptions } from './video-source.js';
export { SyntheticToneSource, PushedAudioSource, WavFileSource, openAudioSource, type AudioSource, type AudioSourceStats, type PushedAudioOptions, type WavFileOptions } from './audio-source.js';
export { parseWavFmt, type WavFormat } from './wav.js';
export { COMMON_SAMPLE_RATES, PUSHED_QUEUE_MAX, PUSHED_RESYNC_MS, SOURCE_STALL_MS, PUSHED_AUDIO_BUFFER_MS, ENCODER_PRESETS, DEFAULT_PRESET, STREAMER_PRESET, type EncoderPreset } from './constants.js';
