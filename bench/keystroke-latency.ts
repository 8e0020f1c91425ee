import { performance } from 'node:perf_hooks';
import { COUNT_CAP, PAGE_SIZE } from '../src/search-service/protocol.js';
import { createSearchClient } from '../src/search-service/threads.js';

/**
 * The bench hook for issue 6: milliseconds from sending each query to the search threads until its
 * first page and its count are back, the moment the screen can show results. This is the path a
 * keystroke takes after the typing pause (the 120 ms debounce is not included), once the UI is
 * open. Queries run one after another, as a user typing `queries` one keystroke at a time would
 * send them.
 */
export async function measureKeystrokeLatency(
  dbPath: string,
  queries: readonly string[],
  options: { inProcess?: boolean } = {},
): Promise<number[]> {
  const client = createSearchClient(dbPath, options);
  try {
    // What the UI asks as it opens, before anyone can type: the newest events, their count, the status.
    await Promise.all([
      client.request({ kind: 'page', query: '', offset: 0, limit: PAGE_SIZE }),
      client.request({ kind: 'count', query: '', cap: COUNT_CAP }),
      client.request({ kind: 'status' }),
    ]);
    const times: number[] = [];
    const timelines: Promise<unknown>[] = [];
    for (const [generation, query] of queries.entries()) {
      const start = performance.now();
      // The UI also asks for the timeline strip of every query; it is not waited for, but it runs
      // meanwhile and shares the cores.
      timelines.push(client.request({ kind: 'timeline', query }, generation));
      await Promise.all([
        client.request({ kind: 'page', query, offset: 0, limit: PAGE_SIZE }, generation),
        client.request({ kind: 'count', query, cap: COUNT_CAP }, generation),
      ]);
      times.push(performance.now() - start);
    }
    await Promise.all(timelines);
    return times;
  } finally {
    await client.close();
  }
}
