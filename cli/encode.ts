/**
 * `spell encode`: encode a Y4M file or the synthetic source with our H.264 encoder, write
 * an Annex B stream (and optionally the reconstruction), print fps, bitrate and PSNR.
 * Argument parsing and printing only; the work is `encodeClip` in src/encoding.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_PRESET, ENCODER_PRESETS, MediaParseError, Y4mWriter, encodeClip, openFrameSource, parseBitrate, parseSize, type EncoderPreset } from '../src/encoding/index.js';

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
  isTty: boolean;
}

/** Errors the user can fix (bad input file, bad option); printed as one line, exit 2. */
export class EncodeUsageError extends Error {}

function asArgument<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try { return parse(text); } catch (error) { throw new InvalidArgumentError((error as Error).message); }
  };
}

const positiveInt = asArgument((text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError('expected a whole number > 0');
  return n;
});

const presetName = asArgument((text: string): EncoderPreset => {
  if (!(ENCODER_PRESETS as readonly string[]).includes(text)) throw new RangeError(`expected one of ${ENCODER_PRESETS.join(', ')}`);
  return text as EncoderPreset;
});

const qpValue = asArgument((text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 51) throw new RangeError('QP is a whole number from 0 to 51');
  return n;
});

interface EncodeOptions {
  input: string;
  size?: { width: number; height: number };
  fps?: number;
  frames?: number;
  bitrate?: number;
  qp?: number;
  preset?: EncoderPreset;
  keyint?: number;
  slices?: number;
  workers?: number;
  out?: string;
  recon?: string;
}

export function registerEncode(program: Command, io: CommandIo): void {
  program
    .command('encode')
    .description('encode video with our H.264 encoder (Constrained Baseline, Annex B) and report fps, bitrate and PSNR')
    .requiredOption('-i, --input <file.y4m|synthetic>', "a 4:2:0 .y4m file, or 'synthetic' / 'synthetic:<moving|flat|noisy|scenecut>'")
    .option('--size <WxH>', 'size of the synthetic source (default 1280x720)', asArgument(parseSize))
    .option('--fps <n>', 'rate of the synthetic source (default 30)', positiveInt)
    .option('--frames <n>', 'frames to encode (default: the whole file; 150 for synthetic)', positiveInt)
    .option('--bitrate <rate>', 'target bitrate, e.g. 2500k or 2.5M (default: fixed QP)', asArgument(parseBitrate))
    .option('--qp <0-51>', 'fixed quantiser, or the starting one with --bitrate (default 28)', qpValue)
    .option('--preset <name>', `speed against compression: ${ENCODER_PRESETS.join(', ')} (default ${DEFAULT_PRESET})`, presetName)
    .option('--keyint <n>', 'frames from one IDR to the next (default 60)', positiveInt)
    .option('--slices <n>', 'slices per picture (default: one per worker)', positiveInt)
    .option('--workers <n>', `worker threads (default ${Math.min(2, availableParallelism())})`, positiveInt)
    .option('-o, --out <stream.h264>', 'write the Annex B stream here')
    .option('--recon <out.y4m>', "write the encoder's reconstruction here")
    .action(async (opts: EncodeOptions) => {
      let opened;
      try {
        opened = openFrameSource({ input: opts.input, width: opts.size?.width, height: opts.size?.height, fps: opts.fps });
      } catch (error) {
        if (error instanceof MediaParseError) throw new EncodeUsageError(`${opts.input}: ${error.message}`);
        if (error instanceof RangeError) throw new EncodeUsageError(error.message);
        throw error;
      }
      if (!opts.input.startsWith('synthetic') && (opts.size || opts.fps)) {
        io.err(`spell encode: --size and --fps apply to synthetic input; ${opts.input} is ${opened.width}x${opened.height}@${opened.fps}\n`);
      }
      const total = opts.frames ?? opened.frames ?? 150;
      const workers = opts.workers ?? Math.min(2, availableParallelism());
      const outFd = opts.out ? openSync(opts.out, 'w') : undefined;
      const reconFd = opts.recon ? openSync(opts.recon, 'w') : undefined;
      const recon = new Y4mWriter(opened.width, opened.height, opened.fpsNum, opened.fpsDen);
      if (reconFd !== undefined) writeSync(reconFd, recon.header());
      const started = performance.now();
      let lastProgress = 0;
      io.err(`encoding ${opened.frames === 0 ? 'the' : Math.min(total, opened.frames ?? total)} frames of ${opened.description} with ${workers} worker${workers === 1 ? '' : 's'}\n`);
      try {
        const result = await encodeClip(opened.source, {
          maxFrames: total, fps: opened.fps, qp: opts.qp, bitrate: opts.bitrate, keyInterval: opts.keyint, preset: opts.preset,
          threads: workers, slices: opts.slices ?? (workers > 1 ? workers : undefined),
          onFrame: (info) => {
            if (reconFd !== undefined) for (const chunk of recon.frame(info.reconstruction)) writeSync(reconFd, chunk);
            const now = performance.now();
            if (io.isTty && now - lastProgress > 200) {
              lastProgress = now;
              const fps = ((info.index + 1) * 1000) / (now - started);
              io.err(`\r  frame ${info.index + 1}/${total}  ${fps.toFixed(1)} fps  Y-PSNR ${info.psnrY.toFixed(1)} dB   `);
            }
          },
        });
        if (io.isTty) io.err('\r\u001b[K');
        if (outFd !== undefined) writeSync(outFd, result.stream);
        const seconds = (performance.now() - started) / 1000;
        const sorted = [...result.accessUnits].sort((a, b) => a - b);
        io.out(
          `${result.frames} frames ${opened.width}x${opened.height} (${result.codec}) in ${seconds.toFixed(1)} s: ` +
          `${(result.frames / seconds).toFixed(1)} fps, ${(result.bitrate / 1e6).toFixed(2)} Mbit/s, ` +
          `Y-PSNR ${result.psnrY.toFixed(2)} dB, ${result.keyframes} keyframe${result.keyframes === 1 ? '' : 's'}, ` +
          `largest access unit ${sorted[sorted.length - 1]} bytes\n`,
        );
        if (opts.out) io.out(`wrote ${opts.out} (${result.stream.length} bytes, Annex B)\n`);
        if (opts.recon) io.out(`wrote ${opts.recon} (reconstruction, ${result.frames} frames)\n`);
      } catch (error) {
        // A file can be well-formed at the top and broken further in (truncated frames).
        if (error instanceof MediaParseError) throw new EncodeUsageError(`${opts.input}: ${error.message}`);
        throw error;
      } finally {
        if (outFd !== undefined) closeSync(outFd);
        if (reconFd !== undefined) closeSync(reconFd);
      }
    });
}
