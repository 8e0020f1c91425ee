import type { SqliteDatabase } from '../store/db.js';
import { rmSync } from 'node:fs';
import type { CompiledQuery } from '../search/compile.js';
import { prepareExportDir } from '../forensics/export-folder.js';
import { iterateRows } from '../search/read-statement.js';
import { PartitionedParquetWriter } from './parquet-writer.js';
import type { ParquetColumn, ParquetValue } from './parquet-writer.js';

/**
 * The `events` contract columns as Parquet: times as timestamps, 1/0 flags as booleans, JSON
 * columns as their text. `account`, `region` and `date` are the Hive partition folders.
 */
export const PARQUET_COLUMNS: readonly ParquetColumn[] = [
  ...['event_id'].map(text),
  { name: 'event_time', type: 'TIMESTAMP' },
  ...[
    'event_version',
    'event_source',
    'event_name',
    'aws_region',
    'source_ip_address',
    'user_agent',
    'error_code',
    'error_message',
  ].map(text),
  { name: 'read_only', type: 'BOOLEAN' },
  ...['event_type', 'event_category'].map(text),
  { name: 'management_event', type: 'BOOLEAN' },
  ...[
    'recipient_account_id',
    'request_id',
    'user_identity_type',
    'user_identity_arn',
    'user_identity_principal_id',
    'user_identity_account_id',
    'user_identity_access_key_id',
    'user_identity_user_name',
    'user_identity_invoked_by',
    'session_issuer_arn',
    'session_issuer_type',
  ].map(text),
  { name: 'session_mfa_authenticated', type: 'BOOLEAN' },
  ...[
    'request_parameters',
    'response_elements',
    'resources',
    'record',
    'event_name_base',
    'source_ip',
    'shared_event_id',
    'session_issuer_user_name',
    'source_file',
  ].map(text),
];

function text(name: string): ParquetColumn {
  return { name, type: 'STRING' };
}

/** What an export wrote. */
export interface ParquetExportResult {
  readonly events: number;
  readonly files: number;
}

/**
 * Writes the matching events under `dir` as `account=…/region=…/date=YYYY-MM-DD/part-0.parquet`.
 * SQLite sorts the matches by partition (spilling to temporary files when large), so one file is
 * open at a time and memory holds one row group, whatever the number of events.
 */
export function exportParquet(db: SqliteDatabase, compiled: CompiledQuery, dir: string): ParquetExportResult {
  const createdDir = prepareExportDir(dir);
  const writer = new PartitionedParquetWriter(dir, PARQUET_COLUMNS);
  const partitionColumns =
    "coalesce(e.recipient_account_id, '') AS p_account, coalesce(e.aws_region, '') AS p_region, " +
    "coalesce(substr(e.event_time, 1, 10), '') AS p_date";
  const sql = `SELECT ${partitionColumns},
    ${PARQUET_COLUMNS.map((column) => `e.${column.name}`).join(', ')}
    FROM events e WHERE ${compiled.where.sql}
    ORDER BY p_account, p_region, p_date, e.event_time, e.row_id`;
  let events = 0;
  try {
    for (const row of iterateRows<Record<string, unknown>>(
      db,
      { sql, params: compiled.where.params },
      'could not read the events to export',
    )) {
      const partition = [
        ['account', String(row['p_account'])],
        ['region', String(row['p_region'])],
        ['date', String(row['p_date'])],
      ] as const;
      writer.write(
        partition,
        PARQUET_COLUMNS.map((column) => toParquet(row[column.name], column)),
      );
      events++;
    }
    writer.close();
  } catch (error) {
    // A half-written export is not an export: nothing of it is left behind.
    if (createdDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { events, files: writer.filesWritten };
}

function toParquet(value: unknown, column: ParquetColumn): ParquetValue {
  if (value === null || value === undefined) return null;
  if (column.type === 'BOOLEAN') return value === 1 || value === 1n;
  if (column.type === 'TIMESTAMP') {
    const ms = Date.parse(String(value));
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return String(value);
}
