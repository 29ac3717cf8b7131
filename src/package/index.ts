/**
 * spellbook/package: pipeline packages (.rmpkg): an OCI image layout in a deterministic tar,
 * signed with Ed25519 in a DSSE envelope over an in-toto Statement stored as an OCI referrer,
 * verified before load (signature, trust policy, digests, paths) and cached by digest.
 * Public API only; no side effects.
 */
export { packPipeline, packManifest, signatureManifest, packageFileName, type PackOptions, type PackedPackage, type PackageMeta } from './pack.js';
export { verifyPackage, verifyLayoutFiles, layoutReferrers, type VerifyOptions, type VerifiedPackage } from './verify.js';
export { readLayout, Layout, BlobSet, sha256, blobPath, layoutFiles, jsonBytes, checkManifest, checkDescriptor, parseJson, EMPTY_DESCRIPTOR, OCI_LAYOUT, type Descriptor, type OciManifest, type OciIndex } from './layout.js';
export { readTar, writeTar, checkEntryName } from './tar.js';
export { loadPrivateKey, loadPublicKey, keyIdOf, type SigningKey } from './keys.js';
export { pae, signEnvelope, verifyEnvelope, parseEnvelope, signatureStatement, type DsseEnvelope, type Statement } from './dsse.js';
export { parsePolicy, loadPolicy, trustedKeys, scopeMatches, defaultPolicyPath, type TrustPolicy, type TrustEntry } from './policy.js';
export { PackageCache, defaultCacheDir } from './cache.js';
export { pipelineFromPackage, type PackagePipelineOptions } from './run.js';
export { PackageError, type PackageErrorCode } from './errors.js';
export { MEDIA_TYPES, PACKAGE_LIMITS, PACKAGE_DEFAULTS, EMPTY_DIGEST, ANNOTATIONS } from './constants.js';
