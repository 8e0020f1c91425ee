-- trailhound search "action:Run* source:ecs user:alice type:AssumedRole key:ASIA* ip:10.0.0.1 region:eu-west-1 account:111122223333 resource:my-bucket error:AccessDenied readonly:false xmrig*", for Trino
-- free text and resource: are matched in the JSON text of every record: a full scan
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
FROM hive.logs.cloudtrail
WHERE (lower(regexp_replace(eventname, '^([A-Za-z]+?)[0-9][0-9v_]*$', '$1')) LIKE 'run%' ESCAPE '\' AND lower(eventsource) = 'ecs.amazonaws.com' AND (lower(useridentity.arn) = 'alice' OR lower(useridentity.username) = 'alice' OR lower(useridentity.principalid) = 'alice' OR lower(useridentity.invokedby) = 'alice' OR lower(useridentity.sessioncontext.sessionissuer.arn) = 'alice' OR lower(useridentity.sessioncontext.sessionissuer.username) = 'alice' OR lower(useridentity.arn) LIKE '%:assumed-role/alice' ESCAPE '\' OR lower(useridentity.arn) LIKE '%:assumed-role/%/alice' ESCAPE '\' OR lower(useridentity.arn) LIKE '%:federated-user/alice' ESCAPE '\' OR lower(useridentity.principalid) LIKE 'alice:%' ESCAPE '\' OR lower(useridentity.principalid) LIKE '%:alice' ESCAPE '\' OR lower(useridentity.principalid) LIKE '%:alice:%' ESCAPE '\') AND lower(useridentity.type) = 'assumedrole' AND lower(useridentity.accesskeyid) LIKE 'asia%' ESCAPE '\' AND contains('10.0.0.1/32', TRY_CAST(trim(split_part(sourceipaddress, ',', 1)) AS IPADDRESS)) AND lower(awsregion) = 'eu-west-1' AND (lower(recipientaccountid) = '111122223333' OR lower(useridentity.accountid) = '111122223333') AND regexp_like(concat_ws(' ', requestparameters, additionaleventdata, responseelements, serviceeventdetails, json_format(CAST(resources AS JSON))), '(?i)(^|[^\p{L}\p{N}\p{M}])my[^\p{L}\p{N}\p{M}]+bucket([^\p{L}\p{N}\p{M}]|$)') AND lower(errorcode) = 'accessdenied' AND lower(readonly) = 'false' AND regexp_like(concat_ws(' ', eventversion, json_format(CAST(useridentity AS JSON)), eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent, errorcode, errormessage, requestparameters, responseelements, additionaleventdata, requestid, eventid, readonly, json_format(CAST(resources AS JSON)), eventtype, apiversion, recipientaccountid, serviceeventdetails, sharedeventid, vpcendpointid, vpcendpointaccountid, eventcategory, managementevent, json_format(CAST(addendum AS JSON)), sessioncredentialfromconsole, edgedevicedetails, json_format(CAST(tlsdetails AS JSON))), '(?i)(^|[^\p{L}\p{N}\p{M}])xmrig'))
ORDER BY eventtime ASC;
