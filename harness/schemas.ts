/** Loads the JSON schemas of `schemas/`, from the source tree or from `dist/`. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cache = new Map<string, object>();

export function loadSchema(name: string): object {
  const hit = cache.get(name);
  if (hit) return hit;
  // harness/x.ts in the tree, dist/harness/x.js when built.
  for (const up of ['../schemas/', '../../schemas/']) {
    const path = fileURLToPath(new URL(up + name, import.meta.url));
    if (existsSync(path)) {
      const schema = JSON.parse(readFileSync(path, 'utf8')) as object;
      cache.set(name, schema);
      return schema;
    }
  }
  throw new Error(`schema ${name} not found next to the harness`);
}
