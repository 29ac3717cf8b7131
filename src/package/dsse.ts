/**
 * DSSE v1 (secure-systems-lab/dsse, protocol.md and envelope.md) over an in-toto Statement v1
 * (in-toto Attestation Framework, statement.md). The signature is Ed25519 (RFC 8032) over
 * PAE(payloadType, payload) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths as
 * ASCII decimal byte counts. The Statement's subject names the package manifest by digest.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { IN_TOTO, MEDIA_TYPES, PACKAGE_LIMITS, PackageMessages } from './constants.js';
import { PackageError } from './errors.js';
import { keyIdOf, type SigningKey } from './keys.js';

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: { keyid?: string; sig: string }[];
}

export interface Statement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate?: Record<string, unknown>;
}

export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** A Statement that the package manifest `digest` (sha256:hex) is signed. */
export function signatureStatement(name: string, digest: string): Statement {
  return { _type: IN_TOTO.statementType, subject: [{ name, digest: { sha256: digest.replace(/^sha256:/, '') } }], predicateType: IN_TOTO.signaturePredicate, predicate: { artifactType: MEDIA_TYPES.pipelineArtifact } };
}

export function signEnvelope(statement: Statement, key: SigningKey): DsseEnvelope {
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const sig = cryptoSign(null, pae(MEDIA_TYPES.inToto, payload), key.privateKey);
  return { payloadType: MEDIA_TYPES.inToto, payload: payload.toString('base64'), signatures: [{ keyid: key.keyId, sig: sig.toString('base64') }] };
}

export interface EnvelopeCheck {
  /** The trusted key that verified it. */
  keyId: string;
  statement: Statement;
}

const invalid = (why: string, path?: string) => new PackageError('signature-invalid', PackageMessages.signatureInvalid(why), { path });

/** Parse an envelope's JSON strictly (shape, sizes, base64). */
export function parseEnvelope(bytes: Uint8Array, path?: string): DsseEnvelope {
  if (bytes.length > PACKAGE_LIMITS.maxJsonBytes) throw invalid(`envelope of ${bytes.length} bytes is too large`, path);
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalid('the envelope is not JSON', path);
  }
  const e = v as DsseEnvelope;
  if (typeof e !== 'object' || e === null || typeof e.payloadType !== 'string' || typeof e.payload !== 'string' || !Array.isArray(e.signatures)) throw invalid('the envelope lacks payloadType, payload or signatures', path);
  if (e.signatures.length === 0 || e.signatures.length > PACKAGE_LIMITS.maxSignatures) throw invalid(`the envelope has ${e.signatures.length} signatures`, path);
  for (const s of e.signatures) if (typeof s !== 'object' || s === null || typeof s.sig !== 'string' || (s.keyid !== undefined && typeof s.keyid !== 'string')) throw invalid('a signature entry is malformed', path);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(e.payload)) throw invalid('the payload is not base64', path);
  return e;
}

/**
 * Verify an envelope against trusted keys and check that its Statement names `digest`.
 * A signature from a key that is not trusted is `signature-untrusted`; one from a trusted key
 * that does not verify (the package or signature changed) is `signature-invalid`.
 */
export function verifyEnvelope(env: DsseEnvelope, trusted: readonly KeyObject[], digest: string, path?: string): EnvelopeCheck {
  if (env.payloadType !== MEDIA_TYPES.inToto) throw invalid(`payloadType is ${JSON.stringify(env.payloadType)}, not ${MEDIA_TYPES.inToto}`, path);
  const payload = Buffer.from(env.payload, 'base64');
  const message = pae(env.payloadType, payload);
  const byId = new Map(trusted.map((k) => [keyIdOf(k), k]));
  let verified: string | undefined;
  let failedTrusted = false;
  for (const s of env.signatures) {
    const candidates = s.keyid !== undefined ? (byId.has(s.keyid) ? [[s.keyid, byId.get(s.keyid)!] as const] : []) : [...byId.entries()];
    for (const [id, key] of candidates) {
      let ok = false;
      try {
        ok = cryptoVerify(null, message, key, Buffer.from(s.sig, 'base64'));
      } catch {
        ok = false;
      }
      if (ok) {
        verified = id;
        break;
      }
      failedTrusted = true;
    }
    if (verified) break;
  }
  if (!verified) {
    if (failedTrusted) throw invalid('the Ed25519 signature does not verify under the trusted key (the package or its signature was changed)', path);
    const ids = env.signatures.map((s) => s.keyid ?? '(no keyid)').join(', ');
    throw new PackageError('signature-untrusted', PackageMessages.signatureUntrusted(trusted.length === 0 ? `signed by ${ids}, and no key is trusted (pass --key or a --policy)` : `signed by ${ids}, which the trust policy does not trust for this package`), { path });
  }
  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    throw invalid('the signed payload is not JSON', path);
  }
  if (statement?._type !== IN_TOTO.statementType || !Array.isArray(statement.subject)) throw invalid(`the payload is not an in-toto Statement v1`, path);
  const want = digest.replace(/^sha256:/, '');
  if (!statement.subject.some((s) => s && typeof s === 'object' && s.digest && s.digest.sha256 === want)) {
    const named = statement.subject.map((s) => s?.digest?.sha256).join(', ');
    throw invalid(`the statement names sha256:${named}, not the package manifest ${digest}`, path);
  }
  return { keyId: verified, statement };
}
