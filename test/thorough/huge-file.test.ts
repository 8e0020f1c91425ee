import { describe, test } from 'vitest';
import { indexHugeFile } from '../helpers/huge-file.js';

describe('a 2 GB file', () => {
  test('a single 2 GB file streams through in bounded memory; the events around a huge value are kept', () => {
    indexHugeFile(2 * 1024 ** 3);
  }, 600_000);
});
