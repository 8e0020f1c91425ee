import { render } from 'ink';
import { App } from './components/App.js';
import type { QueryHistory } from './state/history.js';
import type { SearchClient } from '../search-service/protocol.js';
import type { Theme } from './text/theme.js';

export interface TuiOptions {
  /** Started by the caller before Ink loads, so the search threads start in the meantime; closed here. */
  readonly client: SearchClient;
  readonly dbPath: string;
  readonly query: string;
  readonly history: QueryHistory;
  readonly theme: Theme;
  readonly exportDir: string;
}

/** Switches to the terminal's alternate screen, so quitting gives the shell its screen back as it was. */
const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l';

/** Runs the terminal UI until the user quits. */
export async function runTui(options: TuiOptions): Promise<void> {
  const { client } = options;
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const instance = render(
      <App
        client={client}
        dbPath={options.dbPath}
        initialQuery={options.query}
        history={options.history}
        theme={options.theme}
        exportDir={options.exportDir}
      />,
      { exitOnCtrlC: false, patchConsole: true },
    );
    await instance.waitUntilExit();
  } finally {
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
    await client.close();
  }
}
