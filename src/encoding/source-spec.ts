/**
 * Opening a frame source from what a user types: `synthetic` (or `synthetic:<pattern>`)
 * for the built-in moving test picture, or a path to a `.y4m` file.
 */
import { readFileSync } from 'node:fs';
import { MediaParseError } from './errors.js';
import type { FrameSource } from './pipeline.js';
import { SyntheticSource, type SyntheticPattern } from './synthetic.js';
import { Y4mReader } from './y4m.js';

const PATTERNS: readonly SyntheticPattern[] = ['moving', 'flat', 'noisy', 'scenecut'];

export interface OpenedSource {
  source: FrameSource;
  width: number;
  height: number;
  fps: number;
  fpsNum: number;
  fpsDen: number;
  /** Frames the source holds (undefined: endless). */
  frames?: number;
  description: string;
}

export interface SourceRequest {
  /** `synthetic`, `synthetic:noisy`, or a .y4m path. */
  input: string;
  /** Size for synthetic input (a Y4M file carries its own). */
  width?: number;
  height?: number;
  /** Rate for synthetic input (a Y4M file carries its own). */
  fps?: number;
}

/** Parse `1280x720`; throws RangeError naming the problem. */
export function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!m) throw new RangeError(`size '${text}' is not WIDTHxHEIGHT, e.g. 1280x720`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width % 2 || height % 2) throw new RangeError(`size ${width}x${height} must be even and at least 16x16 (4:2:0)`);
  return { width, height };
}

/** Parse `2500k`, `2.5M`, `800000` (bits per second); throws RangeError naming the problem. */
export function parseBitrate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)(?:bps|bit\/s)?$/.exec(text.trim());
  if (!m) throw new RangeError(`bitrate '${text}' is not a number with an optional k or M suffix, e.g. 2500k`);
  const value = Number(m[1]) * (m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1);
  if (value < 1000) throw new RangeError(`bitrate ${value} bit/s is below 1 kbit/s`);
  return Math.round(value);
}

export function openFrameSource(request: SourceRequest): OpenedSource {
  const [kind, pattern] = request.input.split(':', 2);
  if (kind === 'synthetic') {
    if (pattern !== undefined && !PATTERNS.includes(pattern as SyntheticPattern)) {
      throw new RangeError(`unknown synthetic pattern '${pattern}'; use one of ${PATTERNS.join(', ')}`);
    }
    const fps = request.fps ?? 30;
    const source = new SyntheticSource({ width: request.width ?? 1280, height: request.height ?? 720, fps, pattern: (pattern as SyntheticPattern) ?? 'moving' });
    return { source, width: source.width, height: source.height, fps, fpsNum: fps, fpsDen: 1, description: `synthetic ${source.pattern} ${source.width}x${source.height}@${fps}` };
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(request.input);
  } catch (error) {
    throw new MediaParseError(`cannot read ${request.input}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 0);
  }
  const reader = new Y4mReader(bytes);
  const { width, height, fpsNum, fpsDen } = reader.header;
  const frameBytes = width * height + 2 * ((width / 2) * (height / 2)) + 6;
  return {
    source: reader, width, height, fps: fpsNum / fpsDen, fpsNum, fpsDen,
    frames: Math.floor((bytes.length - reader.header.headerLength) / frameBytes),
    description: `${request.input} ${width}x${height}@${(fpsNum / fpsDen).toFixed(2).replace(/\.00$/, '')}`,
  };
}
