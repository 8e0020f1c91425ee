-- trailhound search "user:\"it's \\\\ 100% a_b\" action:\"two lines\" \" evil\"", for DuckDB
-- free text and resource: are matched in the JSON text of every record: a full scan
-- an event delivered twice is returned twice; trailhound's own index keeps one copy
WITH records AS (
  SELECT unnest(Records) AS record
  FROM read_json('/cases/o''brien/AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz', columns = {Records: 'JSON[]'}, format = 'unstructured', maximum_object_size = 1073741824)
), addressed AS (
  SELECT record, trim(split_part(record->>'$.sourceIPAddress', ',', 1)) AS source_ip FROM records
), events AS (
  -- the first address as a 32-bit integer, for CIDR ranges (trailhound's source_ipv4_int)
  SELECT record, CASE WHEN regexp_full_match(source_ip, '(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|[01]?[0-9]?[0-9])')
    THEN CAST(split_part(source_ip, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(source_ip, '.', 2) AS BIGINT) * 65536 + CAST(split_part(source_ip, '.', 3) AS BIGINT) * 256 + CAST(split_part(source_ip, '.', 4) AS BIGINT) * 1 END AS source_ipv4
  FROM addressed
)
SELECT
  (record->>'$.eventTime') AS event_time,
  (record->>'$.eventID') AS event_id,
  (record->>'$.eventSource') AS event_source,
  (record->>'$.eventName') AS event_name,
  (record->>'$.awsRegion') AS aws_region,
  (record->>'$.sourceIPAddress') AS source_ip_address,
  (record->>'$.userIdentity.arn') AS user_identity_arn,
  (record->>'$.errorCode') AS error_code,
  (record->>'$.recipientAccountId') AS recipient_account_id,
  record
FROM events
WHERE ((lower((record->>'$.userIdentity.arn')) = 'it''s \ 100% a_b' OR lower((record->>'$.userIdentity.userName')) = 'it''s \ 100% a_b' OR lower((record->>'$.userIdentity.principalId')) = 'it''s \ 100% a_b' OR lower((record->>'$.userIdentity.invokedBy')) = 'it''s \ 100% a_b' OR lower((record->>'$.userIdentity.sessionContext.sessionIssuer.arn')) = 'it''s \ 100% a_b' OR lower((record->>'$.userIdentity.sessionContext.sessionIssuer.userName')) = 'it''s \ 100% a_b' OR (record->>'$.userIdentity.arn') ILIKE '%:assumed-role/it''s \\ 100\% a\_b' ESCAPE '\' OR (record->>'$.userIdentity.arn') ILIKE '%:assumed-role/%/it''s \\ 100\% a\_b' ESCAPE '\' OR (record->>'$.userIdentity.arn') ILIKE '%:federated-user/it''s \\ 100\% a\_b' ESCAPE '\' OR (record->>'$.userIdentity.principalId') ILIKE 'it''s \\ 100\% a\_b:%' ESCAPE '\' OR (record->>'$.userIdentity.principalId') ILIKE '%:it''s \\ 100\% a\_b' ESCAPE '\' OR (record->>'$.userIdentity.principalId') ILIKE '%:it''s \\ 100\% a\_b:%' ESCAPE '\') AND lower(regexp_replace((record->>'$.eventName'), '^([A-Za-z]+?)[0-9][0-9v_]*$', '\1')) = ('two' || chr(10) || 'lines') AND regexp_matches(CAST(record AS VARCHAR), '(?i)(^|[^\p{L}\p{N}\p{M}])evil([^\p{L}\p{N}\p{M}]|$)'))
ORDER BY event_time DESC
LIMIT 50;
