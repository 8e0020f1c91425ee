import type { FileSink } from '../store/ingest.js';

/** Limits that keep one hostile file from costing unbounded time or memory. */
export interface ReadLimits {
  readonly maxDecompressedBytes: number;
  readonly maxRecordBytes: number;
  readonly maxZipEntries: number;
  /** Problems stored per file; the rest are counted in one summary problem. */
  readonly maxProblemsPerFile: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  // A CloudTrail log file is rarely over 100 MB decompressed; 4 GiB leaves room for big exports.
  maxDecompressedBytes: 4 * 1024 ** 3,
  // CloudTrail caps requestParameters and responseElements at 100 KB each.
  maxRecordBytes: 8 * 1024 * 1024,
  maxZipEntries: 1_000_000,
  maxProblemsPerFile: 100,
};

/** A file or zip entry as the store registers it. */
export interface EntryInfo {
  readonly path: string;
  readonly sizeBytes: number | null;
  readonly mtimeMs: number | null;
}

/** Opens the sink of a file; a zip opens one per entry. */
export type OpenFileSink = (entry: EntryInfo) => FileSink;
