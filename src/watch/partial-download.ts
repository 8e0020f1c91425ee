import { basename } from 'node:path';

/**
 * Names sync tools give a file while they download it, before renaming it into place. Reading one
 * would store its events under a path that vanishes a moment later, so they are never indexed.
 * - aws s3 sync / cp: `<name>.<8 hex digits>` (s3transfer's `random_file_extension`, os.extsep + 8 of
 *   string.hexdigits).
 * - rsync: `.<name>.<6 characters>`, hidden (its default temp file, without --inplace).
 * - rclone, curl, browsers: `.partial`, `.part`, `.crdownload`.
 */
const PARTIAL_DOWNLOAD_NAMES: readonly RegExp[] = [
  /\.[0-9a-fA-F]{8}$/,
  /^\..+\.[A-Za-z0-9]{6}$/,
  /\.(?:partial|part|crdownload)$/,
];

/** True for a file that a sync tool is still writing under a temporary name. */
export function isPartialDownload(path: string): boolean {
  const name = basename(path);
  return PARTIAL_DOWNLOAD_NAMES.some((pattern) => pattern.test(name));
}

/**
 * The paths `indexPaths` must not read: the database's own files, and partial downloads. A set
 * decided by a rule rather than a list, because temporary names are random; the indexer asks it
 * only `has(path)`.
 */
export class ExcludedPaths extends Set<string> {
  constructor(databaseFiles: Iterable<string>) {
    super(databaseFiles);
  }

  override has(path: string): boolean {
    return super.has(path) || isPartialDownload(path);
  }
}
