/** What every engine's search statement is told besides its WHERE clause. */
export interface StatementOptions {
  /** The search-language query, quoted in the statement's first comment. */
  readonly query: string;
  /** What wrote it, for that comment: `search` (default) or `hunt rule`. */
  readonly command?: string | undefined;
  /** Files to read (DuckDB, ClickHouse): a folder, a glob, or an `s3://` URL for ClickHouse. */
  readonly from?: string | undefined;
  /** The table (Athena, Trino). */
  readonly table?: string | undefined;
  readonly sort: 'newest' | 'oldest';
  /** 0 for every match. */
  readonly limit: number;
  /**
   * Whether some part is matched in the record's JSON text (free text, `resource:`), which no partition or index
   * narrows.
   */
  readonly scansText: boolean;
}

/** The columns a search prints, named as in trailhound's `events` view, and where they are in a record. */
export const LIST_FIELDS: readonly { readonly alias: string; readonly path: string }[] = [
  { alias: 'event_time', path: 'eventTime' },
  { alias: 'event_id', path: 'eventID' },
  { alias: 'event_source', path: 'eventSource' },
  { alias: 'event_name', path: 'eventName' },
  { alias: 'aws_region', path: 'awsRegion' },
  { alias: 'source_ip_address', path: 'sourceIPAddress' },
  { alias: 'user_identity_arn', path: 'userIdentity.arn' },
  { alias: 'error_code', path: 'errorCode' },
  { alias: 'recipient_account_id', path: 'recipientAccountId' },
];

/**
 * Says what wrote the statement and what it costs. The query goes in a comment, so a newline in it
 * would end the comment: newlines and other control characters are shown as spaces.
 */
export function headerComment(engine: string, options: StatementOptions): string {
  const query = options.query.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, ' ');
  const lines = [`-- trailhound ${options.command ?? 'search'} ${JSON.stringify(query)}, for ${engine}`];
  if (options.scansText)
    lines.push('-- free text and resource: are matched in the JSON text of every record: a full scan');
  lines.push("-- an event delivered twice is returned twice; trailhound's own index keeps one copy");
  return `${lines.join('\n')}\n`;
}

export function orderAndLimit(timeColumn: string, options: StatementOptions): string {
  const order = `ORDER BY ${timeColumn} ${options.sort === 'newest' ? 'DESC' : 'ASC'}`;
  return options.limit > 0 ? `${order}\nLIMIT ${Math.floor(options.limit)}` : order;
}
