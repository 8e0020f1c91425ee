-- trailhound search "user:\"it's \\\\ 100% a_b\" action:\"two lines\" \" evil\"", for ClickHouse
-- free text and resource: are matched in the JSON text of every record: a full scan
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
FROM file('/cases/acme/AWSLogs/**/CloudTrail/*/*/*/*/*.json.gz', 'JSONAsString', 'json String')
ARRAY JOIN JSONExtractArrayRaw(json, 'Records') AS record
WHERE ((lower(nullIf(JSONExtractString(record, 'userIdentity', 'arn'), '')) = 'it\'s \\ 100% a_b' OR lower(nullIf(JSONExtractString(record, 'userIdentity', 'userName'), '')) = 'it\'s \\ 100% a_b' OR lower(nullIf(JSONExtractString(record, 'userIdentity', 'principalId'), '')) = 'it\'s \\ 100% a_b' OR lower(nullIf(JSONExtractString(record, 'userIdentity', 'invokedBy'), '')) = 'it\'s \\ 100% a_b' OR lower(nullIf(JSONExtractString(record, 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn'), '')) = 'it\'s \\ 100% a_b' OR lower(nullIf(JSONExtractString(record, 'userIdentity', 'sessionContext', 'sessionIssuer', 'userName'), '')) = 'it\'s \\ 100% a_b' OR nullIf(JSONExtractString(record, 'userIdentity', 'arn'), '') ILIKE '%:assumed-role/it\'s \\\\ 100\\% a\\_b' OR nullIf(JSONExtractString(record, 'userIdentity', 'arn'), '') ILIKE '%:assumed-role/%/it\'s \\\\ 100\\% a\\_b' OR nullIf(JSONExtractString(record, 'userIdentity', 'arn'), '') ILIKE '%:federated-user/it\'s \\\\ 100\\% a\\_b' OR nullIf(JSONExtractString(record, 'userIdentity', 'principalId'), '') ILIKE 'it\'s \\\\ 100\\% a\\_b:%' OR nullIf(JSONExtractString(record, 'userIdentity', 'principalId'), '') ILIKE '%:it\'s \\\\ 100\\% a\\_b' OR nullIf(JSONExtractString(record, 'userIdentity', 'principalId'), '') ILIKE '%:it\'s \\\\ 100\\% a\\_b:%') AND lower(replaceRegexpOne(nullIf(JSONExtractString(record, 'eventName'), ''), '^([A-Za-z]+?)[0-9][0-9v_]*$', '\\1')) = 'two\x0Alines' AND match(record, '(?i)(^|[^\\p{L}\\p{N}\\p{M}])evil([^\\p{L}\\p{N}\\p{M}]|$)'))
ORDER BY event_time DESC
LIMIT 50;
