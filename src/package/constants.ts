/**
 * Media types, limits and messages of pipeline packages (one place, per docs/contributing.md).
 * OCI: image-spec v1.1 (image layout, manifest, descriptor, empty descriptor); DSSE v1
 * (secure-systems-lab/dsse, envelope.md and protocol.md); in-toto Attestation Framework v1
 * (Statement).
 */

export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  empty: 'application/vnd.oci.empty.v1+json',
  /** artifactType of a package's manifest. */
  pipelineArtifact: 'application/vnd.spellbook.pipeline.v1',
  pipelineManifestJson: 'application/vnd.spellbook.pipeline.manifest.v1+json',
  pipelineManifestYaml: 'application/vnd.spellbook.pipeline.manifest.v1+yaml',
  wasm: 'application/wasm',
  model: 'application/vnd.spellbook.model.v1',
  meta: 'application/vnd.spellbook.meta.v1+json',
  /** artifactType of a signature manifest (a referrer of the package manifest). */
  signatureArtifact: 'application/vnd.spellbook.signature.v1',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  inToto: 'application/vnd.in-toto+json',
} as const;

/** The OCI empty descriptor's blob `{}` (image-spec v1.1, manifest.md "Guidance for an Empty Descriptor"). */
export const EMPTY_BLOB = new TextEncoder().encode('{}');
export const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

export const ANNOTATIONS = {
  title: 'org.opencontainers.image.title',
  refName: 'org.opencontainers.image.ref.name',
} as const;

export const IN_TOTO = {
  statementType: 'https://in-toto.io/Statement/v1',
  provenancePredicate: 'https://spellbook.dev/provenance/pack/v1',
  signaturePredicate: 'https://spellbook.dev/signature/package/v1',
} as const;

export const PACKAGE_LIMITS = {
  /** Largest .rmpkg read. */
  maxPackageBytes: 2 * 1024 * 1024 * 1024,
  maxEntries: 10_000,
  /** Largest JSON document (index, manifests, meta, envelope). */
  maxJsonBytes: 4 * 1024 * 1024,
  maxLayers: 1_000,
  maxSignatures: 16,
};

export const PACKAGE_DEFAULTS = {
  tag: 'latest',
  /** Cache directory below XDG_CACHE_HOME (or ~/.cache). */
  cacheSubdir: 'spellbook',
  fileMode: 0o644,
};

/** Each refusal starts with its own words (docs/package.md). */
export const PackageMessages = {
  signatureMissing: (why: string) => `package signature missing: ${why}`,
  signatureInvalid: (why: string) => `package signature invalid: ${why}`,
  signatureUntrusted: (why: string) => `package signature untrusted: ${why}`,
  digestMismatch: (why: string) => `package blob digest mismatch: ${why}`,
  pathEscape: (why: string) => `package path escapes the layout: ${why}`,
  badArchive: (why: string) => `package archive malformed: ${why}`,
  badLayout: (why: string) => `package layout invalid: ${why}`,
  badManifest: (why: string) => `package pipeline manifest invalid: ${why}`,
  tooLarge: (what: string, size: number, limit: number) => `package ${what} of ${size} bytes is over the limit of ${limit}`,
  badKey: (why: string) => `key refused: ${why}`,
  badPolicy: (why: string) => `trust policy invalid: ${why}`,
  badInput: (why: string) => `cannot pack: ${why}`,
};
