import { parentPort } from 'node:worker_threads';
import { indexSourceFile } from './index-file.js';
import type { EntryInfo, ReadLimits } from './index-file.js';
import type { EventBatch, FileOutcome, FileSink } from './store/ingest.js';
import type { Problem } from './errors.js';
import type { DigestInfo } from './normalize/digest.js';
import type { SourceFile } from './sources/walk.js';

/** A file for a worker to decode. */
export interface DecodeJob {
  readonly jobId: number;
  readonly source: SourceFile;
  readonly limits: ReadLimits;
}

/** What a worker sends back; `entry` numbers the files of one job (a zip has several). */
export type DecodeMessage =
  | { readonly type: 'open'; readonly jobId: number; readonly entry: number; readonly info: EntryInfo }
  | { readonly type: 'batch'; readonly jobId: number; readonly entry: number; readonly batch: EventBatch }
  | { readonly type: 'problem'; readonly jobId: number; readonly entry: number; readonly problem: Problem }
  | { readonly type: 'digest'; readonly jobId: number; readonly entry: number; readonly digest: DigestInfo }
  | { readonly type: 'finish'; readonly jobId: number; readonly entry: number; readonly outcome: FileOutcome }
  | { readonly type: 'done'; readonly jobId: number };

/** Posts a file's output to the writer thread, in order. */
class PortSink implements FileSink {
  constructor(
    private readonly port: NonNullable<typeof parentPort>,
    private readonly jobId: number,
    private readonly entry: number,
  ) {}

  batch(batch: EventBatch): void {
    this.post({ type: 'batch', jobId: this.jobId, entry: this.entry, batch });
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

function serve(port: NonNullable<typeof parentPort>): void {
  port.on('message', async (job: DecodeJob) => {
    let entries = 0;
    await indexSourceFile(job.source, job.limits, (info) => {
      const entry = entries++;
      port.postMessage({ type: 'open', jobId: job.jobId, entry, info } satisfies DecodeMessage);
      return new PortSink(port, job.jobId, entry);
    });
    port.postMessage({ type: 'done', jobId: job.jobId } satisfies DecodeMessage);
  });
}

if (parentPort) serve(parentPort);
