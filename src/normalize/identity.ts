/** Who made a call, flattened out of `userIdentity` (CLOUDTRAIL.md §2). Absent parts are null. */
export interface Principal {
  readonly type: string | null;
  readonly arn: string | null;
  readonly principalId: string | null;
  readonly accountId: string | null;
  readonly accessKeyId: string | null;
  readonly userName: string | null;
  readonly invokedBy: string | null;
  readonly sessionIssuerArn: string | null;
  readonly sessionIssuerType: string | null;
  readonly sessionIssuerUserName: string | null;
  readonly mfaAuthenticated: number | null;
}

/** The values a `user:` filter compares with (IDENTITY_COLUMNS in search/fields.ts), in that order. */
export function identityValues(principal: Principal): (string | null)[] {
  return [
    principal.arn,
    principal.userName,
    principal.principalId,
    principal.sessionIssuerArn,
    principal.sessionIssuerUserName,
  ];
}

type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string field, or null; empty strings carry no information, so they become null too. */
export function textField(object: JsonObject | null, key: string): string | null {
  const value = object?.[key];
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/** true, "true", "True" → 1; false, "false" → 0; anything else → null (unknown). */
export function flagField(value: unknown): number | null {
  if (value === true) return 1;
  if (value === false) return 0;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return 1;
    if (lower === 'false') return 0;
  }
  return null;
}

/** Flattens a userIdentity; a null or typeless identity still yields what is there (invokedBy). */
export function toPrincipal(userIdentity: unknown): Principal {
  const identity = isObject(userIdentity) ? userIdentity : null;
  const session = isObject(identity?.['sessionContext']) ? identity['sessionContext'] : null;
  const issuer = isObject(session?.['sessionIssuer']) ? session['sessionIssuer'] : null;
  const attributes = isObject(session?.['attributes']) ? session['attributes'] : null;
  return {
    type: textField(identity, 'type'),
    arn: textField(identity, 'arn'),
    principalId: textField(identity, 'principalId'),
    accountId: textField(identity, 'accountId'),
    accessKeyId: textField(identity, 'accessKeyId'),
    userName: textField(identity, 'userName'),
    invokedBy: textField(identity, 'invokedBy'),
    sessionIssuerArn: textField(issuer, 'arn'),
    sessionIssuerType: textField(issuer, 'type'),
    sessionIssuerUserName: textField(issuer, 'userName'),
    mfaAuthenticated: flagField(attributes?.['mfaAuthenticated']),
  };
}
