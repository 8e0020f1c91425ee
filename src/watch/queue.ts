/**
 * Paths waiting for the indexing loop to look at them again. Watcher callbacks only add a path here
 * and return, so a burst of a thousand files becomes a few batches read by one loop, never a
 * thousand indexing runs racing for the one writer. Memory is one entry per distinct path: a file
 * that changes ten times before its turn is read once, in its latest state. What happened to a
 * path (written, renamed, deleted) is not kept: the loop asks the disk when the path's turn comes,
 * which is the truth by then.
 */
export class ChangeQueue {
  private readonly pending = new Set<string>();
  private wakeUp: (() => void) | null = null;
  private failure: Error | null = null;

  push(path: string): void {
    this.pending.add(path);
    this.wakeUp?.();
  }

  get size(): number {
    return this.pending.size;
  }

  /** Removes and returns up to `maxPaths`, oldest first. */
  take(maxPaths: number): string[] {
    const taken: string[] = [];
    for (const path of this.pending) {
      if (taken.length >= maxPaths) break;
      taken.push(path);
      this.pending.delete(path);
    }
    return taken;
  }

  /** Makes `whenReady` reject: the watcher cannot go on (for instance, out of inotify watches). */
  fail(error: Error): void {
    this.failure = error;
    this.wakeUp?.();
  }

  /** Resolves once something is queued or `signal` is aborted; rejects after `fail`. */
  async whenReady(signal: AbortSignal): Promise<void> {
    while (this.pending.size === 0 && !signal.aborted && !this.failure) {
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        // Removed on wake-up, or a watch idling for days would pile up one listener per wait.
        this.wakeUp = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
      this.wakeUp = null;
    }
    if (this.failure) throw this.failure;
  }
}
