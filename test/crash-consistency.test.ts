import { describe, expect, test } from 'vitest';
import { killAndResume } from './helpers/crash-archive.js';

/**
 * 25k events: past the 10k at which indexing drops its indexes to rebuild them at the end, and past
 * one 20k-row transaction, so each stage can be hit. test/thorough/crash-consistency kills 20 times
 * in 100k.
 */
describe('crash consistency', () => {
  test('index killed with SIGKILL at 3 moments, each resumed, equals an uninterrupted run', async () => {
    const midRun = await killAndResume({ files: 100, kills: 3 });
    // Kills must have landed mid-run, or the test proves nothing.
    expect(midRun).toBeGreaterThanOrEqual(1);
  }, 300_000);
});
