/** User-facing messages of the source readers in `src/spells/code/`. */

export const messages = {
  missingEntry: (path: string) => `module entry not found: ${path}`,
  missingModule: (specifier: string) => `cannot find module '${specifier}'`,
  missingExport: (name: string, specifier: string) => `'${specifier}' does not export '${name}'`,
  missingLocal: (name: string) => `exported name '${name}' is not declared or imported in this file`,
  packageStar: (specifier: string) => `cannot list the exports of package '${specifier}' (export * from a package is not followed)`,
  missingTestFile: (path: string) => `test file not found: ${path}`,
  notJson: (path: string, detail: string) => `${path} is not JSON: ${detail}`,
  notVitestReport: (path: string, detail: string) => `${path} is not a vitest JSON report: ${detail}`,
  unreadable: (path: string, detail: string) => `cannot read ${path}: ${detail}`,
} as const;
