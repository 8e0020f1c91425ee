-- trailhound search "since:2026-03-03 OR action:DeleteTrail", for Athena
-- an event delivered twice is returned twice; trailhound's own index keeps one copy
SELECT
  eventtime AS event_time,
  eventid AS event_id,
  eventsource AS event_source,
  eventname AS event_name,
  awsregion AS aws_region,
  sourceipaddress AS source_ip_address,
  useridentity.arn AS user_identity_arn,
  errorcode AS error_code,
  recipientaccountid AS recipient_account_id
FROM cloudtrail_logs
WHERE (eventtime >= '2026-03-03T00:00:00Z' OR lower(regexp_replace(eventname, '^([A-Za-z]+?)[0-9][0-9v_]*$', '$1')) = 'deletetrail')
ORDER BY eventtime DESC
LIMIT 50;
