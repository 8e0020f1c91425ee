import { parentPort } from 'node:worker_threads';
import { indexSourceFile } from './index-file.js';
import type { EntryInfo, ReadLimits } from './limits.js';
import type { EventBatch, FileOutcome, FileSink } from '../store/ingest.js';
import type { Problem } from '../errors.js';
import type { DigestInfo } from '../normalize/digest.js';
import type { SourceFile } from '../sources/walk.js';

/** A file for a worker to decode. */
export interface DecodeJob {
  readonly type: 'job';
  readonly jobId: number;
  readonly source: SourceFile;
  readonly limits: ReadLimits;
}

/** What the writer thread sends: a file to decode, or word that it has stored one more batch. */
export type WorkerInput = DecodeJob | { readonly type: 'stored' };

/**
 * Batches sent but not yet stored by the writer. Past this the worker pauses, so memory stays
 * bounded when the writer is slower (one huge file), while the queue stays deep enough for the
 * worker to keep decoding through most of a writer's commit.
 */
const MAX_UNSTORED_BATCHES = 128;

/** What a worker sends back; `entry` numbers the files of one job (a zip has several). */
export type DecodeMessage =
  | { readonly type: 'open'; readonly jobId: number; readonly entry: number; readonly info: EntryInfo }
  | { readonly type: 'batch'; readonly jobId: number; readonly entry: number; readonly batch: EventBatch }
  | { readonly type: 'problem'; readonly jobId: number; readonly entry: number; readonly problem: Problem }
  | { readonly type: 'digest'; readonly jobId: number; readonly entry: number; readonly digest: DigestInfo }
  | { readonly type: 'finish'; readonly jobId: number; readonly entry: number; readonly outcome: FileOutcome }
  | { readonly type: 'done'; readonly jobId: number };

/** Counts batches the writer has not stored yet, and holds decoders back while there are too many. */
class Backlog {
  private unstored = 0;
  private waiters: (() => void)[] = [];

  sent(): void {
    this.unstored++;
  }

  stored(): void {
    this.unstored--;
    if (this.unstored < MAX_UNSTORED_BATCHES) for (const wake of this.waiters.splice(0)) wake();
  }

  ready(): Promise<void> | undefined {
    if (this.unstored < MAX_UNSTORED_BATCHES) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** Posts a file's output to the writer thread, in order. */
class PortSink implements FileSink {
  constructor(
    private readonly port: NonNullable<typeof parentPort>,
    private readonly backlog: Backlog,
    private readonly jobId: number,
    private readonly entry: number,
  ) {}

  batch(batch: EventBatch): void {
    this.backlog.sent();
    this.post({ type: 'batch', jobId: this.jobId, entry: this.entry, batch });
  }

  ready(): Promise<void> | undefined {
    return this.backlog.ready();
  }

  problem(problem: Problem): void {
    this.post({ type: 'problem', jobId: this.jobId, entry: this.entry, problem });
  }

  digest(digest: DigestInfo): void {
    this.post({ type: 'digest', jobId: this.jobId, entry: this.entry, digest });
  }

  finish(outcome: FileOutcome): void {
    this.post({ type: 'finish', jobId: this.jobId, entry: this.entry, outcome });
  }

  private post(message: DecodeMessage): void {
    this.port.postMessage(message);
  }
}

/**
 * Jobs run one after another. Started as they arrived, the 32 files queued on a worker were all read
 * and inflated at once: 12 files of large records took one worker to 698 MB (316 MB decoding on the
 * main thread; issue 13). One thread gains nothing from interleaving files: reading is synchronous
 * for the small files that dominate, and decoding is CPU work.
 */
function serve(port: NonNullable<typeof parentPort>): void {
  const backlog = new Backlog();
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (input: WorkerInput) => {
    if (input.type === 'stored') return backlog.stored();
    previous = previous.then(() => runJob(port, backlog, input));
  });
}

async function runJob(port: NonNullable<typeof parentPort>, backlog: Backlog, input: DecodeJob): Promise<void> {
  let entries = 0;
  await indexSourceFile(input.source, input.limits, (info) => {
    const entry = entries++;
    port.postMessage({ type: 'open', jobId: input.jobId, entry, info } satisfies DecodeMessage);
    return new PortSink(port, backlog, input.jobId, entry);
  });
  port.postMessage({ type: 'done', jobId: input.jobId } satisfies DecodeMessage);
}

if (parentPort) serve(parentPort);
