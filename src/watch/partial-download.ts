import { basename } from 'node:path';

/** A temporary-name rule of one download tool, and what the skip line says about it. */
interface TemporaryName {
  readonly pattern: RegExp;
  readonly reason: string;
}

/**
 * Names download tools give a file while they write it, before renaming it into place. Reading one
 * would store its events under a path that vanishes a moment later, so watch never reads them. Each
 * rule is the tool's exact pattern, never "any suffix that looks like one": `export.20260301` and
 * `x.deadbeef` are real files and are read, as `index` reads them (issue 13).
 * - aws s3 sync / cp (s3transfer): `filename + os.extsep + random_file_extension()`, 8 of
 *   string.hexdigits. A real name ends in such digits too, so the rule asks for the name before
 *   them to have an extension of its own (`…json.gz.3fA9b0C1`), as every log file's has.
 * - rsync: `.<name>.<6 of [A-Za-z0-9]>` (mkstemp's XXXXXX), hidden, the name with an extension.
 * - rclone 1.63+: `<name>.<hex hash of the source>.partial` (`--partial-suffix`, default `.partial`).
 * - gsutil and gcloud storage: `<name>_.gstmp`.
 * - azcopy: `.azDownload-<job id>-<name>`.
 * - browsers: `.crdownload` (Chrome), `.part` (Firefox).
 */
const TEMPORARY_NAMES: readonly TemporaryName[] = [
  {
    pattern: /^[^.].*\.[A-Za-z][A-Za-z0-9]{0,7}\.[0-9A-Fa-f]{8}$/,
    reason: 'a temporary name of aws s3 sync/cp (NAME.<8 hex digits>), renamed when the download ends',
  },
  {
    pattern: /^\..*[^.]\.[A-Za-z][A-Za-z0-9]{0,7}\.[A-Za-z0-9]{6}$/,
    reason: 'a temporary name of rsync (.NAME.<6 characters>), renamed when the copy ends',
  },
  {
    pattern: /^.+\.[0-9a-f]{6,16}\.partial$/,
    reason: 'a temporary name of rclone (NAME.<hash>.partial), renamed when the copy ends',
  },
  {
    pattern: /^.+_\.gstmp$/,
    reason: 'a temporary name of gsutil or gcloud storage (NAME_.gstmp), renamed when the download ends',
  },
  {
    pattern: /^\.azDownload-[0-9a-f-]+-.+$/,
    reason: 'a temporary name of azcopy (.azDownload-JOB-NAME), renamed when the download ends',
  },
  { pattern: /^.+\.crdownload$/, reason: 'a browser download in progress (.crdownload)' },
  { pattern: /^.+\.part$/, reason: 'a browser download in progress (.part)' },
];

/** Why a file is a download still being written under a temporary name, or null for a real file. */
export function partialDownloadReason(path: string): string | null {
  const name = basename(path);
  return TEMPORARY_NAMES.find((rule) => rule.pattern.test(name))?.reason ?? null;
}

/** True for a file that a download tool is still writing under a temporary name. */
export function isPartialDownload(path: string): boolean {
  return partialDownloadReason(path) !== null;
}

/**
 * Skipped paths remembered so each is listed once; temporary names are random and a watch runs for
 * weeks, so the memory is bounded and the oldest are forgotten first (at worst listed again).
 */
const REMEMBERED_SKIPS = 10_000;

/**
 * The paths watch must not read: the database's own files, and downloads still being written. A set
 * decided by a rule rather than a list, because temporary names are random; the watcher, the
 * catch-up scan and rescans ask it only `has(path)`, and each partial download is reported once.
 */
export class ExcludedPaths extends Set<string> {
  private readonly reported = new Set<string>();

  constructor(
    databaseFiles: Iterable<string>,
    private readonly onSkipped: (path: string, reason: string) => void = () => undefined,
  ) {
    super(databaseFiles);
  }

  override has(path: string): boolean {
    if (super.has(path)) return true;
    const reason = partialDownloadReason(path);
    if (reason === null) return false;
    this.reportOnce(path, reason);
    return true;
  }

  private reportOnce(path: string, reason: string): void {
    if (this.reported.has(path)) return;
    if (this.reported.size >= REMEMBERED_SKIPS) this.reported.delete(this.reported.values().next().value!);
    this.reported.add(path);
    this.onSkipped(path, reason);
  }
}
