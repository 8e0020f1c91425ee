import { UserError, messageOf } from '../errors.js';
import { compileQuery, QueryError } from '../search/compile.js';
import type { CompiledQuery } from '../search/compile.js';
import type { HuntRule } from '../hunt/rule.js';
import { countFacets, countMatchesUpTo, runSearch } from '../search/engine.js';
import { boundedToRowId, countAddedBetween, positionOf } from '../search/snapshot.js';
import { countByHour, readEventSource, readIndexStatus } from '../search/browse.js';
import { openReadOnly } from '../store/db.js';
import type { SqliteDatabase } from '../store/db.js';
import { isWriterRunning } from '../store/writer-lock.js';
import { exportResults } from './export-results.js';
import { answerDetections, answerEventRules, compileWithRule, shippedRules } from './detection-answers.js';
import { answerRadius, answerTrace } from './trace-answers.js';
import type { ResultOf, SearchReply, SearchRequest } from './protocol.js';
import { lastCompiledPerQuery } from './one-query.js';

/** Matches the timeline reads at most: its strip covers the newest of them. */
const TIMELINE_CAP = 200_000;

/**
 * Answers the UI's requests from one read-only connection; the same code runs in the worker and in-process.
 * `nowMs` is the instant the request's query counts relative times from (one-query.ts).
 */
export interface SearchService {
  handle<R extends SearchRequest>(request: R, nowMs: number): Promise<SearchReply<R['kind']>>;
  close(): void;
}

export function createSearchService(dbPath: string): SearchService {
  const db = openReadOnly(dbPath);
  const rules = shippedRules();
  const compileAt = lastCompiledPerQuery((text, now) =>
    compileWithRule(text, rules, (search) => compileQuery(search, { now })),
  );
  return {
    async handle<R extends SearchRequest>(request: R, nowMs: number): Promise<SearchReply<R['kind']>> {
      const compile = (text: string) => compileAt({ text, nowMs });
      try {
        return { ok: true, value: (await answer(db, dbPath, compile, rules, request)) as ResultOf[R['kind']] };
      } catch (error) {
        if (error instanceof QueryError)
          return { ok: false, queryProblem: { detail: error.detail, at: error.at, length: error.length } };
        return { ok: false, failure: error instanceof UserError ? `${error.what}: ${error.reason}` : messageOf(error) };
      }
    },
    close: () => db.close(),
  };
}

async function answer(
  db: SqliteDatabase,
  dbPath: string,
  compile: (query: string) => CompiledQuery,
  rules: () => readonly HuntRule[],
  request: SearchRequest,
): Promise<ResultOf[SearchRequest['kind']]> {
  switch (request.kind) {
    case 'page': {
      const { maxRowId } = readIndexStatus(db);
      const compiled = asOf(compile(request.query), request.upToRowId, maxRowId);
      const rows = [
        ...runSearch(
          db,
          compiled,
          { sort: request.sort ?? 'newest', limit: request.limit, offset: request.offset },
          { withRecord: true },
        ),
      ];
      return { rows, maxRowId: request.upToRowId ?? maxRowId };
    }
    case 'count':
      return countMatchesUpTo(
        db,
        asOf(compile(request.query), request.upToRowId, readIndexStatus(db).maxRowId),
        request.cap ?? Number.MAX_SAFE_INTEGER,
      );
    case 'position':
      return positionOf(
        db,
        asOf(compile(request.query), request.upToRowId, readIndexStatus(db).maxRowId),
        request.rowId,
      );
    case 'added':
      return countAddedBetween(db, compile(request.query), request.afterRowId, request.upToRowId, request.cap);
    case 'facets':
      return countFacets(db, compile(request.query));
    case 'timeline':
      return countByHour(db, compile(request.query), TIMELINE_CAP);
    case 'source':
      return readEventSource(db, request.rowId);
    case 'status':
      return { ...readIndexStatus(db), watching: isWriterRunning(dbPath) };
    case 'export':
      return exportResults(dbPath, compile(request.query), { format: request.format, dir: request.dir });
    case 'trace':
      return answerTrace(db, request.eventId);
    case 'radius':
      return answerRadius(db, request.target);
    case 'detections':
      return answerDetections(
        db,
        rules(),
        asOf(compile(request.query), request.upToRowId, readIndexStatus(db).maxRowId),
      );
    case 'eventRules':
      return answerEventRules(db, rules(), request.rowId);
  }
}

/**
 * The query as of the snapshot `upToRowId`. Only when the index has grown since is it bounded: on an
 * unchanged index the search takes the very plan `trailhound search` takes.
 */
function asOf(compiled: CompiledQuery, upToRowId: number | undefined, maxRowId: number): CompiledQuery {
  return upToRowId !== undefined && upToRowId < maxRowId ? boundedToRowId(compiled, upToRowId) : compiled;
}
