import { describe, expect, test } from 'vitest';
import { killAndResume } from '../helpers/crash-archive.js';

describe('crash consistency, 20 kills', () => {
  test('100k events killed with SIGKILL at 20 moments, each resumed, index as an uninterrupted run', async () => {
    const midRun = await killAndResume({ files: 400, kills: 20 });
    // Kills must have landed mid-run, or the test proves nothing.
    expect(midRun).toBeGreaterThanOrEqual(5);
  }, 900_000);
});
