/**
 * Artifact reassembly: an `art-start` announces name, size, chunk count and SHA-256 (FIPS
 * 180-4); chunks must arrive in order on the reliable ordered channel (RFC 8831 section 6.1)
 * with the announced sizes; `art-end` checks the count and the digest. Limits: the largest
 * artifact and the transfers in flight per peer. SHA-256 comes from WebCrypto
 * (`crypto.subtle`), present in Node 20 and in browser pages on localhost or https.
 */
import { CHUNK_BYTES, MAX_INBOUND_TRANSFERS_PER_PEER, Messages } from './constants.js';
import { SwarmError, SwarmMessageError } from './errors.js';
import { toHex, type ChunkFrame } from './protocol.js';

export interface Artifact {
  from: string;
  name: string;
  data: Uint8Array;
  sha256: string;
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)));
}

interface Transfer {
  name: string;
  size: number;
  sha256: string;
  chunks: number;
  next: number;
  received: number;
  data: Uint8Array;
}

export class ArtifactReceiver {
  readonly #transfers = new Map<string, Transfer>();
  constructor(readonly maxBytes: number) {}

  start(m: { xid: string; name: string; size: number; sha256: string; chunks: number }): void {
    if (m.size > this.maxBytes) throw new SwarmMessageError('too-large', Messages.tooLarge(m.size, this.maxBytes), { field: 'size' });
    if (this.#transfers.has(m.xid)) throw new SwarmMessageError('bad-field', Messages.badField('xid', 'a new transfer id'), { field: 'xid' });
    if (this.#transfers.size >= MAX_INBOUND_TRANSFERS_PER_PEER) throw new SwarmMessageError('bad-field', Messages.badField('xid', `one of at most ${MAX_INBOUND_TRANSFERS_PER_PEER} transfers in flight`), { field: 'xid' });
    this.#transfers.set(m.xid, { name: m.name, size: m.size, sha256: m.sha256, chunks: m.chunks, next: 0, received: 0, data: new Uint8Array(m.size) });
  }

  chunk(frame: ChunkFrame): void {
    const t = this.#transfers.get(frame.xid);
    if (!t) throw new SwarmMessageError('bad-frame', Messages.badFrame('unknown transfer id'), { offset: 1 });
    const expected = Math.min(CHUNK_BYTES, t.size - t.next * CHUNK_BYTES);
    if (frame.index !== t.next || frame.data.length !== expected) {
      this.#transfers.delete(frame.xid);
      throw new SwarmMessageError('bad-frame', Messages.badFrame(`chunk ${frame.index} of ${frame.data.length} bytes, expected chunk ${t.next} of ${expected}`), { offset: 17 });
    }
    t.data.set(frame.data, t.next * CHUNK_BYTES);
    t.next++;
    t.received += frame.data.length;
  }

  /** Completes a transfer: resolves with the artifact (without `from`) or rejects with the reason. */
  async end(xid: string): Promise<Omit<Artifact, 'from'>> {
    const t = this.#transfers.get(xid);
    if (!t) throw new SwarmMessageError('bad-field', Messages.badField('xid', 'a transfer in flight'), { field: 'xid' });
    this.#transfers.delete(xid);
    if (t.next !== t.chunks) throw new SwarmMessageError('bad-frame', Messages.badFrame(`${t.next} of ${t.chunks} chunks arrived`), { offset: 0 });
    const sha256 = await sha256Hex(t.data);
    if (sha256 !== t.sha256) throw Object.assign(new SwarmError('digest-mismatch', Messages.digestMismatch(t.name)), { sha256 });
    return { name: t.name, data: t.data, sha256 };
  }

  clear(): void {
    this.#transfers.clear();
  }
}
