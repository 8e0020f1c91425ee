-- trailhound search "user:\"it's \\\\ 100% a_b\" action:\"two lines\" \" evil\"", for Trino
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
FROM cloudtrail_logs
WHERE ((lower(useridentity.arn) = 'it''s \ 100% a_b' OR lower(useridentity.username) = 'it''s \ 100% a_b' OR lower(useridentity.principalid) = 'it''s \ 100% a_b' OR lower(useridentity.invokedby) = 'it''s \ 100% a_b' OR lower(useridentity.sessioncontext.sessionissuer.arn) = 'it''s \ 100% a_b' OR lower(useridentity.sessioncontext.sessionissuer.username) = 'it''s \ 100% a_b' OR lower(useridentity.arn) LIKE '%:assumed-role/it''s \\ 100\% a\_b' ESCAPE '\' OR lower(useridentity.arn) LIKE '%:assumed-role/%/it''s \\ 100\% a\_b' ESCAPE '\' OR lower(useridentity.arn) LIKE '%:federated-user/it''s \\ 100\% a\_b' ESCAPE '\' OR lower(useridentity.principalid) LIKE 'it''s \\ 100\% a\_b:%' ESCAPE '\' OR lower(useridentity.principalid) LIKE '%:it''s \\ 100\% a\_b' ESCAPE '\' OR lower(useridentity.principalid) LIKE '%:it''s \\ 100\% a\_b:%' ESCAPE '\') AND lower(regexp_replace(eventname, '^([A-Za-z]+?)[0-9][0-9v_]*$', '$1')) = U&'two\000Alines' AND regexp_like(concat_ws(' ', eventversion, json_format(CAST(useridentity AS JSON)), eventtime, eventsource, eventname, awsregion, sourceipaddress, useragent, errorcode, errormessage, requestparameters, responseelements, additionaleventdata, requestid, eventid, readonly, json_format(CAST(resources AS JSON)), eventtype, apiversion, recipientaccountid, serviceeventdetails, sharedeventid, vpcendpointid, vpcendpointaccountid, eventcategory, managementevent, json_format(CAST(addendum AS JSON)), sessioncredentialfromconsole, edgedevicedetails, json_format(CAST(tlsdetails AS JSON))), '(?i)(^|[^\p{L}\p{N}\p{M}])evil([^\p{L}\p{N}\p{M}]|$)'))
ORDER BY eventtime DESC
LIMIT 50;
