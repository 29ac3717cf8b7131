/**
 * Room admission. A room is open (allowed only when the server listens on loopback), or needs
 * a credential: a shared token, kept only as its SHA-256 (FIPS 180-4) and compared in constant
 * time, or an Ed25519 signature (RFC 8032) of the server's one-time challenge
 * (challenge.ts) by a key on the room's roster. Either configured credential admits.
 */
import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { challengeBytes } from './challenge.js';
import { Messages } from './constants.js';
import { SignalingError } from './errors.js';
import type { JoinMsg } from './messages.js';

/** How one room admits peers. `token` is hashed at construction and never kept. */
export type RoomAccess =
  | 'open'
  | {
      token?: string;
      /** hex SHA-256 of the token, for configs that should not hold the token itself. */
      tokenSha256?: string;
      /** Ed25519 public keys allowed in: base64 of the raw 32 bytes. */
      keys?: string[];
    };

export interface AuthOptions {
  /** Per-room access; rooms not listed use `default`. */
  rooms?: Record<string, RoomAccess>;
  /** Access of rooms not listed (default 'open', which needs a loopback host). */
  default?: RoomAccess;
}

interface CompiledAccess {
  open: boolean;
  tokenHash?: Buffer;
  keys: Map<string, KeyObject>;
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 section 4) before the 32 raw bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A KeyObject from a raw 32-byte Ed25519 public key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new SignalingError('invalid-option', `an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function sha256(text: string | Uint8Array): Buffer {
  return createHash('sha256').update(text).digest();
}

function compile(access: RoomAccess, where: string): CompiledAccess {
  if (access === 'open') return { open: true, keys: new Map() };
  const out: CompiledAccess = { open: false, keys: new Map() };
  if (access.token !== undefined) out.tokenHash = sha256(access.token);
  else if (access.tokenSha256 !== undefined) {
    if (!/^[0-9a-f]{64}$/i.test(access.tokenSha256)) throw new SignalingError('invalid-option', `${where}.tokenSha256 must be 64 hex digits`);
    out.tokenHash = Buffer.from(access.tokenSha256, 'hex');
  }
  for (const key of access.keys ?? []) {
    const raw = Buffer.from(key, 'base64');
    out.keys.set(raw.toString('base64'), ed25519PublicKey(raw));
  }
  if (!out.tokenHash && out.keys.size === 0) throw new SignalingError('invalid-option', `${where} needs a token, a tokenSha256 or keys (or 'open')`);
  return out;
}

export type AdmitResult = { ok: true } | { ok: false; code: 'auth-required' | 'auth-failed'; message: string };

export class RoomAuth {
  readonly #rooms = new Map<string, CompiledAccess>();
  readonly #default: CompiledAccess;

  constructor(options: AuthOptions = {}) {
    for (const [room, access] of Object.entries(options.rooms ?? {})) this.#rooms.set(room, compile(access, `auth.rooms.${room}`));
    this.#default = compile(options.default ?? 'open', 'auth.default');
  }

  /** True when some room (or the default) admits without a credential. */
  get hasOpenRooms(): boolean {
    return this.#default.open || [...this.#rooms.values()].some((a) => a.open);
  }

  /** Checks a join's credential against its room; `nonce` is the connection's challenge. */
  admit(join: JoinMsg, nonce: string): AdmitResult {
    const access = this.#rooms.get(join.room) ?? this.#default;
    if (access.open) return { ok: true };
    if (join.token === undefined && join.signature === undefined) return { ok: false, code: 'auth-required', message: Messages.authRequired(join.room) };
    if (join.token !== undefined && access.tokenHash && timingSafeEqual(sha256(join.token), access.tokenHash)) return { ok: true };
    if (join.signature !== undefined && join.publicKey !== undefined) {
      const raw = Buffer.from(join.publicKey, 'base64');
      const key = raw.length === 32 ? access.keys.get(raw.toString('base64')) : undefined;
      const signature = Buffer.from(join.signature, 'base64');
      if (key && signature.length === 64) {
        try {
          if (verify(null, challengeBytes(join.room, join.peerId ?? '', nonce), key, signature)) return { ok: true };
        } catch {
          /* malformed signature: refused below */
        }
      }
    }
    return { ok: false, code: 'auth-failed', message: Messages.authFailed };
  }
}

/** 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}
