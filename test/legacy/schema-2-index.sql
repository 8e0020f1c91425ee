-- An index as trailhound schema 2 wrote it (records in deflated blocks behind trailhound_record()),
-- with one event: what test/migration.test.ts expects every command to refuse and leave untouched.

CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value BLOB
) WITHOUT ROWID;

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
  status       TEXT NOT NULL,    -- indexing | done | partial | failed | missing
  indexed_at   TEXT
);

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

CREATE TABLE IF NOT EXISTS record_blocks (
  id   INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS event_rows (
  id                          INTEGER PRIMARY KEY,
  event_id                    TEXT,
  content_sha256              TEXT,   -- set only when there is no eventID: the dedupe key then
  event_time                  TEXT,   -- ISO-8601 UTC, YYYY-MM-DDTHH:MM:SSZ; NULL if unparseable
  event_source                TEXT,
  event_name                  TEXT,
  event_name_base             TEXT,   -- eventName without an API-version suffix (UpdateFunctionCode20150331v2)
  aws_region                  TEXT,
  source_ip_address           TEXT,   -- raw, as logged (may be a service name or a comma list)
  source_ip                   TEXT,   -- the first IP address in source_ip_address, if any
  source_ipv4_int             INTEGER,-- that address as a 32-bit number, for CIDR ranges
  error_code                  TEXT,
  read_only                   INTEGER,
  recipient_account_id        TEXT,
  user_identity_type          TEXT,
  user_identity_arn           TEXT,
  user_identity_principal_id  TEXT,
  user_identity_account_id    TEXT,
  user_identity_access_key_id TEXT,
  user_identity_user_name     TEXT,
  user_identity_invoked_by    TEXT,
  session_issuer_arn          TEXT,
  session_issuer_user_name    TEXT,
  file_id                     INTEGER NOT NULL REFERENCES files(id),
  record_index                INTEGER NOT NULL,
  block_id                    INTEGER NOT NULL REFERENCES record_blocks(id),
  block_offset                INTEGER NOT NULL,  -- byte offset of the record in the inflated block
  block_length                INTEGER NOT NULL   -- its length in bytes (UTF-8)
);

CREATE UNIQUE INDEX IF NOT EXISTS event_rows_event_id ON event_rows(event_id) WHERE event_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS event_rows_content ON event_rows(content_sha256) WHERE content_sha256 IS NOT NULL;
CREATE INDEX IF NOT EXISTS event_rows_time ON event_rows(event_time);

CREATE VIRTUAL TABLE IF NOT EXISTS events_fts USING fts5(
  action, identity, network, request, response, error, resources,
  content = '', columnsize = 0,
  tokenize = "unicode61 remove_diacritics 0"
);

CREATE INDEX IF NOT EXISTS event_rows_action ON event_rows(event_name_base COLLATE NOCASE, event_time);
CREATE INDEX IF NOT EXISTS event_rows_ipv4 ON event_rows(source_ipv4_int, event_time) WHERE source_ipv4_int IS NOT NULL;

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

DROP VIEW IF EXISTS events;
CREATE VIEW events AS
SELECT
  r.id AS row_id,
  r.event_id, r.event_time,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.eventVersion', '') AS event_version,
  r.event_source, r.event_name, r.aws_region, r.source_ip_address,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.userAgent', '') AS user_agent,
  r.error_code,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.errorMessage', '') AS error_message,
  r.read_only,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.eventType', '') AS event_type,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.eventCategory', '') AS event_category,
  CASE lower(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.managementEvent') WHEN 'true' THEN 1 WHEN '1' THEN 1 WHEN 'false' THEN 0 WHEN '0' THEN 0 END AS management_event,
  r.recipient_account_id,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.requestID', '') AS request_id,
  r.user_identity_type, r.user_identity_arn, r.user_identity_principal_id, r.user_identity_account_id,
  r.user_identity_access_key_id, r.user_identity_user_name, r.user_identity_invoked_by, r.session_issuer_arn,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.userIdentity.sessionContext.sessionIssuer.type', '') AS session_issuer_type,
  CASE lower(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.userIdentity.sessionContext.attributes.mfaAuthenticated') WHEN 'true' THEN 1 WHEN '1' THEN 1 WHEN 'false' THEN 0 WHEN '0' THEN 0 END AS session_mfa_authenticated,
  trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) -> '$.requestParameters' AS request_parameters,
  trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) -> '$.responseElements' AS response_elements,
  trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) -> '$.resources' AS resources,
  trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) AS record,
  r.event_name_base, r.source_ip, r.source_ipv4_int,
  nullif(trailhound_record(r.block_id, b.data, r.block_offset, r.block_length) ->> '$.sharedEventID', '') AS shared_event_id,
  r.session_issuer_user_name, r.file_id, r.record_index,
  (SELECT f.path FROM files f WHERE f.id = r.file_id) AS source_file
FROM event_rows r
LEFT JOIN record_blocks b ON b.id = r.block_id;

CREATE TABLE IF NOT EXISTS verification (
  path        TEXT NOT NULL,     -- absolute path of the file, or where a missing file was expected
  kind        TEXT NOT NULL,
  verdict     TEXT NOT NULL,
  detail      TEXT,
  verified_at TEXT NOT NULL,     -- ISO-8601 UTC time of the verify run
  PRIMARY KEY (path, kind)
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('schema_version', 2);
INSERT INTO files(id, path, size_bytes, mtime_ms, kind, format, events_read, events_new, status, indexed_at)
  VALUES (1, '/logs/a.json', 120, 1700000000000, 'log', 'records', 1, 1, 'done', '2026-03-01T00:00:00.000Z');
INSERT INTO record_blocks(id, data) VALUES (1, x'ab564a2d4bcd2bf17451b2524ad53554d281f0fd12735395ac94dc534bfc93b252934b946a01');
INSERT INTO event_rows(id, event_id, event_time, event_name, event_name_base, file_id, record_index, block_id, block_offset, block_length)
  VALUES (1, 'e-1', '2026-03-01T00:00:00Z', 'GetObject', 'GetObject', 1, 0, 1, 0, 41);
