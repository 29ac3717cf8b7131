import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'cli/**/*.test.ts', 'harness/**/*.test.ts', 'fuzz/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['./vitest.global-setup.ts'],
    // The JSON report is the evidence `spell check --results` reads in CI.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
  },
});
