/**
 * IFMessage v2.1 envelopes: the fields, building one with fresh sequence number, nonce and
 * timestamp, and signing it. Browser-safe: no Node imports.
 *
 * Signed bytes: SIGNING_DOMAIN (UTF-8) followed by the RFC 8785 canonical JSON of the whole
 * envelope without its `signature` member, so every nested field (content, scope, ...) is
 * covered and no other protocol's signature can be replayed as ours. `signature.signed_fields`
 * is not chosen by the sender: it is always the sorted list of the envelope's members other
 * than `signature`, and a verifier refuses any other list (`signed-fields`).
 */
import { DEFAULT_TTL_S, NONCE_BYTES, SIGNING_DOMAIN, type PERFORMATIVES } from './constants.js';
import { canonicalBytes } from './canonical.js';
import { concatBytes, toHex } from './codec.js';
import { formatPublicKey, type Signer } from './identity.js';

export type Performative = (typeof PERFORMATIVES)[number];

export interface IFScope {
  mission_id: string;
  workflow: string;
  domain: string;
}

export interface IFSignature {
  algorithm: 'ed25519';
  /** `ed25519:` + base64 of the raw 32-byte key. Informative only: verifiers use their pinned key. */
  public_key: string;
  /** `ed25519:` + 128 lowercase hex characters (64 bytes). */
  signature_bytes: string;
  /** Sorted names of every member but `signature`. */
  signed_fields: string[];
}

/** An IFMessage v2.1 envelope (schemas/ifmessage-v2.1.schema.json). */
export interface IFMessage {
  performative: Performative;
  /** `if://agent/<id>` of the signer. */
  sender: string;
  /** `if://agent/<id>`, or `if://agent/*` for everyone. */
  receiver: string;
  conversation_id: string;
  content: Record<string, unknown>;
  /** RFC 3339 date-time. */
  timestamp: string;
  /** 1, 2, 3, ... per sender. */
  sequence_num: number;
  /** 24 lowercase hex characters. */
  nonce: string;
  /** Seconds, 1-3600. */
  ttl: number;
  scope: IFScope;
  trace_id?: string;
  signature: IFSignature;
}

export type UnsignedIFMessage = Omit<IFMessage, 'signature'>;

/** What a caller provides; sender, timestamp, sequence number and nonce are filled in. */
export interface EnvelopeDraft {
  performative: Performative;
  receiver: string;
  conversation_id: string;
  content: Record<string, unknown>;
  scope: IFScope;
  ttl?: number;
  trace_id?: string;
}

const encoder = new TextEncoder();
const DOMAIN_BYTES = encoder.encode(SIGNING_DOMAIN);

/** The member names `signed_fields` must hold for this envelope. */
export function signedFieldsOf(envelope: object): string[] {
  return Object.keys(envelope)
    .filter((k) => k !== 'signature')
    .sort();
}

/** The envelope without its signature member (a shallow copy). */
export function withoutSignature(envelope: object): Record<string, unknown> {
  const { signature: _omit, ...rest } = envelope as Record<string, unknown>;
  return rest;
}

/** The bytes an Ed25519 signature covers: domain prefix || RFC 8785 canonical JSON of the envelope minus `signature`. */
export function signingBytes(envelope: object): Uint8Array {
  return concatBytes(DOMAIN_BYTES, canonicalBytes(withoutSignature(envelope)));
}

function attach(unsigned: UnsignedIFMessage, publicKey: Uint8Array, signature: Uint8Array): IFMessage {
  return {
    ...unsigned,
    signature: {
      algorithm: 'ed25519',
      public_key: formatPublicKey(publicKey),
      signature_bytes: `ed25519:${toHex(signature)}`,
      signed_fields: signedFieldsOf(unsigned),
    },
  };
}

/**
 * Sign a complete unsigned envelope. Refuses (EnvelopeError `not-canonicalizable`) values RFC
 * 8785 cannot carry exactly. Synchronous with a Node identity, a promise with WebCrypto.
 */
export function signEnvelope(unsigned: UnsignedIFMessage, signer: Signer<Uint8Array>): IFMessage;
export function signEnvelope(unsigned: UnsignedIFMessage, signer: Signer<Promise<Uint8Array>>): Promise<IFMessage>;
export function signEnvelope(unsigned: UnsignedIFMessage, signer: Signer): IFMessage | Promise<IFMessage>;
export function signEnvelope(unsigned: UnsignedIFMessage, signer: Signer): IFMessage | Promise<IFMessage> {
  const body = { ...unsigned, sender: signer.agentId };
  const sig = signer.sign(signingBytes(body));
  return sig instanceof Promise ? sig.then((s) => attach(body, signer.publicKey, s)) : attach(body, signer.publicKey, sig);
}

export interface ComposerOptions {
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
  /** First sequence number (default 1). A restarted agent must continue above what it sent before. */
  firstSequence?: number;
  defaultTtl?: number;
}

/** 24 lowercase hex characters from the platform's CSPRNG. */
export function newNonce(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/**
 * Builds and signs an agent's envelopes: sender from the identity, RFC 3339 timestamp from the
 * clock, sequence numbers 1, 2, 3, ..., a fresh random nonce each.
 */
export class EnvelopeComposer<R extends Uint8Array | Promise<Uint8Array> = Uint8Array> {
  readonly #signer: Signer<R>;
  readonly #clock: () => number;
  readonly #ttl: number;
  #next: number;

  constructor(signer: Signer<R>, options: ComposerOptions = {}) {
    this.#signer = signer;
    this.#clock = options.clock ?? Date.now;
    this.#ttl = options.defaultTtl ?? DEFAULT_TTL_S;
    this.#next = options.firstSequence ?? 1;
  }

  get agentId(): string {
    return this.#signer.agentId;
  }

  /** The next sequence number this composer will use. */
  get nextSequence(): number {
    return this.#next;
  }

  /** The unsigned envelope for a draft (consumes a sequence number). */
  compose(draft: EnvelopeDraft): UnsignedIFMessage {
    const out: UnsignedIFMessage = {
      performative: draft.performative,
      sender: this.#signer.agentId,
      receiver: draft.receiver,
      conversation_id: draft.conversation_id,
      content: draft.content,
      timestamp: new Date(this.#clock()).toISOString(),
      sequence_num: this.#next++,
      nonce: newNonce(),
      ttl: draft.ttl ?? this.#ttl,
      scope: draft.scope,
    };
    if (draft.trace_id !== undefined) out.trace_id = draft.trace_id;
    return out;
  }

  /** Compose and sign. */
  seal(draft: EnvelopeDraft): R extends Promise<Uint8Array> ? Promise<IFMessage> : IFMessage {
    return signEnvelope(this.compose(draft), this.#signer as Signer) as R extends Promise<Uint8Array> ? Promise<IFMessage> : IFMessage;
  }
}
