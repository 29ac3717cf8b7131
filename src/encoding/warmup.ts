/**
 * Cold start: V8 compiles the encoder's kernels only once they have run for a while, so the
 * first pictures of a fresh thread took several times the steady-state time (about 500 ms for
 * the first 720p IDR, then slow pictures for a second). `warmUpEncoder` runs every path of the
 * slice coder (intra, P_Skip, inter with and without residual, sub-sample refinement, I_PCM)
 * on a small synthetic clip first; worker threads of ParallelH264Encoder do it before they
 * report ready, so a Streamer is at speed from its first picture.
 */
import { WARMUP_FRAMES, WARMUP_HEIGHT, WARMUP_QPS, WARMUP_WIDTH, type EncoderPreset } from './constants.js';
import { H264Encoder } from './encoder.js';
import { SyntheticSource } from './synthetic.js';
import { defaultKernels, type EncoderKernels } from './wasm/kernels.js';

const warmed = new Set<string>();

/**
 * Encode WARMUP_FRAMES small synthetic pictures (noisy content, QPs cycling through
 * WARMUP_QPS, an IDR again at the end) with `preset`, once per thread, preset and buffer kind.
 * `sharedBuffers` must match the buffers the thread will code into (worker threads: true):
 * code compiled for one kind of typed array and then given the other ran at half speed.
 * Returns the milliseconds it took (0 when this thread was already warm).
 */
export function warmUpEncoder(preset: EncoderPreset, sharedBuffers = false, kernels: EncoderKernels = defaultKernels()): number {
  const key = `${preset}/${sharedBuffers}/${kernels}`;
  if (warmed.has(key)) return 0;
  const t0 = performance.now();
  let t = 0;
  const source = new SyntheticSource({ width: WARMUP_WIDTH, height: WARMUP_HEIGHT, pattern: 'noisy', clock: () => (t += 33) });
  const encoder = new H264Encoder({ width: WARMUP_WIDTH, height: WARMUP_HEIGHT, preset, keyInterval: 0, kernels }, sharedBuffers);
  for (let i = 0; i < WARMUP_FRAMES; i++) {
    encoder.qp = WARMUP_QPS[i % WARMUP_QPS.length];
    encoder.encode(source.next(), { keyframe: i === WARMUP_FRAMES - 2 });
  }
  warmed.add(key);
  return performance.now() - t0;
}
