// Config for running only the fixture suite in this folder (see ../../vitest-results.test.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['sample.spec.ts'] } });
