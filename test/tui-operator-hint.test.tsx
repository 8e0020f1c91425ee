import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '0';
});

import { cleanup, render } from 'ink-testing-library';
import { App } from '../src/tui/components/App.js';
import { createMemoryHistory } from '../src/tui/state/history.js';
import type { SearchClient } from '../src/search-service/protocol.js';
import { createSearchClient } from '../src/search-service/threads.js';
import { indexInto } from './helpers/temp-index.js';
import { driveApp } from './helpers/drive-app.js';

/** issue 14 item 2: the terminal UI says on its status line when a lower-case operator was searched as a word. */
describe('terminal UI: lower-case operators', () => {
  let client: SearchClient;
  let dbPath: string;
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-hint-'));
  beforeAll(async () => {
    dbPath = (
      await indexInto([new URL('./fixtures/ndjson-events.jsonl', import.meta.url).pathname], {
        dbPath: join(dir, 'index.db'),
      })
    ).dbPath;
    client = createSearchClient(dbPath);
  });
  afterAll(async () => {
    cleanup();
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the status line says how "or" was read, and not once it is upper case', async () => {
    const app = render(
      <App
        client={client}
        dbPath={dbPath}
        initialQuery="action:RunTask or action:StopTask"
        history={createMemoryHistory()}
        theme={{ color: false }}
        exportDir={dir}
        size={{ columns: 120, rows: 24 }}
        debounceMs={5}
        statusPollMs={60_000}
      />,
    );
    const hinted = await driveApp(app, 300).waitFor((frame) => frame.includes('searched as a word'), 'the hint');
    expect(hinted).toContain('"or" was searched as a word; write OR (upper case) to use it as an operator');
    app.unmount();
    const fresh = render(
      <App
        client={client}
        dbPath={dbPath}
        initialQuery="action:RunTask OR action:StopTask"
        history={createMemoryHistory()}
        theme={{ color: false }}
        exportDir={dir}
        size={{ columns: 120, rows: 24 }}
        debounceMs={5}
        statusPollMs={60_000}
      />,
    );
    // The hint comes with the results of the search it is about: once they are shown, it would be too.
    const answered = await driveApp(fresh, 300).waitFor((frame) => /\d+ match/.test(frame), 'the results');
    expect(answered).not.toContain('searched as a word');
    fresh.unmount();
  });
});
