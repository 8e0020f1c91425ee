-- trailhound search "user:ci-deploy ip:198.51.100.0/24 since:2026-03-03 until:2026-03-03T23:30Z -error:*", for Athena
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
WHERE "timestamp" >= '2026/03/03'
  AND "timestamp" <= '2026/03/04'
  AND ((lower(useridentity.arn) = 'ci-deploy' OR lower(useridentity.username) = 'ci-deploy' OR lower(useridentity.principalid) = 'ci-deploy' OR lower(useridentity.invokedby) = 'ci-deploy' OR lower(useridentity.sessioncontext.sessionissuer.arn) = 'ci-deploy' OR lower(useridentity.sessioncontext.sessionissuer.username) = 'ci-deploy' OR lower(useridentity.arn) LIKE '%:assumed-role/ci-deploy' ESCAPE '\' OR lower(useridentity.arn) LIKE '%:assumed-role/%/ci-deploy' ESCAPE '\' OR lower(useridentity.arn) LIKE '%:federated-user/ci-deploy' ESCAPE '\' OR lower(useridentity.principalid) LIKE 'ci-deploy:%' ESCAPE '\' OR lower(useridentity.principalid) LIKE '%:ci-deploy' ESCAPE '\' OR lower(useridentity.principalid) LIKE '%:ci-deploy:%' ESCAPE '\') AND contains('198.51.100.0/24', TRY_CAST(trim(split_part(sourceipaddress, ',', 1)) AS IPADDRESS)) AND eventtime >= '2026-03-03T00:00:00Z' AND eventtime <= '2026-03-03T23:30:00Z' AND NOT coalesce(coalesce(errorcode, '') <> '', FALSE))
ORDER BY eventtime DESC
LIMIT 50;
