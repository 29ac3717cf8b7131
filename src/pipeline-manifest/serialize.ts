/** Writing a manifest as JSON (two-space indent) or YAML, fields in RemoteMedia's order. */
import { stringify } from 'yaml';
import type { Manifest, ManifestFormat } from './types.js';

export function serializeManifest(manifest: Manifest, format: ManifestFormat = 'json'): string {
  return format === 'json' ? `${JSON.stringify(manifest, null, 2)}\n` : stringify(manifest, { lineWidth: 0 });
}
