/** Where packages are pushed to and pulled from: a registry over HTTP, or a local OCI layout directory. */
import type { Descriptor } from '../package/index.js';

export interface ManifestResponse {
  bytes: Uint8Array;
  mediaType: string;
  /** The digest we computed over the bytes. */
  digest: string;
}

export interface TransferCounters {
  blobsUploaded: number;
  blobsSkipped: number;
  /** PATCH requests of chunked uploads. */
  chunksUploaded: number;
  bytesUploaded: number;
  blobsDownloaded: number;
  bytesDownloaded: number;
  requests: number;
}

export const newCounters = (): TransferCounters => ({ blobsUploaded: 0, blobsSkipped: 0, chunksUploaded: 0, bytesUploaded: 0, blobsDownloaded: 0, bytesDownloaded: 0, requests: 0 });

export interface Store {
  readonly counters: TransferCounters;
  hasBlob(digest: string): Promise<boolean>;
  /** Upload bytes that hash to `digest`. */
  putBlob(digest: string, bytes: Uint8Array): Promise<void>;
  /** A blob, checked against its digest and size before it is returned. */
  getBlob(descriptor: Descriptor): Promise<Uint8Array>;
  /** Store a manifest under a tag or its digest; one with a subject is also made findable as a referrer. */
  putManifest(reference: string, bytes: Uint8Array, mediaType: string, subject?: Descriptor, artifactType?: string): Promise<void>;
  getManifest(reference: string): Promise<ManifestResponse>;
  /** Manifests whose subject is `digest` (referrers API or its tag-schema fallback). */
  referrers(digest: string): Promise<Descriptor[]>;
}
