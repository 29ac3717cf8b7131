/**
 * The manifest digest: `sha256:` + hex SHA-256 of the RFC 8785 (JSON Canonicalization Scheme)
 * form of the document, so the same manifest in JSON or YAML, with any key order or spacing,
 * has one digest on every run and machine.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export function manifestDigest(document: unknown): string {
  const canonical = canonicalize(document);
  if (canonical === undefined) throw new TypeError('a manifest digest needs a JSON value');
  return `sha256:${createHash('sha256').update(canonical, 'utf8').digest('hex')}`;
}
