/**
 * Test helpers: a raw `ws` client that records every frame the server sends and waits for the
 * ones a test expects, and a real redis-server on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { WebSocket } from 'ws';

export interface RawClient {
  ws: WebSocket;
  frames: Record<string, unknown>[];
  /** Resolves with the first recorded frame (from index `from`, default the start) matching `pred`. */
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number, from?: number): Promise<Record<string, unknown>>;
  /** Resolves when the socket closes, with its close code. */
  closed: Promise<{ code: number; reason: string }>;
  send(value: unknown): void;
  /** Join and wait for `joined` (or an error). */
  join(room: string, extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export async function rawClient(url: string, options: { origin?: string; headers?: Record<string, string> } = {}): Promise<RawClient> {
  const ws = new WebSocket(url, { origin: options.origin, headers: options.headers });
  const frames: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', () => reject(new Error('unexpected response')));
  });
  const next = (pred: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000, from = 0) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const hit = frames.slice(from).find(pred);
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for a frame; got ${JSON.stringify(frames).slice(0, 600)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const client: RawClient = {
    ws,
    frames,
    next,
    closed,
    send: (value) => ws.send(typeof value === 'string' ? value : JSON.stringify(value)),
    async join(room, extra = {}) {
      const from = frames.length;
      client.send({ type: 'join', room, ...extra });
      return next((m) => m.type === 'joined' || m.type === 'error', 10_000, from);
    },
  };
  return client;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface RedisProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `redis-server` on a free loopback port with no persistence. */
export async function startRedis(port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  const proc = spawn('/usr/bin/redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    proc.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${p}`,
    port: p,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns true (generous timeout, clear failure). */
export async function until(fn: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
