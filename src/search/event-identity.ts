/**
 * The identity of an event, one definition for every view that groups or shows it (summary,
 * facets, the table, the timeline, the terminal UI): its ARN; else, for a call an AWS service made
 * on someone's behalf, that service (invokedBy); else the user name, which SAML and web identity
 * users and some IAM user events carry without an ARN; else the identity type (`Root`,
 * `AWSAccount`); null when the record names none. The SQL and the function must agree: the index
 * stores empty strings as NULL, so COALESCE and `??` skip the same values.
 */

/** The identity columns an event row carries, as the `events` view names them. */
export interface IdentityColumns {
  readonly user_identity_arn: string | null;
  readonly user_identity_invoked_by: string | null;
  readonly user_identity_user_name: string | null;
  readonly user_identity_type: string | null;
}

/** The identity as a SQL expression over `events e`: fixed text, never built from input. */
export const IDENTITY_SQL =
  'coalesce(e.user_identity_arn, e.user_identity_invoked_by, e.user_identity_user_name, e.user_identity_type)';

export function eventIdentity(row: IdentityColumns): string | null {
  return (
    row.user_identity_arn ??
    row.user_identity_invoked_by ??
    row.user_identity_user_name ??
    row.user_identity_type ??
    null
  );
}
