/**
 * Signed checkpoints in the C2SP formats: a tlog-checkpoint body (origin line, tree size in
 * decimal, base64 root hash, optional extension lines) inside a signed note (body; a blank
 * line; one line per signature: U+2014 EM DASH, space, key name, space, base64 of the 4-byte
 * key id followed by the signature). Ed25519 note keys: key id = SHA-256(name || 0x0A || 0x01
 * || public key)[:4]; the signature covers the body text including its final newline. A
 * verifier key is written `<name>+<8 hex key id>+<base64(0x01 || public key)>`.
 *
 * Cosigning: another key (a witness, another agent) adds its own Ed25519 note signature line
 * over the same body. (C2SP's timestamped tlog-cosignature/v1 is not implemented.)
 */
import { agentIdOf, fromBase64, sha256, toBase64, toHex, verifyEd25519, type SyncSigner } from '../envelope/index.js';
import { MAX_NOTE_BYTES, MAX_NOTE_SIGNATURES, MAX_ORIGIN_LENGTH, NOTE_ALG_ED25519, NOTE_SIGNATURE_PREFIX } from './constants.js';
import { WitnessError } from './errors.js';
import { HASH_BYTES } from './merkle.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions: string[];
}

export interface NoteSignature {
  name: string;
  keyId: Uint8Array;
  signature: Uint8Array;
  /** 1-based line of the signature in the note. */
  line: number;
}

export interface SignedCheckpoint extends Checkpoint {
  /** The signed body text, final newline included. */
  body: string;
  signatures: NoteSignature[];
}

/** A note signing key: a name and an Ed25519 signer. */
export interface NoteSigner {
  name: string;
  signer: SyncSigner;
}

/** A note verifier key: name, key id and Ed25519 public key. */
export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

const encoder = new TextEncoder();
const KEY_NAME = /^[^\s+\u2014]+$/u;

function checkName(name: string): void {
  if (!KEY_NAME.test(name) || name.length > 255) throw new WitnessError('bad-key', 'a key name is non-empty, with no spaces or +');
}

/** SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  const n = encoder.encode(name);
  const data = new Uint8Array(n.length + 2 + publicKey.length);
  data.set(n, 0);
  data[n.length] = 0x0a;
  data[n.length + 1] = NOTE_ALG_ED25519;
  data.set(publicKey, n.length + 2);
  return sha256(data).subarray(0, 4);
}

export function noteVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  checkName(name);
  return { name, keyId: noteKeyId(name, publicKey), publicKey };
}

/** `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export function formatVerifierKey(v: NoteVerifier): string {
  return `${v.name}+${toHex(v.keyId)}+${toBase64(Uint8Array.of(NOTE_ALG_ED25519, ...v.publicKey))}`;
}

/** Parse a verifier key string; WitnessError `bad-key` unless its key id matches its name and key. */
export function parseVerifierKey(text: string): NoteVerifier {
  // name+keyid+base64: the base64 may itself hold '+', so split at the first two only.
  const t = text.trim();
  const a = t.indexOf('+');
  const b = a < 0 ? -1 : t.indexOf('+', a + 1);
  const parts = b < 0 ? [] : [t.slice(0, a), t.slice(a + 1, b), t.slice(b + 1)];
  const raw = parts.length === 3 ? fromBase64(parts[2]) : undefined;
  if (!raw || raw.length !== 33 || raw[0] !== NOTE_ALG_ED25519 || !/^[0-9a-f]{8}$/.test(parts[1])) throw new WitnessError('bad-key');
  const v = noteVerifier(parts[0], raw.subarray(1));
  if (toHex(v.keyId) !== parts[1]) throw new WitnessError('bad-key', 'the key id does not match the name and key');
  return v;
}

/** Default checkpoint key name for a public key: the base32 part of its agent id. */
export function defaultKeyName(publicKey: Uint8Array): string {
  return agentIdOf(publicKey).slice('if://agent/'.length);
}

/** The checkpoint body text (C2SP tlog-checkpoint). */
export function checkpointBody(c: Checkpoint): string {
  if (!c.origin || c.origin.length > MAX_ORIGIN_LENGTH || /[\n\r]/.test(c.origin)) throw new WitnessError('bad-checkpoint', 'origin is one non-empty line');
  if (c.rootHash.length !== HASH_BYTES) throw new WitnessError('bad-checkpoint', 'root hash is 32 bytes');
  return [c.origin, String(c.size), toBase64(c.rootHash), ...c.extensions].join('\n') + '\n';
}

function signatureLine(body: string, key: NoteSigner): string {
  checkName(key.name);
  const sig = key.signer.sign(encoder.encode(body));
  const blob = new Uint8Array(4 + sig.length);
  blob.set(noteKeyId(key.name, key.signer.publicKey), 0);
  blob.set(sig, 4);
  return `${NOTE_SIGNATURE_PREFIX}${key.name} ${toBase64(blob)}\n`;
}

/** A signed note: `text` (which ends in a newline), a blank line, and `key`'s signature line. */
export function signNote(text: string, key: NoteSigner): string {
  if (!text.endsWith('\n')) throw new WitnessError('bad-note', 'note text ends with a newline');
  return `${text}\n${signatureLine(text, key)}`;
}

/** A signed note for the checkpoint, signed by `key`. */
export function signCheckpoint(c: Checkpoint, key: NoteSigner): string {
  return signNote(checkpointBody(c), key);
}

/** Add `key`'s signature to a signed checkpoint (cosigning); the body is left exactly as it is. */
export function cosignCheckpoint(note: string, key: NoteSigner): string {
  const parsed = parseCheckpoint(note);
  return note + signatureLine(parsed.body, key);
}

function fail(code: 'bad-note' | 'bad-checkpoint', detail: string, line: number): never {
  throw new WitnessError(code, detail, line, 1);
}

export interface SignedNote {
  /** The signed text, final newline included. */
  body: string;
  signatures: NoteSignature[];
}

/** Parse a C2SP signed note. Throws WitnessError `bad-note` with the line. */
export function parseNote(text: string): SignedNote {
  if (text.length > MAX_NOTE_BYTES) fail('bad-note', `longer than ${MAX_NOTE_BYTES} bytes`, 1);
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) fail('bad-note', 'control characters other than newline', 1);
  if (/[\uD800-\uDFFF]/u.test(text)) fail('bad-note', 'not valid UTF-8 text', 1);
  const split = text.lastIndexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) fail('bad-note', 'no blank line before the signatures, or no final newline', 1);
  const body = text.slice(0, split + 1);
  const bodyLines = body.slice(0, -1).split('\n');
  if (split + 2 === text.length) fail('bad-note', 'no signature', bodyLines.length + 2);
  const sigLines = text.slice(split + 2, -1).split('\n');
  if (sigLines.length > MAX_NOTE_SIGNATURES) fail('bad-note', `more than ${MAX_NOTE_SIGNATURES} signatures`, bodyLines.length + 2);
  const signatures: NoteSignature[] = sigLines.map((line, i) => {
    const at = bodyLines.length + 2 + i;
    if (!line.startsWith(NOTE_SIGNATURE_PREFIX)) fail('bad-note', 'a signature line starts with an em dash and a space', at);
    const rest = line.slice(NOTE_SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const blob = space > 0 ? fromBase64(rest.slice(space + 1)) : undefined;
    if (!name || !KEY_NAME.test(name) || !blob || blob.length < 5) fail('bad-note', 'signature line is not "— <name> <base64>"', at);
    return { name, keyId: blob.subarray(0, 4), signature: blob.subarray(4), line: at };
  });
  if (!signatures.length) fail('bad-note', 'no signature', bodyLines.length + 2);
  return { body, signatures };
}

/** Parse a signed note holding a checkpoint. Throws WitnessError `bad-note` / `bad-checkpoint` with the line. */
export function parseCheckpoint(text: string): SignedCheckpoint {
  const { body, signatures } = parseNote(text);
  const bodyLines = body.slice(0, -1).split('\n');
  if (bodyLines.length < 3) fail('bad-checkpoint', 'a checkpoint has an origin, a size and a root hash line', 1);
  const [origin, sizeText, rootText, ...extensions] = bodyLines;
  if (!origin || origin.length > MAX_ORIGIN_LENGTH) fail('bad-checkpoint', 'origin is a non-empty line', 1);
  if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText) || Number(sizeText) > Number.MAX_SAFE_INTEGER) fail('bad-checkpoint', 'tree size is a decimal number without leading zeros', 2);
  const rootHash = fromBase64(rootText);
  if (!rootHash || rootHash.length !== HASH_BYTES) fail('bad-checkpoint', 'root hash is base64 of 32 bytes', 3);
  extensions.forEach((e, i) => {
    if (!e) fail('bad-checkpoint', 'extension lines are not empty', 4 + i);
  });
  return { origin, size: Number(sizeText), rootHash, extensions, body, signatures };
}

/** The verifiers (of those given) whose signature on the note verifies. Unknown names and ids are ignored, as the signed-note spec says. */
export function checkpointSigners(checkpoint: SignedNote, verifiers: readonly NoteVerifier[]): NoteVerifier[] {
  const bytes = encoder.encode(checkpoint.body);
  return verifiers.filter((v) =>
    checkpoint.signatures.some((s) => s.name === v.name && toHex(s.keyId) === toHex(v.keyId) && verifyEd25519(v.publicKey, bytes, s.signature)),
  );
}
