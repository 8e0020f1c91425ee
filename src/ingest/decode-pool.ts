import { Worker } from 'node:worker_threads';
import type { DecodeMessage, WorkerInput } from './decode-worker.js';
import type { EntryInfo, OpenFileSink, ReadLimits } from './limits.js';
import type { FileSink } from '../store/ingest.js';
import type { SourceFile } from '../sources/walk.js';

/**
 * Files queued per worker, so that a worker never waits for the writer to hand it the next file,
 * even while the writer is busy committing (4 left the worker idle half the time); each worker
 * also bounds the batches it has sent but the writer has not stored (decode-worker.ts).
 */
const JOBS_PER_WORKER = 32;

interface Slot {
  readonly worker: Worker;
  busy: number;
}

interface Job {
  readonly openSink: OpenFileSink;
  readonly sinks: Map<number, FileSink>;
  readonly resolve: () => void;
}

/**
 * Decodes files on worker threads while the calling thread, the one writer, stores what they send.
 * Messages of one file arrive in order; files of different workers interleave, which the store
 * allows because a file is marked done only with its last message.
 */
export class DecodePool {
  private readonly workers: Slot[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextJobId = 0;
  private failure: Error | null = null;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    const url = new URL('./decode-worker.js', import.meta.url);
    for (let i = 0; i < size; i++) {
      const slot = { worker: new Worker(url), busy: 0 };
      slot.worker.on('message', (message: DecodeMessage) => this.onMessage(slot, message));
      slot.worker.on('error', (error) => this.fail(error));
      this.workers.push(slot);
    }
  }

  /** Resolves once the file is queued on a worker; `done` resolves when it has been fully stored. */
  async submit(source: SourceFile, limits: ReadLimits, openSink: OpenFileSink): Promise<{ done: Promise<void> }> {
    let slot = this.leastBusy();
    while (slot.busy >= JOBS_PER_WORKER) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.throwIfFailed();
      slot = this.leastBusy();
    }
    const jobId = this.nextJobId++;
    slot.busy++;
    const done = new Promise<void>((resolve) => this.jobs.set(jobId, { openSink, sinks: new Map(), resolve }));
    slot.worker.postMessage({ type: 'job', jobId, source, limits } satisfies WorkerInput);
    return { done };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((slot) => slot.worker.terminate()));
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private leastBusy() {
    return this.workers.reduce((best, slot) => (slot.busy < best.busy ? slot : best));
  }

  private onMessage(slot: Slot, message: DecodeMessage): void {
    const job = this.jobs.get(message.jobId);
    if (!job || this.failure) return;
    try {
      this.dispatch(job, message);
    } catch (error) {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (message.type === 'batch') slot.worker.postMessage({ type: 'stored' } satisfies WorkerInput);
    if (message.type === 'done') {
      this.jobs.delete(message.jobId);
      slot.busy--;
      job.resolve();
      this.waiters.shift()?.();
    }
  }

  private dispatch(job: Job, message: DecodeMessage): void {
    if (message.type === 'done') return;
    if (message.type === 'open') {
      job.sinks.set(message.entry, job.openSink(message.info as EntryInfo));
      return;
    }
    const sink = job.sinks.get(message.entry)!;
    if (message.type === 'batch') sink.batch({ ...message.batch, records: message.batch.records.map(asBindable) });
    else if (message.type === 'problem') sink.problem(message.problem);
    else if (message.type === 'digest') sink.digest(message.digest);
    else sink.finish(message.outcome);
  }

  /**
   * A writer failure (disk full, database error) stops everything; the open transaction is rolled back by the caller.
   */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of this.jobs.values()) job.resolve();
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Bytes arrive from a worker as a plain Uint8Array; better-sqlite3 binds Buffers as BLOBs. */
function asBindable(record: string | Uint8Array): string | Buffer {
  return typeof record === 'string' || Buffer.isBuffer(record)
    ? record
    : Buffer.from(record.buffer, record.byteOffset, record.byteLength);
}
