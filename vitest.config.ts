import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Tests share two cores; tfjs work is CPU-bound, so more workers only thrash.
    maxWorkers: 2,
  },
});
