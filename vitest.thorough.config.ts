import { defineConfig } from 'vitest/config';

/** The thorough tier (`npm run test:thorough`): the slow variants of default-tier tests, on full-size data. */
export default defineConfig({
  test: {
    include: ['test/thorough/**/*.test.ts', 'test/thorough/**/*.test.tsx'],
    maxWorkers: 2,
    testTimeout: 600_000,
  },
});
