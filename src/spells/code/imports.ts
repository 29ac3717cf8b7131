/**
 * What a module imports from outside itself, read from source text with the same scanner
 * that reads its exports (nothing is imported, compiled or run).
 *
 * Starting at the module's entry (its `index.ts`), every relative reference is followed:
 * `import`, `import type`, side-effect imports, `export ... from` re-exports, `import x =
 * require()` and literal dynamic `import()`. Files inside the module (as `within` decides)
 * are walked in turn; a reference that resolves outside it is recorded once per place it is
 * written, with the file it resolves to (`../peer/index.js` and `../peer` both resolve to
 * `src/peer/index.ts`). Bare specifiers (packages, `node:` builtins) are listed apart and
 * never followed. Missing files are problems, never exceptions; every file is read once.
 */

import { dirname, sep } from 'node:path';
import { isDirectory, isFile } from './file-cache.js';
import { indexFileOf, moduleScans, resolveSpecifier } from './exports.js';
import { messages } from './messages.js';
import { absolutePath, joinPath } from './paths.js';
import type { ReferenceKind } from './module-scan.js';
import type { SourceLocation, SourceProblem } from './types.js';

export type { ReferenceKind } from './module-scan.js';

/** One reference, written at `location`, to `specifier`. */
export interface ImportReference {
  specifier: string;
  kind: ReferenceKind;
  typeOnly: boolean;
  location: SourceLocation;
  /** The file it resolves to (absolute); absent for a bare (package) specifier. */
  target?: string;
}

export interface ModuleImports {
  /** The entry file the walk started from (absolute). */
  entry: string;
  /** Files of the module that the walk reached, entry first. */
  files: string[];
  /** References from those files to files outside the module, in walk order. */
  external: ImportReference[];
  /** References to packages and builtins (bare specifiers). */
  packages: ImportReference[];
  problems: SourceProblem[];
  /** True when the walk stopped at `maxFiles`. */
  truncated: boolean;
}

export interface ReadImportsOptions {
  /** Whether a file belongs to the module (is walked) or is outside it (is a dependency). Default: under the module's folder. */
  within?: (file: string) => boolean;
  /** Most files walked per module (a bound on work for hostile trees). Default 5,000. */
  maxFiles?: number;
}

const SOURCE_FILE = /\.(?:[cm]?tsx?|[cm]?jsx?)$/;

/** The entry file of a module folder (its index) or the file itself. */
export function moduleEntry(fileOrDir: string): string {
  const absolute = absolutePath(fileOrDir);
  if (isDirectory(absolute)) return indexFileOf(absolute) ?? joinPath(absolute, 'index.ts');
  return absolute;
}

/** Read the imports of the module at `fileOrDir` (a folder with an index, or one file). */
export function readModuleImports(fileOrDir: string, options: ReadImportsOptions = {}): ModuleImports {
  const absolute = absolutePath(fileOrDir);
  const entry = moduleEntry(absolute);
  const folder = isDirectory(absolute) ? absolute : dirname(absolute);
  const within = options.within ?? ((file: string) => file.startsWith(folder + sep));
  const maxFiles = options.maxFiles ?? 5000;
  const result: ModuleImports = { entry, files: [], external: [], packages: [], problems: [], truncated: false };
  if (!isFile(entry)) {
    result.problems.push({ message: messages.missingEntry(entry), location: { file: entry, line: 1, column: 1 } });
    return result;
  }
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let q = 0; q < queue.length; q++) {
    const file = queue[q];
    result.files.push(file);
    const scan = moduleScans.get(file);
    if (!scan) {
      result.problems.push({ message: messages.unreadable(file, 'not a readable file'), location: { file, line: 1, column: 1 } });
      continue;
    }
    for (const ref of scan.references) {
      const location = { file, line: ref.at.line, column: ref.at.column };
      const resolved = resolveSpecifier(file, ref.specifier);
      if (resolved === 'package') {
        result.packages.push({ specifier: ref.specifier, kind: ref.kind, typeOnly: ref.typeOnly, location });
        continue;
      }
      if (resolved === undefined) {
        result.problems.push({ message: messages.missingModule(ref.specifier), location });
        continue;
      }
      if (within(resolved)) {
        if (seen.has(resolved) || !SOURCE_FILE.test(resolved)) continue;
        if (seen.size >= maxFiles) { result.truncated = true; continue; }
        seen.add(resolved);
        queue.push(resolved);
      } else {
        result.external.push({ specifier: ref.specifier, kind: ref.kind, typeOnly: ref.typeOnly, location, target: resolved });
      }
    }
  }
  return result;
}
