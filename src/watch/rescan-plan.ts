/** Quiet after indexing activity before a rescan looks for what the watcher missed in that burst. */
const QUIET_MS = 2_000;
/** A rescan at least this often even when nothing happens: files in a folder the watcher lost report nothing. */
const MAX_INTERVAL_MS = 60_000;
/** Rescans take at most this share of the time: the walk stats every file of the archive. */
const MAX_TIME_SHARE = 0.1;

/**
 * When the next rescan is due: soon after a burst of activity settles, at least every minute, and
 * never so often that rescanning a large archive takes more than a tenth of the time.
 */
export class RescanPlan {
  private lastActivityMs: number | null = null;
  private lastRescanEndMs: number;
  private lastRescanMs = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.lastRescanEndMs = now();
  }

  /** A batch was indexed: the watcher was busy, which is when it loses folders. */
  noteActivity(): void {
    this.lastActivityMs = this.now();
  }

  /**
   * A rescan ran for `durationMs`; when it found files, the watcher missed some, so look again after the next quiet.
   */
  noteRescan(durationMs: number, filesFound: number): void {
    this.lastRescanEndMs = this.now();
    this.lastRescanMs = durationMs;
    this.lastActivityMs = filesFound > 0 ? this.lastRescanEndMs : null;
  }

  dueAtMs(): number {
    const afterQuiet = this.lastActivityMs === null ? Number.POSITIVE_INFINITY : this.lastActivityMs + QUIET_MS;
    const atLatest = this.lastRescanEndMs + MAX_INTERVAL_MS;
    const cheapEnough = this.lastRescanEndMs + this.lastRescanMs / MAX_TIME_SHARE;
    return Math.max(Math.min(afterQuiet, atLatest), cheapEnough);
  }

  isDue(): boolean {
    return this.dueAtMs() <= this.now();
  }
}
