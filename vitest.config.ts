import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Indexing tests write real SQLite files; two cores, so two forks keep them from starving each other.
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
