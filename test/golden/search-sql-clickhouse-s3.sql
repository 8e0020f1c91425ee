-- trailhound search "error:AccessDenied* ip:203.0.113.0/24", for ClickHouse
-- an event delivered twice is returned twice; trailhound's own index keeps one copy
SELECT
  nullIf(JSONExtractString(record, 'eventTime'), '') AS event_time,
  nullIf(JSONExtractString(record, 'eventID'), '') AS event_id,
  nullIf(JSONExtractString(record, 'eventSource'), '') AS event_source,
  nullIf(JSONExtractString(record, 'eventName'), '') AS event_name,
  nullIf(JSONExtractString(record, 'awsRegion'), '') AS aws_region,
  nullIf(JSONExtractString(record, 'sourceIPAddress'), '') AS source_ip_address,
  nullIf(JSONExtractString(record, 'userIdentity', 'arn'), '') AS user_identity_arn,
  nullIf(JSONExtractString(record, 'errorCode'), '') AS error_code,
  nullIf(JSONExtractString(record, 'recipientAccountId'), '') AS recipient_account_id,
  record
FROM s3('https://acme-trail.s3.amazonaws.com/AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz', 'JSONAsString', 'json String')
ARRAY JOIN JSONExtractArrayRaw(json, 'Records') AS record
WHERE (nullIf(JSONExtractString(record, 'errorCode'), '') ILIKE 'AccessDenied%' AND toUInt32(toIPv4OrNull(trim(splitByChar(',', JSONExtractString(record, 'sourceIPAddress'))[1]))) BETWEEN 3405803776 AND 3405804031)
ORDER BY event_time DESC
LIMIT 50;
