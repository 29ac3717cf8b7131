/**
 * EnvelopeVerifier: accepts an IFMessage v2.1 envelope only if it is signed by the key this
 * receiver already holds for the sender, fresh, not replayed, and well formed. Every refusal is
 * an EnvelopeError with a stable code, counted by code in `stats()`.
 *
 * Order of the checks (the first failure is the reason):
 * 1. size (`too-large`), UTF-8 and JSON text (`bad-json`), duplicate member names
 *    (`duplicate-key`; JSON.parse would keep the last silently);
 * 2. `unsigned` when there is no signature member, then the schema (`schema-invalid`);
 * 3. `signed_fields` must be the sorted names of every other member (`signed-fields`): the
 *    message does not choose what is signed;
 * 4. canonical JSON must carry every value exactly (`not-canonicalizable`, RFC 8785);
 * 5. the pinned key: none for this sender (`unknown-sender`), a carried key that differs
 *    (`key-mismatch`), a sender id not derived from the pinned key (`sender-mismatch`);
 * 6. the Ed25519 signature (RFC 8032 section 5.1.7) with the pinned key (`bad-signature`);
 * 7. addressed to us (`wrong-receiver`, when `self` is set);
 * 8. freshness: timestamp + ttl + skew >= now (`expired`), timestamp <= now + skew (`from-future`);
 * 9. replay: a per-sender sliding window of sequence numbers (as RFC 4303 section 3.4.3:
 *    `replayed-sequence`, `stale-sequence` behind the window) and a bounded nonce cache
 *    (`replayed-nonce`). Replay state changes only after the signature has verified.
 */
import {
  DEFAULT_CLOCK_SKEW_MS,
  DEFAULT_MAX_ENVELOPE_BYTES,
  DEFAULT_MAX_SENDERS,
  DEFAULT_NONCE_CACHE_SIZE,
  DEFAULT_REPLAY_WINDOW,
  ENVELOPE_ERROR_CODES,
  type EnvelopeErrorCode,
} from './constants.js';
import { parseJson } from './canonical.js';
import { fromHex } from './codec.js';
import { signedFieldsOf, signingBytes, type IFMessage } from './envelope.js';
import { EnvelopeError } from './errors.js';
import { formatPublicKey, parsePublicKey } from './identity.js';
import { agentIdOf, verifyEd25519 } from './identity-node.js';
import { assertIFMessageSchema } from './schema.js';

/** The key this receiver holds for a sender id (raw 32 bytes or `ed25519:<base64>`), or undefined. */
export type KeyLookup = (senderId: string) => Uint8Array | string | undefined;

export interface EnvelopeVerifierOptions {
  /** Pinned keys or room roster. Never the key the message carries. */
  keys: KeyLookup;
  /** This agent's id: envelopes to other agents are refused. Unset: any receiver. */
  self?: string;
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
  /** Clock skew allowed both ways (30 s). */
  maxClockSkewMs?: number;
  /** Sequence numbers remembered behind the highest, per sender (1024). */
  replayWindow?: number;
  /** Nonces remembered (100,000). */
  nonceCacheSize?: number;
  /** Senders whose replay state is kept (10,000). */
  maxSenders?: number;
  /** Largest envelope in bytes (64 KiB). */
  maxBytes?: number;
  /** Ed25519 verification (default node:crypto). */
  verifySignature?: (publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array) => boolean;
}

export interface EnvelopeVerifierStats {
  accepted: number;
  rejected: number;
  /** Rejections by code; every code present, zero when never seen. */
  byReason: Record<EnvelopeErrorCode, number>;
  /** Senders with replay state, nonces cached. */
  senders: number;
  nonces: number;
}

export interface VerifiedEnvelope {
  envelope: IFMessage;
  /** The pinned key the signature verified with. */
  publicKey: Uint8Array;
}

export type VerifyResult = ({ ok: true } & VerifiedEnvelope) | { ok: false; error: EnvelopeError };

/** Sliding window of seen sequence numbers for one sender. */
class SequenceWindow {
  highest = 0;
  readonly bits: Uint8Array;
  constructor(readonly size: number) {
    this.bits = new Uint8Array(size);
  }
  check(seq: number): EnvelopeErrorCode | undefined {
    if (seq > this.highest) return undefined;
    if (this.highest - seq >= this.size) return 'stale-sequence';
    return this.bits[seq % this.size] ? 'replayed-sequence' : undefined;
  }
  mark(seq: number): void {
    if (seq > this.highest) {
      if (seq - this.highest >= this.size) this.bits.fill(0);
      else for (let s = this.highest + 1; s < seq; s++) this.bits[s % this.size] = 0;
      this.highest = seq;
    }
    this.bits[seq % this.size] = 1;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class EnvelopeVerifier {
  readonly #keys: KeyLookup;
  readonly #self?: string;
  readonly #clock: () => number;
  readonly #skew: number;
  readonly #window: number;
  readonly #nonceMax: number;
  readonly #sendersMax: number;
  readonly #maxBytes: number;
  readonly #verify: (publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array) => boolean;
  readonly #senders = new Map<string, SequenceWindow>();
  /** `sender nonce` -> expiry (ms); insertion order is arrival order. */
  readonly #nonces = new Map<string, number>();
  readonly #idOfKey = new Map<string, string>();
  #accepted = 0;
  readonly #byReason = Object.fromEntries(ENVELOPE_ERROR_CODES.map((c) => [c, 0])) as Record<EnvelopeErrorCode, number>;

  constructor(options: EnvelopeVerifierOptions) {
    this.#keys = options.keys;
    this.#self = options.self;
    this.#clock = options.clock ?? Date.now;
    this.#skew = options.maxClockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    this.#window = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    this.#nonceMax = options.nonceCacheSize ?? DEFAULT_NONCE_CACHE_SIZE;
    this.#sendersMax = options.maxSenders ?? DEFAULT_MAX_SENDERS;
    this.#maxBytes = options.maxBytes ?? DEFAULT_MAX_ENVELOPE_BYTES;
    this.#verify = options.verifySignature ?? verifyEd25519;
    if (!Number.isInteger(this.#window) || this.#window < 1) throw new RangeError('replayWindow must be a whole number >= 1');
  }

  /** Verify without throwing. */
  check(input: string | Uint8Array | object): VerifyResult {
    try {
      return { ok: true, ...this.verify(input) };
    } catch (error) {
      if (error instanceof EnvelopeError) return { ok: false, error };
      throw error;
    }
  }

  /** Verify and record; throws EnvelopeError (counted in stats) on any refusal. */
  verify(input: string | Uint8Array | object): VerifiedEnvelope {
    try {
      const result = this.#verify_(input);
      this.#accepted++;
      return result;
    } catch (error) {
      if (error instanceof EnvelopeError) this.#byReason[error.code]++;
      throw error;
    }
  }

  stats(): EnvelopeVerifierStats {
    const rejected = Object.values(this.#byReason).reduce((a, b) => a + b, 0);
    return { accepted: this.#accepted, rejected, byReason: { ...this.#byReason }, senders: this.#senders.size, nonces: this.#nonces.size };
  }

  #parse(input: string | Uint8Array | object): unknown {
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
    const size = typeof input === 'string' ? (input.length > this.#maxBytes ? Infinity : new TextEncoder().encode(input).length) : input.byteLength;
    if (size > this.#maxBytes) throw new EnvelopeError('too-large', `more than ${this.#maxBytes} bytes`);
    let text: string;
    try {
      text = typeof input === 'string' ? input : utf8.decode(input);
    } catch {
      throw new EnvelopeError('bad-json', 'not UTF-8');
    }
    return parseJson(text);
  }

  #pinned(sender: string): Uint8Array {
    const pinned = this.#keys(sender);
    if (pinned === undefined) throw new EnvelopeError('unknown-sender', sender.slice(0, 64), { path: '/sender' });
    try {
      const raw = typeof pinned === 'string' ? parsePublicKey(pinned) : pinned;
      if (raw.length !== 32) throw new RangeError('not 32 bytes');
      return raw;
    } catch {
      throw new EnvelopeError('unknown-sender', 'the pinned key is not an Ed25519 public key', { path: '/sender' });
    }
  }

  #derivedId(key: Uint8Array, keyText: string): string {
    let id = this.#idOfKey.get(keyText);
    if (!id) {
      id = agentIdOf(key);
      if (this.#idOfKey.size >= this.#sendersMax) this.#idOfKey.clear();
      this.#idOfKey.set(keyText, id);
    }
    return id;
  }

  #verify_(input: string | Uint8Array | object): VerifiedEnvelope {
    const value = this.#parse(input);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new EnvelopeError('schema-invalid', 'not an object');
    if (!('signature' in value)) throw new EnvelopeError('unsigned', undefined, { path: '/signature' });
    assertIFMessageSchema(value);
    const envelope = value as IFMessage;
    const expected = signedFieldsOf(envelope);
    const listed = envelope.signature.signed_fields;
    if (listed.length !== expected.length || listed.some((f, i) => f !== expected[i])) {
      throw new EnvelopeError('signed-fields', `expected [${expected.join(', ')}]`, { path: '/signature/signed_fields' });
    }
    const bytes = signingBytes(envelope); // throws not-canonicalizable
    if (bytes.length > this.#maxBytes) throw new EnvelopeError('too-large', `more than ${this.#maxBytes} bytes`);

    const key = this.#pinned(envelope.sender);
    // Base64 is canonical here (formatPublicKey), so comparing texts compares keys; a carried
    // text that is not canonical base64 is simply not the pinned key.
    if (envelope.signature.public_key !== formatPublicKey(key)) throw new EnvelopeError('key-mismatch', undefined, { path: '/signature/public_key' });
    if (this.#derivedId(key, envelope.signature.public_key) !== envelope.sender) throw new EnvelopeError('sender-mismatch', undefined, { path: '/sender' });
    const signature = fromHex(envelope.signature.signature_bytes.slice('ed25519:'.length))!;
    if (!this.#verify(key, bytes, signature)) throw new EnvelopeError('bad-signature', undefined, { path: '/signature/signature_bytes' });

    if (this.#self !== undefined && envelope.receiver !== this.#self && envelope.receiver !== 'if://agent/*') {
      throw new EnvelopeError('wrong-receiver', undefined, { path: '/receiver' });
    }
    const now = this.#clock();
    const sent = Date.parse(envelope.timestamp);
    if (Number.isNaN(sent)) throw new EnvelopeError('schema-invalid', '/timestamp is not a date', { path: '/timestamp' });
    const expiry = sent + envelope.ttl * 1000 + this.#skew;
    if (now > expiry) throw new EnvelopeError('expired', `sent ${envelope.timestamp}, ttl ${envelope.ttl} s`, { path: '/timestamp' });
    if (sent > now + this.#skew) throw new EnvelopeError('from-future', envelope.timestamp, { path: '/timestamp' });

    let window = this.#senders.get(envelope.sender);
    const seqProblem = window?.check(envelope.sequence_num);
    if (seqProblem) throw new EnvelopeError(seqProblem, String(envelope.sequence_num), { path: '/sequence_num' });
    const nonceKey = `${envelope.sender} ${envelope.nonce}`;
    this.#pruneNonces(now);
    if (this.#nonces.has(nonceKey)) throw new EnvelopeError('replayed-nonce', envelope.nonce, { path: '/nonce' });

    if (!window) {
      if (this.#senders.size >= this.#sendersMax) this.#senders.delete(this.#senders.keys().next().value!);
      window = new SequenceWindow(this.#window);
    } else {
      this.#senders.delete(envelope.sender); // re-insert: least recently seen goes first
    }
    this.#senders.set(envelope.sender, window);
    window.mark(envelope.sequence_num);
    if (this.#nonces.size >= this.#nonceMax) this.#nonces.delete(this.#nonces.keys().next().value!);
    this.#nonces.set(nonceKey, expiry);
    return { envelope, publicKey: key };
  }

  /** Drop expired nonces from the front (arrival order is close to expiry order). */
  #pruneNonces(now: number): void {
    for (const [k, expiry] of this.#nonces) {
      if (expiry >= now) break;
      this.#nonces.delete(k);
    }
  }
}
