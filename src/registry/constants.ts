/**
 * Defaults, limits and messages of the registry client (one place, per docs/contributing.md).
 * Protocol: OCI Distribution Specification v1.1 (spec.md: pull, push, referrers, tag schema
 * fallback); auth: RFC 7617 (Basic), RFC 6750 (Bearer) with the token flow registries use
 * (distribution's docs/spec/auth/token.md).
 */
export const REGISTRY_DEFAULTS = {
  /** Blobs larger than this are uploaded in chunks (PATCH with Content-Range). */
  chunkThreshold: 16 * 1024 * 1024,
  chunkSize: 8 * 1024 * 1024,
  timeoutMs: 60_000,
  tag: 'latest',
  /** Local layouts live below $XDG_DATA_HOME (or ~/.local/share). */
  dataSubdir: 'spellbook/oci',
};

export const REGISTRY_LIMITS = {
  maxManifestBytes: 4 * 1024 * 1024,
  maxBlobBytes: 2 * 1024 * 1024 * 1024,
  maxReferrers: 1000,
  maxTokenBytes: 64 * 1024,
  /** Distribution's limit for repository name components (spec.md, "Pulling manifests"). */
  maxNameLength: 255,
};

export const MANIFEST_ACCEPT = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json'].join(', ');

export const RegistryMessages = {
  badReference: (ref: string, why: string) => `bad reference ${JSON.stringify(ref)}: ${why}`,
  http: (method: string, url: string, status: number, body: string) => `${method} ${url}: HTTP ${status}${body ? `: ${body}` : ''}`,
  unauthorized: (url: string, why: string) => `registry refused credentials for ${url}: ${why}`,
  notFound: (what: string) => `not found: ${what}`,
  digestMismatch: (what: string, want: string, got: string) => `package blob digest mismatch: ${what} should be ${want}, the registry sent ${got}`,
  tooLarge: (what: string, size: number, limit: number) => `${what} of ${size} bytes is over the limit of ${limit}`,
  uploadFailed: (digest: string, why: string) => `upload of ${digest} failed: ${why}`,
  notPackage: (ref: string, artifactType: string | undefined) => `${ref} is not a pipeline package (artifactType ${String(artifactType)})`,
  unreachable: (url: string, why: string) => `cannot reach ${url}: ${why}`,
};
