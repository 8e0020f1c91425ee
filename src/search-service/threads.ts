import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { messageOf } from '../errors.js';
import { createSearchService } from './service.js';
import type { SearchService } from './service.js';
import type { SearchClient, SearchReply, SearchRequest } from './protocol.js';
import { createQueryClock } from './one-query.js';

/**
 * Searches run on their own thread with their own read-only connection, so a slow query never
 * freezes typing or the screen: better-sqlite3 is synchronous, and on the render thread a broad
 * query (hundreds of ms on a million events) would swallow keystrokes until it returned.
 */

interface RequestMessage {
  readonly id: number;
  readonly generation: number | null;
  readonly request: SearchRequest;
  /** The instant of the request's query, stamped once for all threads (one-query.ts). */
  readonly nowMs: number;
}

interface ReplyMessage {
  readonly id: number;
  readonly reply: SearchReply;
}

const WORKER_ROLE = 'trailhound-search';

/**
 * Requests queue up while a search runs; the next is taken only after newly arrived messages are
 * seen, and one belonging to an older query than the newest seen is answered `superseded`
 * unstarted: fast typing costs one search per pause, not one per keystroke.
 */
function createQueue(service: SearchService, send: (message: ReplyMessage) => void): (message: RequestMessage) => void {
  const pending: RequestMessage[] = [];
  let newestGeneration = -1;
  let scheduled = false;
  const next = async (): Promise<void> => {
    const message = pending.shift();
    if (message) {
      const stale = message.generation !== null && message.generation < newestGeneration;
      send({
        id: message.id,
        reply: stale ? { ok: false, superseded: true } : await service.handle(message.request, message.nowMs),
      });
    }
    scheduled = pending.length > 0;
    if (scheduled) setImmediate(() => void next());
  };
  return (message) => {
    if (message.generation !== null) newestGeneration = Math.max(newestGeneration, message.generation);
    pending.push(message);
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => void next());
    }
  };
}

function serve(port: MessagePort, dbPath: string): void {
  let service: SearchService;
  try {
    service = createSearchService(dbPath);
  } catch (error) {
    // The command opened the database before starting the UI; if it fails here, every request says why.
    const failure = messageOf(error);
    port.on('message', (message: RequestMessage) =>
      port.postMessage({ id: message.id, reply: { ok: false, failure } } satisfies ReplyMessage),
    );
    return;
  }
  const enqueue = createQueue(service, (message) => port.postMessage(message));
  port.on('message', enqueue);
  port.on('close', () => service.close());
}

if (!isMainThread && parentPort && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  serve(parentPort, (workerData as { dbPath: string }).dbPath);
}

/**
 * Which thread answers a request. Pages (and the detail's source, and where an event sits in the
 * results) have one thread, so the list never waits; the count, status and new matches a second,
 * so they arrive with the first page; the timeline, facets and exports a third. A broad query's
 * timeline reads up to 200,000 matches (700 ms for `us` on a million events): on the count's
 * thread it held back the counts of the next keystrokes.
 */
const SIDE_KINDS: ReadonlySet<SearchRequest['kind']> = new Set(['count', 'status', 'added']);
const BACKGROUND_KINDS: ReadonlySet<SearchRequest['kind']> = new Set([
  'timeline',
  'facets',
  'export',
  'trace',
  'radius',
  'detections',
  'eventRules',
]);

/**
 * A client for the search threads. Run from TypeScript sources (vitest) there is no compiled worker
 * file to start, so the same queue and service run in-process, still answering asynchronously.
 */
export function createSearchClient(dbPath: string, options: { inProcess?: boolean } = {}): SearchClient {
  const inProcess = options.inProcess ?? fileURLToPath(import.meta.url).endsWith('.ts');
  const start = () => (inProcess ? createInProcessClient(dbPath) : createWorkerClient(dbPath));
  const main = start();
  const side = start();
  const background = start();
  const threadFor = (kind: SearchRequest['kind']) =>
    SIDE_KINDS.has(kind) ? side : BACKGROUND_KINDS.has(kind) ? background : main;
  const queryAt = createQueryClock();
  const instantOf = (request: SearchRequest) => ('query' in request ? queryAt(request.query).nowMs : Date.now());
  return {
    request: (request, generation) => threadFor(request.kind).request(request, generation, instantOf(request)),
    async close() {
      await Promise.all([main.close(), side.close(), background.close()]);
    },
  };
}

/** One search thread: requests carry their query's instant, stamped by the client that spreads them. */
interface ThreadClient {
  request<R extends SearchRequest>(
    request: R,
    generation: number | undefined,
    nowMs: number,
  ): Promise<SearchReply<R['kind']>>;
  close(): Promise<void>;
}

/** Requests sent and waiting for their replies, by id: the same for a worker and in-process. */
class PendingReplies {
  private readonly waiting = new Map<number, (reply: SearchReply) => void>();
  private nextId = 0;

  send<R extends SearchRequest>(
    request: R,
    generation: number | undefined,
    nowMs: number,
    post: (message: RequestMessage) => void,
  ): Promise<SearchReply<R['kind']>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (reply: SearchReply) => void);
      post({ id, generation: generation ?? null, request, nowMs });
    });
  }

  deliver(message: ReplyMessage): void {
    this.waiting.get(message.id)?.(message.reply);
    this.waiting.delete(message.id);
  }

  failAll(reply: SearchReply): void {
    for (const resolve of this.waiting.values()) resolve(reply);
    this.waiting.clear();
  }
}

function createWorkerClient(dbPath: string): ThreadClient {
  const worker = new Worker(new URL('./threads.js', import.meta.url), { workerData: { role: WORKER_ROLE, dbPath } });
  const replies = new PendingReplies();
  let failure: string | null = null;
  const failAll = (reason: string) => {
    failure ??= reason;
    replies.failAll({ ok: false, failure: reason });
  };
  worker.on('message', (message: ReplyMessage) => replies.deliver(message));
  worker.on('error', (error) => failAll(`the search thread failed: ${messageOf(error)}`));
  worker.on('exit', () => failAll('the search thread stopped'));
  return {
    request(request, generation, nowMs) {
      if (failure !== null) return Promise.resolve({ ok: false, failure });
      return replies.send(request, generation, nowMs, (message) => worker.postMessage(message));
    },
    async close() {
      await worker.terminate();
    },
  };
}

function createInProcessClient(dbPath: string): ThreadClient {
  const service = createSearchService(dbPath);
  const replies = new PendingReplies();
  const enqueue = createQueue(service, (message) => replies.deliver(message));
  return {
    request: (request, generation, nowMs) => replies.send(request, generation, nowMs, enqueue),
    async close() {
      service.close();
    },
  };
}
