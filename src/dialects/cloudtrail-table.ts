/**
 * The CloudTrail table as AWS documents it for Athena (the CloudTrailInputFormat over the trail's
 * bucket): one row per record, `userIdentity` a nested row, the free-form objects as JSON text.
 * `athena-table` prints it and the athena/trino dialects resolve field paths against it, so the
 * two cannot disagree.
 */
export type ColumnType =
  | { readonly kind: 'string' }
  /** A STRING column that holds JSON text (requestParameters and the like). */
  | { readonly kind: 'json' }
  | { readonly kind: 'struct'; readonly fields: readonly Column[] }
  | { readonly kind: 'array'; readonly element: ColumnType };

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

const string: ColumnType = { kind: 'string' };
const json: ColumnType = { kind: 'json' };
const struct = (...fields: Column[]): ColumnType => ({ kind: 'struct', fields });
const col = (name: string, type: ColumnType = string): Column => ({ name, type });

export const CLOUDTRAIL_COLUMNS: readonly Column[] = [
  col('eventVersion'),
  col(
    'userIdentity',
    struct(
      col('type'),
      col('principalId'),
      col('arn'),
      col('accountId'),
      col('invokedBy'),
      col('accessKeyId'),
      col('userName'),
      col('onBehalfOf', struct(col('userId'), col('identityStoreArn'))),
      col(
        'sessionContext',
        struct(
          col('attributes', struct(col('mfaAuthenticated'), col('creationDate'))),
          col('sessionIssuer', struct(col('type'), col('principalId'), col('arn'), col('accountId'), col('userName'))),
          col('sourceIdentity'),
          col('ec2RoleDelivery'),
          col('webIdFederationData', struct(col('federatedProvider'))),
        ),
      ),
    ),
  ),
  col('eventTime'),
  col('eventSource'),
  col('eventName'),
  col('awsRegion'),
  col('sourceIPAddress'),
  col('userAgent'),
  col('errorCode'),
  col('errorMessage'),
  col('requestParameters', json),
  col('responseElements', json),
  col('additionalEventData', json),
  col('requestID'),
  col('eventID'),
  col('readOnly'),
  col('resources', { kind: 'array', element: struct(col('arn'), col('accountId'), col('type')) }),
  col('eventType'),
  col('apiVersion'),
  col('recipientAccountId'),
  col('serviceEventDetails', json),
  col('sharedEventID'),
  col('vpcEndpointId'),
  col('vpcEndpointAccountId'),
  col('eventCategory'),
  col('managementEvent'),
  col('addendum', struct(col('reason'), col('updatedFields'), col('originalRequestID'), col('originalEventID'))),
  col('sessionCredentialFromConsole'),
  col('edgeDeviceDetails', json),
  col('tlsDetails', struct(col('tlsVersion'), col('cipherSuite'), col('clientProvidedHostHeader'))),
];

/** Hive DDL for a column type, as in AWS's documented statement. */
export function hiveType(type: ColumnType): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'STRING';
    case 'struct':
      return `STRUCT<${type.fields.map((field) => `${field.name}: ${hiveType(field.type)}`).join(', ')}>`;
    case 'array':
      return `ARRAY<${hiveType(type.element)}>`;
  }
}
