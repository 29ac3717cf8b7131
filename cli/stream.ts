/**
 * `spell stream`: serve one Streamer (a Y4M file, a WAV file or the synthetic picture and tone)
 * to every browser that opens the printed URL, over WHEP (src/stream). Live controls in the
 * page and on standard input (`bitrate 800k`, `size 640x360`, `fps 15`, `stats`, `quit`).
 * Ctrl-C closes every peer and exits. Argument parsing and printing only.
 */
import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import { mergeSettings, Streamer, DEFAULT_VIDEO_SETTINGS, type VideoSettings } from '../src/controls/index.js';
import { openAudioSource, openVideoSource, parseBitrate, parseSize, type SourceEvent } from '../src/encoding/index.js';
import { DEFAULT_MAX_VIEWERS, DEFAULT_PORT, StreamServer } from '../src/stream/index.js';
import { releaseNative } from '../harness/native.js';

export interface StreamIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

interface StreamOptions {
  video: string;
  audio: string;
  port: number;
  host: string;
  size?: { width: number; height: number };
  fps?: number;
  bitrate?: number;
  maxViewers: number;
  loop: boolean;
  workers: number;
}

function asArgument<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

const wholeNumber = (min: number, max: number) =>
  asArgument((text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`expected a whole number from ${min} to ${max}`);
    return n;
  });

/** The source's own size and rate when the encoder may take them, else the defaults (the picture is scaled). */
function initialSettings(source: { width: number; height: number; frameRate: number; kind: string }, opts: StreamOptions): VideoSettings {
  const own = source.kind === 'synthetic' ? {} : { width: source.width, height: source.height, frameRate: Math.min(60, Math.max(1, Math.round(source.frameRate))) };
  const wanted = { ...own, ...opts.size, ...(opts.fps ? { frameRate: opts.fps } : {}), ...(opts.bitrate ? { bitrateBps: opts.bitrate } : {}) };
  try {
    return mergeSettings(DEFAULT_VIDEO_SETTINGS, wanted);
  } catch {
    return mergeSettings(DEFAULT_VIDEO_SETTINGS, { ...opts.size, ...(opts.bitrate ? { bitrateBps: opts.bitrate } : {}) });
  }
}

/** One command line control: returns what to print. */
export function applyCommand(line: string, streamer: Streamer, server: StreamServer): string | 'quit' {
  const [word, arg] = line.trim().split(/\s+/, 2);
  switch (word) {
    case '':
      return '';
    case 'bitrate':
      streamer.setVideo({ bitrateBps: parseBitrate(arg ?? '') });
      return `bitrate ${streamer.video.bitrateBps} bit/s`;
    case 'size':
      streamer.setVideo(parseSize(arg ?? ''));
      return `size ${streamer.video.width}x${streamer.video.height}`;
    case 'fps':
      streamer.setVideo({ frameRate: Number(arg) });
      return `frame rate ${streamer.video.frameRate}`;
    case 'stats': {
      const s = server.getStats();
      const r = s.streamer.renditions.map((x) => `${x.settings.width}x${x.settings.height}@${x.settings.frameRate} ${x.framesPerSecond.toFixed(1)} fps`).join(', ');
      return `${s.viewers.length} viewers; ${Math.round(s.streamer.total.bitrateBps / 1000)} kbit/s; encodes: ${r || 'none'}`;
    }
    case 'quit':
    case 'exit':
      return 'quit';
    default:
      return `unknown command '${word}': bitrate <rate>, size <WxH>, fps <n>, stats, quit`;
  }
}

export function registerStream(program: Command, io: StreamIo): void {
  program
    .command('stream')
    .description('serve a viewer page and a WHEP endpoint on localhost; every browser that opens it watches one stream')
    .option('--video <file.y4m|synthetic>', 'what to send as video', 'synthetic')
    .option('--audio <file.wav|synthetic>', 'what to send as audio', 'synthetic')
    .option('--port <n>', `TCP port (default ${DEFAULT_PORT}; 0 picks a free one)`, wholeNumber(0, 65535), DEFAULT_PORT)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--size <WxH>', 'video size sent (default: the file\'s, else 1280x720)', asArgument(parseSize))
    .option('--fps <n>', 'frame rate sent (default: the file\'s, else 30)', wholeNumber(1, 60))
    .option('--bitrate <rate>', 'video bitrate, e.g. 2500k', asArgument(parseBitrate))
    .option('--max-viewers <n>', `viewers at once (default ${DEFAULT_MAX_VIEWERS})`, wholeNumber(1, 64), DEFAULT_MAX_VIEWERS)
    .option('--no-loop', 'stop at the end of a file instead of starting again')
    .option('--workers <n>', 'slice worker threads per encode', wholeNumber(1, 16), 2)
    .action(async (opts: StreamOptions) => {
      let server: StreamServer | undefined;
      try {
        const video = openVideoSource(opts.video, { loop: opts.loop });
        const audio = openAudioSource(opts.audio, { loop: opts.loop });
        const settings = initialSettings(video, opts);
        const streamer = new Streamer({ video: settings, source: video, audio: { source: audio }, workers: opts.workers });
        streamer.on('source', (e: SourceEvent & { media: string }) => io.err(`stream: ${e.media} source ${e.source}: ${e.kind}${e.error ? ` (${e.error.message})` : ''}\n`));
        streamer.on('error', (e) => io.err(`stream: ${e.message}\n`));
        server = new StreamServer({ streamer, port: opts.port, host: opts.host, maxViewers: opts.maxViewers });
        const url = await server.start();
        io.out(`stream: ${video.description} + ${audio.description} as ${settings.width}x${settings.height}@${settings.frameRate} ${Math.round(settings.bitrateBps / 1000)} kbit/s\n`);
        io.out(`stream: open ${url} (WHEP endpoint ${new URL('/whep', url).href}); type bitrate/size/fps/stats/quit, Ctrl-C to stop\n`);
      } catch (error) {
        await server?.close();
        io.err(`spell stream: ${(error as Error).message}\n`);
        io.setExitCode(2);
        await releaseNative();
        return;
      }
      const running = server;
      const stdin = process.stdin.readable ? createInterface({ input: process.stdin, terminal: false }) : undefined;
      const why = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
        stdin?.on('line', (line) => {
          try {
            const said = applyCommand(line, running.streamer, running);
            if (said === 'quit') resolve('quit');
            else if (said) io.out(`stream: ${said}\n`);
          } catch (error) {
            io.err(`stream: ${(error as Error).message}\n`);
          }
        });
      });
      stdin?.close();
      const viewers = running.viewerCount;
      await running.close();
      await releaseNative();
      io.out(`stream: stopped on ${why} (${viewers} viewers closed)\n`);
      io.setExitCode(0);
    });
}
