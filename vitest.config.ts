import { defineConfig } from 'vitest/config';

/** The default tier (`npm test`): every module, on data small enough to finish in minutes. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The expensive variants (20 kills, the 2 GB file, every tamper case) run with `npm run test:thorough`.
    exclude: ['test/thorough/**', '**/node_modules/**'],
    // Indexing tests write real SQLite files; two cores, so two forks keep them from starving each other.
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
