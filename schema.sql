-- trailhound database schema. Applied by src/store/db.ts; `meta.schema_version` must match
-- SCHEMA_VERSION there. Column names of the `events` view are a public contract (issue 3):
-- users' saved queries rely on them, so add columns, never rename or drop them.

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value BLOB
) WITHOUT ROWID;

-- One row per file (or zip entry) ever seen. A zip entry's path is `<zip path>!<entry name>`:
-- a label, never opened as a path.
CREATE TABLE IF NOT EXISTS files (
  id           INTEGER PRIMARY KEY,
  path         TEXT NOT NULL UNIQUE,
  size_bytes   INTEGER,
  mtime_ms     INTEGER,
  sha256       TEXT,             -- of the bytes as stored on disk (compressed, if gzip)
  content_sha256 TEXT,           -- of the decompressed bytes: what a CloudTrail digest lists
  kind         TEXT,             -- log | digest | other
  format       TEXT,             -- records | array | ndjson | object | empty | ...
  events_read  INTEGER NOT NULL DEFAULT 0,
  events_new   INTEGER NOT NULL DEFAULT 0,
  status       TEXT NOT NULL,    -- indexing | done | partial | failed | missing | superseded (an earlier version's records, issue 13)
  indexed_at   TEXT
);

-- Everything that was skipped or could not be read, with where and why.
CREATE TABLE IF NOT EXISTS problems (
  id         INTEGER PRIMARY KEY,
  file_id    INTEGER REFERENCES files(id),
  path       TEXT NOT NULL,
  position   TEXT,               -- "byte N", "line N", "record N", "entry NAME"
  stage      TEXT NOT NULL,      -- read | decompress | decode | normalize | store
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS problems_by_file ON problems(file_id);

-- The stored form of an event: every scalar of the `events` contract as a real column, so that any
-- SQLite tool filters and groups on them without trailhound code (issue 16). The record itself lives in
-- event_records, keyed by the same id, so scans over these columns never read record bytes.
CREATE TABLE IF NOT EXISTS event_rows (
  id                          INTEGER PRIMARY KEY,
  event_id                    TEXT,
  content_sha256              TEXT,   -- set only when there is no eventID: the dedupe key then
  event_time                  TEXT,   -- ISO-8601 UTC, YYYY-MM-DDTHH:MM:SSZ; NULL if unparseable
  event_version               TEXT,
  event_source                TEXT,
  event_name                  TEXT,
  event_name_base             TEXT,   -- eventName without an API-version suffix (UpdateFunctionCode20150331v2)
  aws_region                  TEXT,
  source_ip_address           TEXT,   -- raw, as logged (may be a service name or a comma list)
  source_ip                   TEXT,   -- the first IP address in source_ip_address, if any
  source_ipv4_int             INTEGER,-- that address as a 32-bit number, for CIDR ranges
  user_agent                  TEXT,
  error_code                  TEXT,
  error_message               TEXT,
  read_only                   INTEGER,
  event_type                  TEXT,
  event_category              TEXT,
  management_event            INTEGER,
  recipient_account_id        TEXT,
  request_id                  TEXT,
  shared_event_id             TEXT,
  user_identity_type          TEXT,
  user_identity_arn           TEXT,
  user_identity_principal_id  TEXT,
  user_identity_account_id    TEXT,
  user_identity_access_key_id TEXT,
  user_identity_user_name     TEXT,
  user_identity_invoked_by    TEXT,
  session_issuer_arn          TEXT,
  session_issuer_type         TEXT,
  session_issuer_user_name    TEXT,
  session_mfa_authenticated   INTEGER,
  file_id                     INTEGER NOT NULL REFERENCES files(id),
  record_index                INTEGER NOT NULL
);

-- Each event's original record, byte for byte as it was cut from its file: TEXT (valid UTF-8, what
-- json_extract reads) or, for a record that is not valid UTF-8, a BLOB of its exact bytes. The
-- declared type BLOB means "no affinity": SQLite stores each value as given. id = event_rows.id.
CREATE TABLE IF NOT EXISTS event_records (
  id     INTEGER PRIMARY KEY,
  record BLOB NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS event_rows_event_id ON event_rows(event_id) WHERE event_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS event_rows_content ON event_rows(content_sha256) WHERE content_sha256 IS NOT NULL;
CREATE INDEX IF NOT EXISTS event_rows_time ON event_rows(event_time);

-- Full-text index. Contentless (the text lives in event_records) and without per-row
-- column sizes (results are ordered by time, never by rank). Events are never deleted, so
-- contentless_delete is not needed. rowid = event_rows.id. unicode61 splits ARNs, IPs and bucket names
-- into their parts; queries quote user text as phrases, so "arn:aws:iam::1:user/alice" still matches.
CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  action, identity, network, request, response, error, resources,
  content = '', columnsize = 0,
  tokenize = "unicode61 remove_diacritics 0"
);

-- Search indexes, chosen for the filters of the search language (src/search/fields.ts).
-- Each index costs database size and indexing time (a plain index cost about 2 us per event to
-- build): the time index orders every page and serves time ranges; IPv4 ranges (CIDR) need a
-- B-tree; the action, the most used filter, reads its newest matches straight from its index.
-- Every other filter finds its few matches through events_fts, and a broad one is answered by
-- reading the newest events in time order (src/search/engine.ts).
CREATE INDEX IF NOT EXISTS event_rows_action ON event_rows(event_name_base COLLATE NOCASE, event_time);
CREATE INDEX IF NOT EXISTS event_rows_ipv4 ON event_rows(source_ipv4_int, event_time) WHERE source_ipv4_int IS NOT NULL;
-- (end of search indexes)

-- CloudTrail digest files, recognised by path or content; verified by `trailhound verify`.
CREATE TABLE IF NOT EXISTS digests (
  file_id                    INTEGER PRIMARY KEY REFERENCES files(id),
  account_id                 TEXT,
  region                     TEXT,
  digest_start_time          TEXT,
  digest_end_time            TEXT,
  digest_s3_bucket           TEXT,
  digest_s3_object           TEXT,
  previous_digest_s3_object  TEXT,
  previous_digest_hash       TEXT,
  previous_digest_signature  TEXT,
  public_key_fingerprint     TEXT,
  log_file_count             INTEGER,
  content_sha256             TEXT,   -- of the uncompressed digest bytes, what a successor pins
  body                       TEXT    -- the digest JSON as read
);

-- The public contract: plain columns and SQLite's own JSON operators, so the sqlite3 CLI, Python's
-- sqlite3 module, Datasette or DB Browser read it with no trailhound code loaded. A record kept as a
-- BLOB (not valid UTF-8) is read as text here, so JSON functions still see it; its exact bytes stay
-- in event_records.record. Record columns are subqueries, not a join: SQLite keeps a LEFT JOIN in
-- aggregate queries even when no column of it is used, and a `GROUP BY user_agent` then read every
-- record page (1.5 GB on 1M events) for nothing.
DROP VIEW IF EXISTS events;
CREATE VIEW events AS
SELECT
  r.id AS row_id,
  r.event_id, r.event_time, r.event_version,
  r.event_source, r.event_name, r.aws_region, r.source_ip_address, r.user_agent,
  r.error_code, r.error_message, r.read_only, r.event_type, r.event_category, r.management_event,
  r.recipient_account_id, r.request_id,
  r.user_identity_type, r.user_identity_arn, r.user_identity_principal_id, r.user_identity_account_id,
  r.user_identity_access_key_id, r.user_identity_user_name, r.user_identity_invoked_by, r.session_issuer_arn,
  r.session_issuer_type, r.session_mfa_authenticated,
  (SELECT CAST(x.record AS TEXT) -> '$.requestParameters' FROM event_records x WHERE x.id = r.id) AS request_parameters,
  (SELECT CAST(x.record AS TEXT) -> '$.responseElements' FROM event_records x WHERE x.id = r.id) AS response_elements,
  (SELECT CAST(x.record AS TEXT) -> '$.resources' FROM event_records x WHERE x.id = r.id) AS resources,
  (SELECT CAST(x.record AS TEXT) FROM event_records x WHERE x.id = r.id) AS record,
  r.event_name_base, r.source_ip, r.source_ipv4_int,
  r.shared_event_id,
  r.session_issuer_user_name, r.file_id, r.record_index,
  (SELECT f.path FROM files f WHERE f.id = r.file_id) AS source_file
FROM event_rows r;

-- Verdicts of `trailhound verify`, the latest per file and kind (a re-run replaces them), so a search
-- can tell events from verified files: JOIN files f ON f.path = v.path AND v.kind = 'log'.
-- kind: digest | chain-link | log | gap. verdict: valid | invalid | missing | unverifiable (digest);
-- valid | start | archive-start | broken | missing | unverifiable (chain-link);
-- valid | modified | missing | not-covered | unverifiable (log); gap (gap).
CREATE TABLE IF NOT EXISTS verification (
  path        TEXT NOT NULL,     -- absolute path of the file, or where a missing file was expected
  kind        TEXT NOT NULL,
  verdict     TEXT NOT NULL,
  detail      TEXT,
  verified_at TEXT NOT NULL,     -- ISO-8601 UTC time of the verify run
  PRIMARY KEY (path, kind)
) WITHOUT ROWID;

-- Records stored as other bytes than their file holds, and why (issue 13): a record serialised into
-- a string (CloudWatch Logs, lookup-events) whose text has no exact UTF-8 form. Every other record
-- is stored as the file's own bytes; `export` says `"verbatim": false` with this reason.
CREATE TABLE IF NOT EXISTS record_fidelity (
  row_id INTEGER PRIMARY KEY REFERENCES event_rows(id),
  reason TEXT NOT NULL
);

-- A record whose eventID was already indexed with other content (issue 13). CloudTrail never reuses
-- an eventID, so this is redaction, a hand-edited log or tampering: the first record stays in
-- `events`, this one is kept here with its own file and position, and both show in `conflicts`.
CREATE TABLE IF NOT EXISTS event_conflicts (
  id           INTEGER PRIMARY KEY,
  row_id       INTEGER NOT NULL REFERENCES event_rows(id),  -- the record kept in events
  file_id      INTEGER NOT NULL REFERENCES files(id),
  record_index INTEGER NOT NULL,
  record       BLOB NOT NULL,    -- the other record, stored as event_records.record is (text, or exact bytes)
  found_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS event_conflicts_by_row ON event_conflicts(row_id);

-- Each conflict with both records, their files and positions; join `events` on row_id.
DROP VIEW IF EXISTS conflicts;
CREATE VIEW conflicts AS
SELECT
  c.id AS conflict_id,
  r.event_id,
  r.id AS row_id,
  (SELECT f.path FROM files f WHERE f.id = r.file_id) AS kept_file,
  r.record_index AS kept_record_index,
  (SELECT CAST(x.record AS TEXT) FROM event_records x WHERE x.id = r.id) AS kept_record,
  (SELECT f.path FROM files f WHERE f.id = c.file_id) AS other_file,
  c.record_index AS other_record_index,
  CAST(c.record AS TEXT) AS other_record,
  c.found_at
FROM event_conflicts c
JOIN event_rows r ON r.id = c.row_id;
