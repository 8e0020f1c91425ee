-- trailhound search "action:Run* source:ecs user:alice type:AssumedRole key:ASIA* ip:10.0.0.1 region:eu-west-1 account:111122223333 resource:my-bucket error:AccessDenied readonly:false xmrig*", for DuckDB
-- free text and resource: are matched in the JSON text of every record: a full scan
-- an event delivered twice is returned twice; trailhound's own index keeps one copy
WITH records AS (
  SELECT unnest(Records) AS record
  FROM read_json('/cases/acme/AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz', columns = {Records: 'JSON[]'}, format = 'unstructured', maximum_object_size = 1073741824)
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
WHERE (regexp_replace((record->>'$.eventName'), '^([A-Za-z]+?)[0-9][0-9v_]*$', '\1') ILIKE 'Run%' ESCAPE '\' AND lower((record->>'$.eventSource')) = 'ecs.amazonaws.com' AND (lower((record->>'$.userIdentity.arn')) = 'alice' OR lower((record->>'$.userIdentity.userName')) = 'alice' OR lower((record->>'$.userIdentity.principalId')) = 'alice' OR lower((record->>'$.userIdentity.invokedBy')) = 'alice' OR lower((record->>'$.userIdentity.sessionContext.sessionIssuer.arn')) = 'alice' OR lower((record->>'$.userIdentity.sessionContext.sessionIssuer.userName')) = 'alice' OR (record->>'$.userIdentity.arn') ILIKE '%:assumed-role/alice' ESCAPE '\' OR (record->>'$.userIdentity.arn') ILIKE '%:assumed-role/%/alice' ESCAPE '\' OR (record->>'$.userIdentity.arn') ILIKE '%:federated-user/alice' ESCAPE '\' OR (record->>'$.userIdentity.principalId') ILIKE 'alice:%' ESCAPE '\' OR (record->>'$.userIdentity.principalId') ILIKE '%:alice' ESCAPE '\' OR (record->>'$.userIdentity.principalId') ILIKE '%:alice:%' ESCAPE '\') AND lower((record->>'$.userIdentity.type')) = 'assumedrole' AND (record->>'$.userIdentity.accessKeyId') ILIKE 'ASIA%' ESCAPE '\' AND source_ipv4 BETWEEN 167772161 AND 167772161 AND lower((record->>'$.awsRegion')) = 'eu-west-1' AND (lower((record->>'$.recipientAccountId')) = '111122223333' OR lower((record->>'$.userIdentity.accountId')) = '111122223333') AND regexp_matches(concat_ws(' ', CAST(record->'$.requestParameters' AS VARCHAR), CAST(record->'$.additionalEventData' AS VARCHAR), CAST(record->'$.responseElements' AS VARCHAR), CAST(record->'$.serviceEventDetails' AS VARCHAR), CAST(record->'$.resources' AS VARCHAR)), '(?i)(^|[^\p{L}\p{N}\p{M}])my[^\p{L}\p{N}\p{M}]+bucket([^\p{L}\p{N}\p{M}]|$)') AND lower((record->>'$.errorCode')) = 'accessdenied' AND lower(record->>'$.readOnly') = 'false' AND regexp_matches(CAST(record AS VARCHAR), '(?i)(^|[^\p{L}\p{N}\p{M}])xmrig'))
ORDER BY event_time DESC
LIMIT 50;
