/** Reading note keys given on a command line or in files. */
import { existsSync, readFileSync } from 'node:fs';
import { NodeIdentity, readPublicKey } from '../envelope/index.js';
import { defaultKeyName, noteVerifier, parseVerifierKey, type NoteSigner, type NoteVerifier } from './checkpoint.js';

const VERIFIER_KEY = /^[^\s+]+\+[0-9a-f]{8}\+\S+$/;

/**
 * A note verifier from `<name>+<key id>+<key>` (C2SP), `ed25519:<base64>`, or a file holding
 * either or a spellbook key file (only its public half is read). Keys without a name are
 * named `name`, else by default the base32 part of their agent id (as WitnessLog signs).
 */
export function resolveNoteVerifier(textOrPath: string, name?: string): NoteVerifier {
  const text = existsSync(textOrPath) ? readFileSync(textOrPath, 'utf8').trim() : textOrPath.trim();
  if (VERIFIER_KEY.test(text)) return parseVerifierKey(text);
  const publicKey = readPublicKey(existsSync(textOrPath) ? textOrPath : text);
  return noteVerifier(name ?? defaultKeyName(publicKey), publicKey);
}

/** A note signer from a spellbook key file (mode 0600), named `name` or by its agent id. */
export function noteSignerFromKeyFile(path: string, name?: string): NoteSigner {
  const signer = NodeIdentity.fromKeyFile(path);
  return { name: name ?? defaultKeyName(signer.publicKey), signer };
}
