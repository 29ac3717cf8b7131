/** Tunable thresholds and defaults of the H.264 encoder, in one place. */

/** Default capture/encode size and rate. */
export const DEFAULT_WIDTH = 1280;
export const DEFAULT_HEIGHT = 720;
export const DEFAULT_FPS = 30;
/** Default fixed quantiser. */
export const DEFAULT_QP = 28;
/** Default number of frames from one IDR to the next (a GOP). */
export const DEFAULT_KEY_INTERVAL = 60;
/** Default integer-sample motion search radius around the predicted vector. */
export const DEFAULT_SEARCH_RANGE = 16;
/** Margin (samples) of edge extension around reference luma planes; chroma has half. */
export const LUMA_PAD = 32;
export const CHROMA_PAD = 16;
/** How far (luma samples) a motion-compensated block may reach outside the picture. */
export const MV_MARGIN = 24;
/**
 * JM-style cost of a lone +/-1 coefficient preceded by `run` zeros (scan order); levels above
 * 1 cost 999. Inter 8x8 luma blocks cheaper than LUMA_8X8_MIN_COST, inter macroblocks whose
 * luma costs less than LUMA_MB_MIN_COST, and chroma AC cheaper than CHROMA_AC_MIN_COST are
 * zeroed (their bits are not worth the distortion they remove).
 */
export const COEFF_COST = Uint8Array.of(3, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
export const LUMA_8X8_MIN_COST = 4;
export const LUMA_MB_MIN_COST = 6;
export const CHROMA_AC_MIN_COST = 4;
/** The QP at and above which a preset's candidateExitSad applies as it is (candidateExitBound in slice-coder.ts scales it down below). */
export const CANDIDATE_EXIT_FULL_QP = 28;

/**
 * Sub-sample refinement runs only when the integer vector's SAD is at least this many times
 * the SAD under which all 16 luma 4x4 residuals provably quantise to zero. Below it, refining
 * cost a third of the CPU time at 2.5 Mbit/s 720p and lost 0.7 dB at equal bitrate (the
 * refined vectors leave skip and code tiny residuals).
 */
export const SUBPEL_MIN_SAD_FACTOR = 2;
/**
 * Speed presets of the encoder (`preset` option). `quality` is the full search the encoder
 * has always done; `balanced` and `realtime` cut the search, the sub-sample refinement and the
 * trial coding where measurement showed the cut costs little picture quality (docs/encoding.md).
 */
export type EncoderPreset = 'realtime' | 'balanced' | 'quality';
export const ENCODER_PRESETS: readonly EncoderPreset[] = ['realtime', 'balanced', 'quality'];
/** Preset of H264Encoder / ParallelH264Encoder when none is given (today's search, unchanged streams). */
export const DEFAULT_PRESET: EncoderPreset = 'quality';
/** Preset of a Streamer's encoders (src/controls). */
export const STREAMER_PRESET: EncoderPreset = 'realtime';

/** What a preset changes in the macroblock decisions (slice-coder.ts). */
export interface PresetTuning {
  /** Largest step of the integer diamond descent (4, 2 or 1); it halves down to 1. */
  diamondStep: number;
  /** Try the four diagonal neighbours of the diamond's result. */
  square: boolean;
  /**
   * Stop the integer search after the candidate vectors when the best one's SAD over the 256
   * luma samples is at most this; 0: never. An absolute bound: one scaled up with the QP's
   * all-zero bound (tried first) let poor vectors through at high QP (3 dB lost at 800 kbit/s).
   */
  candidateExitSad: number;
  /**
   * Below QP 28 the exit bound halves for every 6 QP (candidateExitBound in slice-coder.ts), as
   * the quantiser step does: at a low QP the residual of a poor vector is coded at length, and
   * the fixed bound of 192 lost 1 dB against the full search on Chromium's fake camera at
   * 800 kbit/s (QP 13-16). CPU relief keeps its fixed, coarse bound.
   */
  candidateExitFollowsQp: boolean;
  /**
   * When the best candidate's SAD is within candidateExitSad but above the bound of this QP, the
   * diamond starts at this step instead of diamondStep (0: never): such a vector only needs a
   * local look. Measured on 720p `moving` at 2.5 Mbit/s: the search from step 4 cost 10% more
   * CPU for no gain there; on the fake camera both find the same pictures within 0.04 dB.
   */
  nearDiamondStep: number;
  /** Sub-sample refinement: 2 = half then quarter samples, 1 = half samples only, 0 = none. */
  subpelLevels: number;
  /** Sub-sample steps try only the 4 horizontal and vertical neighbours instead of all 8. */
  subpelCross: boolean;
  /** Refine only when the integer SAD is at least this many times the all-zero bound (see SUBPEL_MIN_SAD_FACTOR). */
  subpelMinSadFactor: number;
  /**
   * After the search, code the skip vector as a trial when its SAD is within this many lambdas
   * of the best vector's cost (P_Skip saves the vector and the macroblock header).
   */
  skipSlackLambdas: number;
  /**
   * P_Skip is decided without a trial coding when every 4x4 luma residual at the skip vector has
   * a SAD of at most this many times the bound under which it provably quantises to zero (and the
   * chroma residual provably vanishes). 1 is exact: the same decision as the trial, faster; above
   * 1 also skips residuals that would have been coded.
   */
  skipSadFactor: number;
  /** Run the deblocking filter (8.7) and signal it (disable_deblocking_filter_idc 2: not across slice edges). */
  deblock: boolean;
  /**
   * Try Intra_4x4 (I_NxN, 8.3.1) beside Intra_16x16 wherever an intra macroblock is considered
   * (every IDR macroblock; P macroblocks whose inter residual is large), keeping it when its
   * cost (INTRA4X4_BIAS_LAMBDAS) is lower.
   */
  intra4x4: boolean;
}

export const PRESET_TUNING: Readonly<Record<EncoderPreset, Readonly<PresetTuning>>> = {
  quality: { diamondStep: 4, square: true, candidateExitSad: 0, candidateExitFollowsQp: true, nearDiamondStep: 0, subpelLevels: 2, subpelCross: false, subpelMinSadFactor: SUBPEL_MIN_SAD_FACTOR, skipSlackLambdas: 2, skipSadFactor: 1, deblock: true, intra4x4: true },
  balanced: { diamondStep: 4, square: true, candidateExitSad: 64, candidateExitFollowsQp: true, nearDiamondStep: 0, subpelLevels: 2, subpelCross: false, subpelMinSadFactor: SUBPEL_MIN_SAD_FACTOR, skipSlackLambdas: 2, skipSadFactor: 1, deblock: true, intra4x4: true },
  realtime: { diamondStep: 4, square: false, candidateExitSad: 192, candidateExitFollowsQp: true, nearDiamondStep: 1, subpelLevels: 2, subpelCross: true, subpelMinSadFactor: SUBPEL_MIN_SAD_FACTOR, skipSlackLambdas: 0, skipSadFactor: 1, deblock: false, intra4x4: false },
};

/**
 * CPU relief: the search decisions a P picture takes instead of its preset's while the encoder
 * cannot keep up with real time (`EncoderBase.cpuRelief`, switched by a Streamer's rendition),
 * as libvpx's real-time mode raises its speed setting when encoding takes longer than the frame
 * interval. A coarser exit after the candidate vectors and half samples only: the pictures lose
 * a little (measured in docs/encoding.md) where skipped frames would lose more. The syntax is the
 * same, so the stream decodes bit-exact as any other.
 */
export const CPU_RELIEF_TUNING: Partial<PresetTuning> = { square: false, candidateExitSad: 384, candidateExitFollowsQp: false, nearDiamondStep: 0, subpelLevels: 0, skipSlackLambdas: 0 };

/**
 * Warm-up clip (warmup.ts): size, pictures and the QPs they cycle through (a coarse, a fine
 * and a near-lossless one, so that skip, residual-heavy and I_PCM paths all run). On the
 * 2-core machine, 8 pictures of 320x192 took about 0.3 s and brought the first 720p IDR from
 * about 215 ms (cold) to about 110 ms, the steady state.
 */
export const WARMUP_WIDTH = 320;
export const WARMUP_HEIGHT = 192;
export const WARMUP_FRAMES = 8;
export const WARMUP_QPS: readonly number[] = [26, 14, 34, 20, 8, 28];

/** Mean absolute difference per luma sample above which a P macroblock also tries intra. */
export const INTRA_TRY_MAD = 4;
/** Extra cost (in multiples of the motion lambda) charged to intra in P slices. */
export const INTRA_BIAS_LAMBDAS = 24;
/**
 * Intra_4x4 against Intra_16x16: the Intra_4x4 cost (per 4x4 block: SATD of the residual
 * against the block's best mode, predicted from the reconstructed neighbours, plus lambda x the
 * mode's 1 or 4 bits) plus this many lambdas must be below the Intra_16x16 SATD (it stands for
 * the residual bits the 16x16 DC transform saves on smooth content).
 */
export const INTRA4X4_BIAS_LAMBDAS = 6;
/**
 * Rate control: QP range (down to 8: easy 720p content at 2.5 Mbit/s needs QP 8-12 to spend its
 * budget; below 12 a macroblock whose levels would saturate becomes I_PCM); largest QP change between frames; seconds over which a virtual
 * buffer debt (an IDR) is repaid; fraction of the way to the model's QP taken per frame;
 * weight of the newest picture in the smoothed complexity.
 */
export const RC_MIN_QP = 8;
export const RC_MAX_QP = 51;
export const RC_MAX_STEP = 3;
export const RC_HORIZON_SECONDS = 1;
export const RC_GAIN = 0.6;
export const RC_SMOOTHING = 0.4;
/** Virtual buffer bounds, in seconds of the bitrate: bits owed (above target), bits saved (below). */
export const RC_MAX_DEBT_SECONDS = 2;
export const RC_MAX_CREDIT_SECONDS = 0.25;
/**
 * Largest predicted IDR, in seconds of the bitrate: its QP is raised above the P QP to fit. A
 * safety bound only: on 720p 'moving' at 2.5 Mbit/s (IDRs of 0.3-0.8 s at the P QP) a bound of
 * 0.25 s left the 5 s windows as they were (8% worst) but cost 5 dB and 18% more CPU, as the P
 * pictures after each coarse IDR re-coded the whole picture.
 */
export const RC_IDR_MAX_SECONDS = 1;
/**
 * Work units per step of coding a macroblock, in about 0.25 us each (CPU time per call measured
 * with --cpu-prof on 720p 'moving' content at 2.5 Mbit/s: a 16x16 SAD is one unit). Summed per
 * macroblock row of the last P picture, they place the slice boundaries so that worker threads
 * get equal work (deterministic, so every encoder with the same `slices` makes the same stream).
 */
export const WORK_SAD = 1;
export const WORK_SEARCH = 2;
export const WORK_TRY_INTER = 15;
export const WORK_SUBPEL = 80;
export const WORK_INTRA_TRY = 20;
export const WORK_INTRA_MB = 40;
export const WORK_INTRA4X4_TRY = 60;
export const WORK_CODE_INTER = 28;

/** Media sources (video-source.ts, audio-source.ts). */
/** Largest side of a pushed picture (samples). */
export const MAX_PUSHED_SIDE = 8192;
/** Pushed frames waiting for their time; beyond this the oldest waiting frame is dropped. */
export const PUSHED_QUEUE_MAX = 8;
/** A pushed frame due further ahead than this, or later than this, re-anchors the source's timeline. */
export const PUSHED_RESYNC_MS = 1000;
/** No pushed frame (or sample) for this long: the source reports `stalled`. */
export const SOURCE_STALL_MS = 1000;
/** Sample rates a pushed PCM source or a WAV file may use (resampled to 48 kHz for Opus). */
export const COMMON_SAMPLE_RATES: readonly number[] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000];
/** Channels a pushed PCM source or WAV file may have (downmixed to what Opus encodes). */
export const MAX_PCM_CHANNELS = 8;
/** Pushed audio buffered ahead of the encoder (ms of 48 kHz output); beyond, the oldest is dropped. */
export const PUSHED_AUDIO_BUFFER_MS = 1000;
/** Resampler kernel: zero crossings each side and the cutoff as a fraction of the lower Nyquist frequency. */
export const RESAMPLER_ZERO_CROSSINGS = 24;
export const RESAMPLER_CUTOFF = 0.94;
/** Longest Y4M FRAME line read from disk. */
export const Y4M_MAX_LINE = 1024;

/**
 * Bytes of one slice coder's scratch slot in the picture memory (allocatePictureBuffers):
 * its predictions, levels, counts and DC terms, which the WebAssembly kernels read and write
 * where the TypeScript path does. See SCRATCH in slice-coder.ts for the layout.
 */
export const SCRATCH_BYTES = 8192;
/** WebAssembly page size (Core Specification 2.0, 2.5.1). */
export const WASM_PAGE_BYTES = 65536;
