/**
 * spellbook/registry: push and pull pipeline packages over the OCI Distribution API (HEAD to
 * skip, monolithic and chunked uploads, artifactType, referrers with the tag-schema fallback,
 * Basic and Bearer auth) or to a local OCI layout directory (the default, nothing to start);
 * a pull is verified as a package before it is cached or written. Public API only; no side effects.
 */
export { push, pull, openStore, type PushResult, type PullResult, type PullOptions, type StoreOptions } from './transfer.js';
export { parseReference, scopeOf, defaultLayoutRoot, type Reference } from './reference.js';
export { HttpStore, parseChallenge, type Credentials, type HttpStoreOptions } from './http-store.js';
export { LayoutStore } from './layout-store.js';
export type { Store, TransferCounters, ManifestResponse } from './store.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';
export { REGISTRY_DEFAULTS, REGISTRY_LIMITS } from './constants.js';
