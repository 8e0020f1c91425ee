import { beforeAll, describe, test } from 'vitest';
import { describeUntouchedArchive, readArchive } from '../helpers/verify-archive.js';
import type { ArchiveModel } from '../helpers/verify-archive.js';
import { checkTamperCase, TAMPER_CASES } from '../helpers/tamper-cases.js';

/** The full tampering matrix on all six chains of the samples (test/verify.test.ts runs one case per kind on two). */
let model: ArchiveModel;
beforeAll(() => {
  model = readArchive();
});

describeUntouchedArchive('all samples');

describe('trailhound verify, tampered archives (every case)', () => {
  test.each(TAMPER_CASES.map((tamperCase) => [tamperCase.name, tamperCase] as const))('%s', (_, tamperCase) => {
    checkTamperCase(model, tamperCase);
  });
});
