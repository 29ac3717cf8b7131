/**
 * The `yaml` package, loaded on first use. A check of Markdown and text spells with a plain
 * manifest (read by the manifest's fast path) needs no YAML parser, and loading the package
 * cost about 40 ms of every `spell check` run. It ships CommonJS, so `require` loads it
 * synchronously where it is needed.
 */
import { createRequire } from 'node:module';

type YamlPackage = typeof import('yaml');

let loaded: YamlPackage | undefined;

export function yaml(): YamlPackage {
  return (loaded ??= createRequire(import.meta.url)('yaml') as YamlPackage);
}
