/**
 * Test helper: Debian's docker-registry (CNCF distribution) on a free loopback port with its own
 * storage directory, optionally with htpasswd Basic auth (the bcrypt line made by python3's crypt,
 * which uses the system's libxcrypt; cost 4, so each request's check is cheap). Stopped by `stop()`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningRegistry {
  host: string;
  root: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function bcryptLine(user: string, password: string): string {
  const hash = execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password], { encoding: 'utf8' }).trim();
  if (!hash.startsWith('$2')) throw new Error(`no bcrypt from python3 crypt: ${hash}`);
  return `${user}:${hash}\n`;
}

export async function startRegistry(options: { auth?: { user: string; password: string }; token?: { realm: string; service: string; issuer: string; certPath: string } } = {}): Promise<RunningRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const root = join(dir, 'data');
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let auth = '';
  if (options.auth) {
    writeFileSync(join(dir, 'htpasswd'), bcryptLine(options.auth.user, options.auth.password));
    auth = `auth:\n  htpasswd:\n    realm: spellbook-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  if (options.token) {
    const t = options.token;
    auth = `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.certPath}\n`;
  }
  writeFileSync(join(dir, 'config.yml'), `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${root}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n${auth}`);
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`docker-registry did not answer within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    root,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where the registry keeps a blob's bytes (distribution's filesystem driver layout). */
export const storedBlobPath = (root: string, digest: string) => join(root, 'docker/registry/v2/blobs/sha256', digest.slice(7, 9), digest.slice(7), 'data');
