/** A file's size and modification time when it was last looked at. */
export interface FileLook {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

/** A path whose turn has come, with how it looked when it was queued (null: not looked at). */
export interface DuePath {
  readonly path: string;
  readonly seen: FileLook | null;
}

interface Pending {
  dueMs: number;
  seen: FileLook | null;
}

/**
 * Paths waiting for the indexing loop to look at them again. Watcher callbacks only add a path here
 * and return, so a burst of a thousand files becomes a few batches read by one loop, never a
 * thousand indexing runs racing for the one writer. Memory is one entry per distinct path: a file
 * that changes ten times before its turn is read once, in its latest state. What happened to a path
 * (written, renamed, deleted) is not kept: the loop asks the disk when the path's turn comes.
 *
 * A path's turn comes `settleMs` after the last report of it, so a file being written is not read
 * while reports keep coming; the loop then reads it only if its size and mtime are still what they
 * were when it was queued, and queues it again otherwise.
 */
export class ChangeQueue {
  private readonly pending = new Map<string, Pending>();
  private wakeUp: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly settleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A report from the watcher: the path's turn moves to `settleMs` from now. */
  push(path: string, seen: FileLook | null): void {
    // Delete first so that the map's order stays the order of turns: the first entry is the next due.
    this.pending.delete(path);
    this.pending.set(path, { dueMs: this.now() + this.settleMs, seen });
    this.wakeUp?.();
  }

  /** A path found by a rescan: queued like a report, unless it is already waiting its turn (false). */
  offer(path: string, seen: FileLook): boolean {
    if (this.pending.has(path)) return false;
    this.push(path, seen);
    return true;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Removes and returns up to `maxPaths` paths whose turn has come, in the order of their turns. */
  takeDue(maxPaths: number): DuePath[] {
    const nowMs = this.now();
    const due: DuePath[] = [];
    for (const [path, entry] of this.pending) {
      if (due.length >= maxPaths || entry.dueMs > nowMs) break;
      due.push({ path, seen: entry.seen });
      this.pending.delete(path);
    }
    return due;
  }

  /** Makes `whenReady` reject: the watcher cannot go on (for instance, out of inotify watches). */
  fail(error: Error): void {
    this.failure = error;
    this.wakeUp?.();
  }

  /**
   * Resolves once a path's turn has come, `signal` is aborted, or `untilMs` (if given) has passed;
   * rejects after `fail`.
   */
  async whenReady(signal: AbortSignal, untilMs: number | null = null): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (signal.aborted) return;
      const wakeMs = Math.min(this.nextDueMs(), untilMs ?? Number.POSITIVE_INFINITY);
      if (wakeMs <= this.now()) return;
      await this.sleep(signal, wakeMs);
    }
  }

  private nextDueMs(): number {
    for (const entry of this.pending.values()) return entry.dueMs;
    return Number.POSITIVE_INFINITY;
  }

  /** Until `wakeMs`, a new report, a failure or the abort, whichever comes first. */
  private sleep(signal: AbortSignal, wakeMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(wakeMs) ? setTimeout(() => done(), Math.max(0, wakeMs - this.now())) : null;
      const done = () => {
        if (timer) clearTimeout(timer);
        // Removed every time, or a watch idling for days would pile up one listener per wait.
        signal.removeEventListener('abort', done);
        this.wakeUp = null;
        resolve();
      };
      this.wakeUp = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
