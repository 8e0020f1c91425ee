import { vi } from 'vitest';

// With colour off a frame is plain text (tui.test.tsx explains); hoisted above the imports that load Ink.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '0';
});

import { describeKeepingPlace } from './helpers/tui-place-suite.js';

/** Issue 15's place-keeping on 20,000 events; test/thorough/tui-place-100k on 100,000. */
describeKeepingPlace(20_000);
