import { appendFileSync, readFileSync } from 'node:fs';

/** Earlier queries, oldest first; Up in the query box walks back through them. */
export interface QueryHistory {
  entries(): readonly string[];
  add(query: string): void;
}

/** Queries kept, in memory and in the file. */
const MAX_ENTRIES = 500;

export function createMemoryHistory(initial: readonly string[] = []): QueryHistory {
  const entries = initial.slice(-MAX_ENTRIES);
  return {
    entries: () => entries,
    add(query) {
      const trimmed = query.trim();
      if (trimmed === '' || entries.at(-1) === trimmed) return;
      entries.push(trimmed);
      if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
    },
  };
}

/**
 * History kept across sessions in a file, one query per line, readable by its owner only. A file
 * that cannot be read or written leaves the history in memory for this session: only recall of
 * earlier sessions' queries is lost, never a search.
 */
export function createFileHistory(path: string): QueryHistory {
  let initial: string[] = [];
  try {
    initial = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch {
    // no history yet (or unreadable): start empty, as documented above
  }
  const memory = createMemoryHistory(initial);
  return {
    entries: () => memory.entries(),
    add(query) {
      const line = query.replace(/[\r\n]+/g, ' ').trim();
      if (line === '' || memory.entries().at(-1) === line) return;
      memory.add(line);
      try {
        appendFileSync(path, `${line}\n`, { mode: 0o600 });
      } catch {
        // kept in memory for this session, as documented above
      }
    },
  };
}
