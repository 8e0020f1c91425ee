import type { CompiledQuery } from '../search/compile.js';
import type { IdentityColumns } from '../search/event-identity.js';
import type { SqlPart } from '../search/fields.js';
import { iterateRows } from '../search/read-statement.js';
import type { SqliteDatabase } from '../store/db.js';
import { SHORT_ACTION_SQL, limitParam, limitRows } from './statement.js';
import type { LimitedRows } from './statement.js';

/** One event of a timeline: who, what, on what, from where, with what result. */
export interface TimelineEntry extends IdentityColumns {
  readonly row_id: number;
  readonly event_id: string | null;
  readonly event_time: string | null;
  /** `ecs:RunTask`. */
  readonly action: string | null;
  readonly target: string | null;
  readonly source_ip_address: string | null;
  /** `OK`, or the error code. */
  readonly result: string;
}

interface TimelineRow extends Omit<TimelineEntry, 'target' | 'result'> {
  readonly error_code: string | null;
  readonly request_parameters: string | null;
  readonly first_resource_arn: string | null;
}

/**
 * Request parameters that name what a call acted on, most telling first. Best effort: a call names
 * its target in its own words, and these cover ECS, S3, IAM, STS, Lambda, EC2 and CloudTrail.
 */
export const TARGET_KEYS = [
  'cluster',
  'clusterName',
  'serviceName',
  'service',
  'taskDefinition',
  'family',
  'bucketName',
  'userName',
  'roleName',
  'roleArn',
  'groupName',
  'policyArn',
  'name',
  'trailName',
  'functionName',
  'instanceId',
  'secretId',
  'keyId',
  'tableName',
] as const;

/**
 * Matching events oldest first. The page's row ids are chosen from indexes first, so request
 * parameters are read for the events shown only, not for every match before sorting.
 */
export function timelineStatement(compiled: CompiledQuery, limit: number | null): SqlPart {
  const order = 'ORDER BY e.event_time ASC, e.row_id ASC';
  return {
    sql:
      `SELECT e.row_id, e.event_id, e.event_time, e.user_identity_type, e.user_identity_arn, ` +
      `e.user_identity_user_name,\n` +
      `  e.user_identity_invoked_by, ${SHORT_ACTION_SQL} AS action, e.source_ip_address, e.error_code,\n` +
      `  e.request_parameters, (SELECT res.value ->> '$.ARN' FROM json_each(e.resources) res ` +
      `WHERE res.value ->> '$.ARN' IS NOT NULL LIMIT 1) AS first_resource_arn\n` +
      `FROM events e\nWHERE e.row_id IN (\n  SELECT e.row_id FROM events e\n` +
      `  WHERE ${compiled.where.sql}\n  ${order}\n  LIMIT ?)\n${order}`,
    params: [...compiled.where.params, limitParam(limit)],
  };
}

/** The matching events in time order, oldest first, at most `limit` (null: all of them). */
export function buildTimeline(
  db: SqliteDatabase,
  compiled: CompiledQuery,
  options: { limit: number | null },
): LimitedRows<TimelineEntry> {
  const asked = options.limit === null ? null : options.limit + 1;
  return limitRows(iterateRows(db, timelineStatement(compiled, asked), 'timeline failed', toEntry), options.limit);
}

function toEntry(row: TimelineRow): TimelineEntry {
  const { error_code, request_parameters, first_resource_arn, ...rest } = row;
  return { ...rest, target: targetOf(request_parameters, first_resource_arn), result: error_code ?? 'OK' };
}

/** The first `TARGET_KEYS` parameter holding a string or number, else the first resource ARN. */
export function targetOf(requestParametersJson: string | null, firstResourceArn: string | null): string | null {
  const parameters = parseObject(requestParametersJson);
  for (const key of TARGET_KEYS) {
    const value = parameters?.[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return firstResourceArn || null;
}

/** Request parameters are JSON text from the index; anything but an object names no target. */
function parseObject(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    // The index stores valid JSON only; text that is not is simply no target, the event still shows.
    return null;
  }
}
