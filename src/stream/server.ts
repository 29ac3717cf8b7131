/**
 * `StreamServer`: one Streamer watched by every browser that opens the viewer page, over WHEP
 * (draft-ietf-wish-whep; the parts shared with WHIP from RFC 9725):
 *
 * - `POST /whep` with an SDP offer (`application/sdp`) -> `201 Created`, the answer with all
 *   our candidates, `Location: /whep/<id>` (the WHEP session resource) and an `ETag`
 *   (section 4.1). The offer's Peer becomes a subscriber of the Streamer.
 * - `DELETE /whep/<id>` ends that session (`200`, section 4.2); `PATCH` (trickle, ICE restart,
 *   section 4.3) answers `405` with `Allow`: offers must carry their candidates.
 * - `OPTIONS` answers CORS preflights (any origin, as WHEP players are served from elsewhere),
 *   with `Accept-Post: application/sdp` (RFC 9725 section 4.2).
 * - `GET /` the viewer page, `POST /control` live video settings (JSON), `GET /stats` JSON.
 *
 * Limits: request bodies (MAX_OFFER_BYTES, MAX_CONTROL_BYTES, REQUEST_TIMEOUT_MS), viewers
 * (maxViewers, 503 beyond; a session not connected within CONNECT_TIMEOUT_MS is dropped). Every refusal is a StreamServerError answered with its status and
 * a one-line text body.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Streamer, type StreamerStats } from '../controls/index.js';
import { NoAcceptableCodecError, Peer, PeerError, type PeerOptions } from '../peer/index.js';
import { SdpParseError } from '../sdp/index.js';
import {
  CONNECT_TIMEOUT_MS,
  CONTROL_PATH,
  DEFAULT_HOST,
  DEFAULT_MAX_VIEWERS,
  DEFAULT_PORT,
  GATHER_TIMEOUT_MS,
  MAX_CONTROL_BYTES,
  MAX_OFFER_BYTES,
  Messages,
  PAGE_PATH,
  REQUEST_TIMEOUT_MS,
  SDP_CONTENT_TYPE,
  STATS_PATH,
  WHEP_PATH,
} from './constants.js';
import { StreamServerError } from './errors.js';
import { viewerPage } from './page.js';
import { checkOffer, parseControl, withCandidates } from './request.js';

export interface StreamServerOptions {
  /** The Streamer every viewer subscribes to (started by `start()`, closed by `close()` when `ownStreamer`). */
  streamer: Streamer;
  /** Close the Streamer with the server (default true). */
  ownStreamer?: boolean;
  port?: number;
  host?: string;
  maxViewers?: number;
  /** Options of each viewer's Peer (default: bound to `host` when it is an address). */
  peer?: PeerOptions;
  /** Page title (default "spell stream"). */
  title?: string;
  /** A session not connected this long after its answer is dropped (default CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
}

export interface ViewerInfo {
  id: string;
  resource: string;
  connectionState: string;
  since: number;
}

interface Viewer {
  id: string;
  peer: Peer;
  etag: string;
  since: number;
}

export interface StreamServerStats {
  viewers: ViewerInfo[];
  refused: Partial<Record<string, number>>;
  streamer: StreamerStats;
}

/** Writes a StreamServerError (or an unexpected error, as 500) as a text response. */
function fail(res: ServerResponse, error: unknown): void {
  const e = error instanceof StreamServerError ? error : undefined;
  const status = e?.status ?? 500;
  if (e?.code === 'method-not-allowed' && e.where) res.setHeader('Allow', e.where);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${e ? e.message : 'internal error'}\n`);
}

export class StreamServer {
  readonly streamer: Streamer;
  private readonly options: StreamServerOptions;
  private readonly http: Server;
  private readonly viewers = new Map<string, Viewer>();
  private readonly refusedCount: Record<string, number> = {};
  private closing = false;
  private pending = 0;

  constructor(options: StreamServerOptions) {
    this.options = options;
    this.streamer = options.streamer;
    this.http = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (error instanceof StreamServerError) this.refusedCount[error.code] = (this.refusedCount[error.code] ?? 0) + 1;
        if (!res.headersSent) fail(res, error);
        else res.destroy();
      });
    });
    this.http.requestTimeout = REQUEST_TIMEOUT_MS;
    this.http.headersTimeout = REQUEST_TIMEOUT_MS;
  }

  /** Starts the Streamer and listens; resolves with the page's URL. */
  async start(): Promise<string> {
    await this.streamer.start();
    const host = this.options.host ?? DEFAULT_HOST;
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port ?? DEFAULT_PORT, host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const a = this.http.address() as AddressInfo | null;
    if (!a) throw new StreamServerError('closed', Messages.closed);
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host === '127.0.0.1' ? 'localhost' : host}:${a.port}${PAGE_PATH}`;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  getStats(): StreamServerStats {
    return {
      viewers: [...this.viewers.values()].map((v) => ({ id: v.id, resource: `${WHEP_PATH}/${v.id}`, connectionState: v.peer.connectionState, since: v.since })),
      refused: { ...this.refusedCount },
      streamer: this.streamer.getStats(),
    };
  }

  private cors(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, PATCH, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, If-Match, Authorization');
    res.setHeader('Access-Control-Expose-Headers', 'Location, ETag, Link, Accept-Post');
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.cors(req, res);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      if (path === WHEP_PATH) res.setHeader('Accept-Post', SDP_CONTENT_TYPE);
      res.writeHead(204).end();
      return;
    }
    if (path === PAGE_PATH) {
      only(method, ['GET', 'HEAD']);
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self' blob: mediastream:",
        'Cache-Control': 'no-store',
      });
      res.end(method === 'HEAD' ? undefined : viewerPage(this.options.title ?? 'spell stream'));
      return;
    }
    if (path === WHEP_PATH) {
      only(method, ['POST', 'OPTIONS']);
      return this.offer(req, res);
    }
    if (path.startsWith(`${WHEP_PATH}/`)) {
      const id = path.slice(WHEP_PATH.length + 1);
      const viewer = this.viewers.get(id);
      if (!viewer) throw new StreamServerError('not-found', Messages.notFound(path), path);
      if (method === 'PATCH') throw new StreamServerError('method-not-allowed', Messages.trickle, 'DELETE, OPTIONS');
      only(method, ['DELETE', 'OPTIONS']);
      this.drop(viewer);
      res.writeHead(200).end();
      return;
    }
    if (path === CONTROL_PATH) {
      only(method, ['POST', 'OPTIONS']);
      const change = parseControl(await readBody(req, MAX_CONTROL_BYTES), this.streamer.video);
      this.streamer.setVideo(change);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(this.streamer.video));
      return;
    }
    if (path === STATS_PATH) {
      only(method, ['GET']);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(this.getStats()));
      return;
    }
    throw new StreamServerError('not-found', Messages.notFound(path), path);
  }

  private async offer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.closing) throw new StreamServerError('closed', Messages.closed);
    const max = this.options.maxViewers ?? DEFAULT_MAX_VIEWERS;
    if (this.viewers.size + this.pending >= max) throw new StreamServerError('too-many-viewers', Messages.tooManyViewers(max));
    // Checked before the body is read: a wrong type is refused without buffering it.
    if (req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() !== SDP_CONTENT_TYPE) checkOffer(req.headers['content-type'], '');
    this.pending++;
    let peer: Peer | undefined;
    try {
      const sdp = checkOffer(req.headers['content-type'], await readBody(req, MAX_OFFER_BYTES));
      const host = this.options.host ?? DEFAULT_HOST;
      peer = new Peer({ ...(/^[\d.]+$/.test(host) && host !== '0.0.0.0' ? { bindAddress: host } : {}), ...this.options.peer });
      const candidates: string[] = [];
      peer.on('candidate', (c) => candidates.push(c.candidate));
      const gathered = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
        peer!.on('icegatheringstatechange', (s) => {
          if (s === 'complete') {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      let answer;
      try {
        answer = await peer.acceptOffer(sdp);
      } catch (error) {
        if (error instanceof NoAcceptableCodecError || error instanceof SdpParseError || error instanceof PeerError) throw new StreamServerError('bad-offer', Messages.badOffer(error.message));
        throw error;
      }
      if (peer.iceGatheringState !== 'complete') await gathered;
      if (this.closing) throw new StreamServerError('closed', Messages.closed);
      const id = randomUUID();
      const viewer: Viewer = { id, peer, etag: `"${randomUUID()}"`, since: Date.now() };
      this.streamer.subscribe(peer, { id });
      this.viewers.set(id, viewer);
      peer.on('connectionstatechange', (s) => {
        if (s === 'failed' || s === 'closed') this.drop(viewer);
      });
      // A session whose viewer never connects gives its place back.
      const connectTimer = setTimeout(() => {
        if (viewer.peer.connectionState !== 'connected') this.drop(viewer);
      }, this.options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
      connectTimer.unref();
      res.writeHead(201, { 'Content-Type': SDP_CONTENT_TYPE, Location: `${WHEP_PATH}/${id}`, ETag: viewer.etag });
      res.end(withCandidates(answer.sdp, candidates));
      peer = undefined;
    } finally {
      this.pending--;
      peer?.close();
    }
  }

  /** Ends one viewer's session: unsubscribed and its Peer closed. */
  private drop(viewer: Viewer): void {
    if (this.viewers.get(viewer.id) !== viewer) return;
    this.viewers.delete(viewer.id);
    if (this.streamer.subscriber(viewer.id)) this.streamer.unsubscribe(viewer.id);
    viewer.peer.close();
  }

  /** Closes every viewer's Peer, stops listening, and closes the Streamer when it is ours. Idempotent. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const v of [...this.viewers.values()]) this.drop(v);
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    if (this.options.ownStreamer !== false) await this.streamer.close();
  }
}

function only(method: string, allowed: readonly string[]): void {
  if (!allowed.includes(method)) throw new StreamServerError('method-not-allowed', Messages.method(method, allowed), allowed.join(', '));
}

/** The body as text, refused past `limit` bytes (413) without buffering the rest. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new StreamServerError('too-large', Messages.tooLarge(limit), 'Content-Length'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new StreamServerError('too-large', Messages.tooLarge(limit), 'body'));
        req.pause();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => reject(new StreamServerError('timeout', Messages.timeout)));
  });
}
