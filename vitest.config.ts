import { defineConfig } from 'vitest/config';

/** The default tier (`npm test`): every module, on data small enough to finish in minutes. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // The expensive variants (20 kills, the 2 GB file, every tamper case) run with `npm run test:thorough`.
    exclude: ['test/thorough/**', '**/node_modules/**'],
    // Indexing tests write real SQLite files; two cores, so two forks keep them from starving each other
    // (a third made no difference: 172 s either way).
    maxWorkers: 2,
    // A fork runs file after file without reloading its modules (import time 17 s → 8 s, 172 s → 156 s in
    // all): src/ keeps no module-level mutable state (STYLE.md) and no test mocks or stubs a module.
    isolate: false,
    testTimeout: 120_000,
    // samples/ is indexed once for the run, and the suites that search it each take a copy.
    globalSetup: ['test/helpers/samples-index-setup.ts'],
  },
});
