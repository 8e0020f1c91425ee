import type { FieldContext, SqlPart } from './sql-part.js';
import { inColumns, patternExpression, valueTokenExpression } from './fts.js';
import { hasWildcard, toLikePattern } from './values.js';

/**
 * `user:`: an identity in every form a log shows or trailhound prints (issue 14), compared
 * case-insensitively, `*` wildcards allowed:
 *
 * | form | column and how |
 * |---|---|
 * | full ARN, user name, principal id, session issuer ARN and name, invoking service | the column, whole |
 * | `Role/session` (as lists show it), the session name, a federated user's name | the tail of the ARN |
 * | each `:`-separated part of the principal id (`AROA…`, the session name) | a part of the principal id |
 * | `root` | a Root identity |
 * | the identity type, where nothing else names the caller (`AWSAccount`) | the type |
 *
 * normalize/search-text.ts identityForms gives each form a whole-value token, so an exact value is
 * narrowed by one full-text lookup before these checks.
 */
export function compileUser(value: string, context: FieldContext): SqlPart {
  const checks = identityChecks(value);
  const either = orOf(checks);
  if (value === '*' || !context.narrow) return either;
  const expression = hasWildcard(value) ? patternExpression(value) : valueTokenExpression(value);
  if (expression === null) return either;
  return { sql: `${FTS_NARROW} AND ${either.sql}`, params: [inColumns(['identity'], expression), ...either.params] };
}

/**
 * Several exact `user:` values (an IoC list ORed together): one lookup and one check for all. The
 * forms are cut out of each row once and looked up in the set, rather than each value matched as
 * a pattern (5,000 values: 140 s on 9,000 events that way). A principal id's middle parts, which
 * only a three-part id has, are left to single values.
 */
export function compileUserSet(values: readonly string[], context: FieldContext): SqlPart {
  const inSet = (expression: string) => `${expression} COLLATE NOCASE IN (SELECT value FROM json_each(?))`;
  const forms = [...WHOLE_COLUMNS, 'e.user_identity_invoked_by', ...DERIVED_FORMS].map((expression) => ({
    sql: inSet(expression),
    params: [JSON.stringify(values)],
  }));
  const either = orOf(forms);
  if (!context.narrow) return either;
  const expression = values.map(valueTokenExpression).join(' OR ');
  return { sql: `${FTS_NARROW} AND ${either.sql}`, params: [inColumns(['identity'], expression), ...either.params] };
}

const ROLE_SESSION = "substr(e.user_identity_arn, nullif(instr(e.user_identity_arn, ':assumed-role/'), 0) + 14)";
const PRINCIPAL_COLON = "nullif(instr(e.user_identity_principal_id, ':'), 0)";
const PRINCIPAL_TO_LAST_COLON = "rtrim(e.user_identity_principal_id, replace(e.user_identity_principal_id, ':', ''))";

/** The forms of derivedChecks as SQL expressions of a row (NULL where a form does not apply). */
const DERIVED_FORMS = [
  ROLE_SESSION,
  `substr(${ROLE_SESSION}, nullif(instr(${ROLE_SESSION}, '/'), 0) + 1)`,
  "substr(e.user_identity_arn, nullif(instr(e.user_identity_arn, ':federated-user/'), 0) + 16)",
  `substr(e.user_identity_principal_id, 1, ${PRINCIPAL_COLON} - 1)`,
  `substr(e.user_identity_principal_id, ${PRINCIPAL_COLON} + 1)`,
  `replace(e.user_identity_principal_id, ${PRINCIPAL_TO_LAST_COLON}, '')`,
  "CASE WHEN e.user_identity_type = 'Root' COLLATE NOCASE THEN 'root' END",
  'CASE WHEN e.user_identity_arn IS NULL AND e.user_identity_invoked_by IS NULL ' +
    'AND e.user_identity_user_name IS NULL THEN e.user_identity_type END',
];

const FTS_NARROW = 'e.row_id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)';
const WHOLE_COLUMNS = [
  'e.user_identity_arn',
  'e.user_identity_user_name',
  'e.user_identity_principal_id',
  'e.session_issuer_arn',
  'e.session_issuer_user_name',
];

function orOf(parts: readonly SqlPart[]): SqlPart {
  return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

function identityChecks(value: string): SqlPart[] {
  if (value === '*')
    return [...WHOLE_COLUMNS, 'e.user_identity_invoked_by', 'e.user_identity_type'].map((column) => ({
      sql: `${column} IS NOT NULL`,
      params: [],
    }));
  const like = toLikePattern(value);
  const whole = [...WHOLE_COLUMNS, 'e.user_identity_invoked_by'].map((column) => ({
    sql: `${column} LIKE ? ESCAPE '\\'`,
    params: [like],
  }));
  return [...whole, ...derivedChecks('?').map((sql) => ({ sql, params: [like] }))];
}

/**
 * The forms read out of the ARN, principal id and type, each against `pattern` once (a LIKE pattern:
 * `?` or a column). LIKE, not `=`: it ignores ASCII case as COLLATE NOCASE does, and takes wildcards.
 */
function derivedChecks(pattern: string): string[] {
  return [
    `e.user_identity_arn LIKE '%:assumed-role/' || ${pattern} ESCAPE '\\'`,
    `e.user_identity_arn LIKE '%:assumed-role/%/' || ${pattern} ESCAPE '\\'`,
    `e.user_identity_arn LIKE '%:federated-user/' || ${pattern} ESCAPE '\\'`,
    `e.user_identity_principal_id LIKE ${pattern} || ':%' ESCAPE '\\'`,
    `e.user_identity_principal_id LIKE '%:' || ${pattern} ESCAPE '\\'`,
    `e.user_identity_principal_id LIKE '%:' || ${pattern} || ':%' ESCAPE '\\'`,
    `(e.user_identity_type = 'Root' COLLATE NOCASE AND 'root' LIKE ${pattern} ESCAPE '\\')`,
    '(e.user_identity_arn IS NULL AND e.user_identity_invoked_by IS NULL AND e.user_identity_user_name IS NULL ' +
      `AND e.user_identity_type LIKE ${pattern} ESCAPE '\\')`,
  ];
}
