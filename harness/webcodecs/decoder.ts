/**
 * Decode H.264 in headless Chromium with WebCodecs `VideoDecoder` and return every decoded
 * picture's I420 planes to Node. Used as the independent reference decoder for the encoder.
 *
 * One instance owns one browser and one local HTTP server (WebCodecs needs a secure context,
 * which `http://localhost` is); decode as many streams as you like, then `close()`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CONFORMANCE_CHROMIUM_ARGS, findChromium } from '../chromium.js';
import { DECODER_PAGE } from './page.js';


/** One decoded picture: visible size, I420 planes (tightly packed), chunk timestamp. */
export interface DecodedPicture {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  /** Index of the access unit (chunk timestamp). */
  timestamp: number;
  /** VideoFrame.format as Chromium reported it before conversion. */
  format: string;
}

export interface DecodeOptions {
  /** Codec string, e.g. "avc1.42e01f" (profile, constraints, level of the SPS). */
  codec: string;
  hardwareAcceleration?: 'no-preference' | 'prefer-hardware' | 'prefer-software';
}

interface Job {
  data: Uint8Array;
  meta: unknown;
  frames: Map<number, DecodedPicture>;
  /** Encode jobs: raw I420 input pictures, and the chunks Chromium produced. */
  inputs?: Uint8Array[];
  chunks?: Map<number, EncodedChunk>;
}

/** One chunk from Chromium's VideoEncoder. */
export interface EncodedChunk {
  key: boolean;
  data: Uint8Array;
}

export interface EncodeOptions {
  width: number;
  height: number;
  /** Codec string, e.g. "avc1.42e01f". */
  codec: string;
  bitrate: number;
  framerate: number;
  /** Frames from one requested key frame to the next. */
  keyInterval: number;
  bitrateMode?: 'constant' | 'variable';
  hardwareAcceleration?: 'no-preference' | 'prefer-hardware' | 'prefer-software';
}

export interface EncodeResult {
  chunks: EncodedChunk[];
  /** Time from the first encode() call to the end of flush(), measured in the page. */
  encodeMs: number;
}

/** True when the access unit holds an IDR slice (nal_unit_type 5). */
export function isKeyAccessUnit(au: Uint8Array): boolean {
  for (let i = 0; i + 3 < au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1 && (au[i + 3] & 31) === 5) return true;
  }
  return false;
}

export class WebCodecsDecoder {
  private nextJob = 1;
  private readonly jobs = new Map<number, Job>();

  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly server: Server,
  ) {}

  /** Start the local server and headless Chromium, and load the decoder page. */
  static async launch(opts: { executablePath?: string } = {}): Promise<WebCodecsDecoder> {
    let self: WebCodecsDecoder | undefined;
    const server = createServer((req, res) => {
      if (!self) {
        res.writeHead(503).end();
        return;
      }
      self.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let browser: Browser | undefined;
    try {
      browser = await puppeteer.launch({ executablePath: opts.executablePath ?? findChromium().path, headless: true, args: [...CONFORMANCE_CHROMIUM_ARGS] });
      const page = await browser.newPage();
      self = new WebCodecsDecoder(browser, page, server);
      await page.goto(`http://localhost:${port}/`);
      return self;
    } catch (e) {
      await browser?.close();
      server.close();
      throw e;
    }
  }

  /** Browser version string, e.g. "HeadlessChrome/156.0...". */
  version(): Promise<string> {
    return this.browser.version();
  }

  /**
   * Decode a sequence of Annex B access units (one per picture, the first an IDR with SPS and
   * PPS) and return the pictures in output order. Throws if the decoder reports an error.
   */
  async decode(accessUnits: Uint8Array[], opts: DecodeOptions): Promise<DecodedPicture[]> {
    const id = this.nextJob++;
    const total = accessUnits.reduce((n, au) => n + au.length, 0);
    const data = new Uint8Array(total);
    let off = 0;
    for (const au of accessUnits) {
      data.set(au, off);
      off += au.length;
    }
    const job: Job = {
      data,
      meta: {
        codec: opts.codec,
        sizes: accessUnits.map((a) => a.length),
        keys: accessUnits.map(isKeyAccessUnit),
        hardwareAcceleration: opts.hardwareAcceleration ?? 'prefer-software',
      },
      frames: new Map(),
    };
    this.jobs.set(id, job);
    try {
      const result = (await this.page.evaluate((jobId: number) => (window as unknown as { decodeJob(id: number): Promise<unknown> }).decodeJob(jobId), id)) as {
        count: number;
        error: string | null;
      };
      if (result.error) throw new Error(`WebCodecs decode failed: ${result.error}`);
      const out: DecodedPicture[] = [];
      for (let i = 0; i < result.count; i++) {
        const f = job.frames.get(i);
        if (!f) throw new Error(`decoded picture ${i} was not received`);
        out.push(f);
      }
      return out;
    } finally {
      this.jobs.delete(id);
    }
  }

  /**
   * Encode I420 pictures (tightly packed, `width` x `height`) with Chromium's WebCodecs
   * VideoEncoder (realtime latency mode, Annex B output). Pictures are all loaded into the page
   * before the timed encode loop starts.
   */
  async encode(pictures: Uint8Array[], opts: EncodeOptions): Promise<EncodeResult> {
    const id = this.nextJob++;
    const config = {
      codec: opts.codec,
      width: opts.width,
      height: opts.height,
      bitrate: opts.bitrate,
      framerate: opts.framerate,
      latencyMode: 'realtime',
      bitrateMode: opts.bitrateMode ?? 'variable',
      hardwareAcceleration: opts.hardwareAcceleration ?? 'prefer-software',
      avc: { format: 'annexb' },
    };
    const job: Job = { data: new Uint8Array(0), meta: { frames: pictures.length, keyInterval: opts.keyInterval, config }, frames: new Map(), inputs: pictures, chunks: new Map() };
    this.jobs.set(id, job);
    try {
      const result = (await this.page.evaluate((jobId: number) => (window as unknown as { encodeJob(id: number): Promise<unknown> }).encodeJob(jobId), id)) as {
        count: number;
        error: string | null;
        encodeMs: number;
      };
      if (result.error) throw new Error(`WebCodecs encode failed: ${result.error}`);
      const chunks: EncodedChunk[] = [];
      for (let i = 0; i < result.count; i++) {
        const c = job.chunks?.get(i);
        if (!c) throw new Error(`encoded chunk ${i} was not received`);
        chunks.push(c);
      }
      return { chunks, encodeMs: result.encodeMs };
    } finally {
      this.jobs.delete(id);
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(DECODER_PAGE);
      return;
    }
    const m = /^\/job\/(\d+)\/(meta|data|frame\/(\d+)|input\/(\d+)|chunk\/(\d+))$/.exec(url.pathname);
    const job = m ? this.jobs.get(Number(m[1])) : undefined;
    if (!m || !job) {
      res.writeHead(404).end();
      return;
    }
    if (m[2] === 'meta') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(job.meta));
    } else if (m[2] === 'data') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(job.data);
    } else if (m[4] !== undefined) {
      const input = job.inputs?.[Number(m[4])];
      if (!input) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(input);
    } else if (m[5] !== undefined) {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      job.chunks?.set(Number(m[5]), { key: url.searchParams.get('key') === '1', data: new Uint8Array(Buffer.concat(chunks)) });
      res.writeHead(204).end();
    } else {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = new Uint8Array(Buffer.concat(chunks));
      const w = Number(url.searchParams.get('w'));
      const h = Number(url.searchParams.get('h'));
      const cw = (w + 1) >> 1;
      const ch = (h + 1) >> 1;
      if (body.length !== w * h + 2 * cw * ch) throw new Error(`picture ${m[3]}: ${body.length} bytes for ${w}x${h}`);
      job.frames.set(Number(m[3]), {
        width: w,
        height: h,
        y: body.subarray(0, w * h),
        u: body.subarray(w * h, w * h + cw * ch),
        v: body.subarray(w * h + cw * ch),
        timestamp: Number(url.searchParams.get('ts')),
        format: url.searchParams.get('format') ?? '',
      });
      res.writeHead(204).end();
    }
  }
}
