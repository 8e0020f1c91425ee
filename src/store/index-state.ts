import { sep } from 'node:path';
import type { Problem, ProblemStage } from '../errors.js';
import type { SqliteDatabase } from './db.js';

/** What one file's latest read left in the index; a zip counts its entries' events. */
export interface FileReport {
  readonly path: string;
  readonly status: string;
  readonly eventsRead: number;
  readonly eventsNew: number;
  readonly problems: readonly Problem[];
}

/**
 * The reads the watch loop makes of the index it writes, on the writer's own connection so that
 * they see its open transaction.
 */
export class IndexState {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: SqliteDatabase) {
    this.statements = prepareStatements(db);
  }

  /**
   * The newest events.row_id. Rows are never deleted and this process is the only writer, so the
   * events a commit added are exactly those between this value before and after it.
   */
  maxEventRowId(): number {
    return (this.statements.maxEventRowId.get() as { id: number }).id;
  }

  fileReport(path: string): FileReport | null {
    const [from, to] = zipEntryRange(path);
    const row = this.statements.file.get({ path, from, to }) as Omit<FileReport, 'problems'> | undefined;
    if (!row) return null;
    const problems = this.statements.fileProblems.all({ path, from, to }) as Problem[];
    return { ...row, problems };
  }

  /** Problems found while walking (no file to attach them to), newer than `afterId`. */
  walkProblemsAfter(afterId: number): { readonly id: number; readonly problem: Problem }[] {
    const rows = this.statements.walkProblems.all(afterId) as (Problem & { id: number })[];
    return rows.map(({ id, ...problem }) => ({ id, problem: { ...problem, stage: problem.stage as ProblemStage } }));
  }

  /**
   * The newest walk problem's id. Later rows get larger ids even though file problems are deleted
   * and re-added: SQLite gives a new row max(id) + 1, and walk problems are never deleted.
   */
  lastWalkProblemId(): number {
    return (this.statements.lastWalkProblem.get() as { id: number }).id;
  }

  /** Known, not yet missing paths at `path` or under it: a file, its zip entries, or a folder's files. */
  presentPathsUnder(path: string): string[] {
    const [entriesFrom, entriesTo] = zipEntryRange(path);
    const [filesFrom, filesTo] = prefixRange(path + sep);
    const rows = this.statements.presentUnder.all({ path, entriesFrom, entriesTo, filesFrom, filesTo }) as {
      path: string;
    }[];
    return rows.map((row) => row.path);
  }
}

/** `<zip>!<entry>` labels sort between `<zip>!` and `<zip>"`, so the path index finds them. */
function zipEntryRange(path: string): [string, string] {
  return prefixRange(path + '!');
}

function prefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

function prepareStatements(db: SqliteDatabase) {
  const fileOrItsEntries = 'path = @path OR (path >= @from AND path < @to)';
  return {
    maxEventRowId: db.prepare('SELECT coalesce(max(id), 0) AS id FROM event_rows'),
    file: db.prepare(
      `SELECT path, status,
         (SELECT coalesce(sum(events_read), 0) FROM files WHERE ${fileOrItsEntries}) AS eventsRead,
         (SELECT coalesce(sum(events_new), 0) FROM files WHERE ${fileOrItsEntries}) AS eventsNew
       FROM files WHERE path = @path`,
    ),
    fileProblems: db.prepare(
      `SELECT p.path, p.position, p.stage, p.reason FROM problems p
       WHERE p.file_id IN (SELECT id FROM files WHERE ${fileOrItsEntries}) ORDER BY p.id`,
    ),
    walkProblems: db.prepare(
      'SELECT id, path, position, stage, reason FROM problems WHERE file_id IS NULL AND id > ? ORDER BY id',
    ),
    lastWalkProblem: db.prepare('SELECT coalesce(max(id), 0) AS id FROM problems WHERE file_id IS NULL'),
    presentUnder: db.prepare(
      `SELECT path FROM files
       WHERE status NOT IN ('missing', 'superseded')
         AND (path = @path OR (path >= @entriesFrom AND path < @entriesTo) OR (path >= @filesFrom AND path < @filesTo))
       ORDER BY path`,
    ),
  };
}
