/**
 * How a table fits a terminal (issue 14): one rule for `search`, `summary` and `timeline`. What an
 * investigator reads first survives: times keep the full date and time to the second and counts are
 * never cut; an identity is cut from the left, so its distinguishing end (the user or session name)
 * stays. Other columns give way first, the widest first, down to a few characters; when even that
 * does not fit, the least telling columns are left out (and the caller says which).
 */

/** Columns that hold times: shown whole. */
const TIME_COLUMNS = new Set(['time', 'first_seen', 'last_seen', 'event_time']);
/** Columns that hold identities: cut from the left, and only after the others. */
const IDENTITY_COLUMNS = new Set(['identity', 'identity_arn', 'user', 'user_identity_arn']);
/** Left out first, in this order, when the table cannot fit otherwise. */
const LEAVE_OUT_ORDER = ['account', 'access_keys', 'regions', 'source_ips', 'actions', 'errors', 'target', 'region'];

const OTHER_FLOOR = 8;
const IDENTITY_FLOOR = 18;

export type ColumnRole = 'time' | 'identity' | 'count' | 'other';

export interface ColumnFit {
  /** Width per column; 0 for a column left out. */
  readonly widths: number[];
  readonly roles: ColumnRole[];
  readonly leftOut: string[];
}

export function roleOf(column: string, numeric: boolean): ColumnRole {
  if (TIME_COLUMNS.has(column)) return 'time';
  if (IDENTITY_COLUMNS.has(column)) return 'identity';
  return numeric ? 'count' : 'other';
}

/** Widths for `natural` (the widest cell of each column, header included) within `maxWidth`. */
export function fitColumns(
  columns: readonly string[],
  natural: readonly number[],
  numeric: readonly boolean[],
  maxWidth: number,
  gap: number,
): ColumnFit {
  const roles = columns.map((column, i) => roleOf(column, numeric[i]!));
  const widths = [...natural];
  const shown = columns.map(() => true);
  const leftOut: string[] = [];
  const floorOf = (i: number) =>
    roles[i] === 'identity'
      ? Math.min(natural[i]!, IDENTITY_FLOOR)
      : roles[i] === 'other'
        ? Math.min(natural[i]!, OTHER_FLOOR)
        : natural[i]!;
  const total = () =>
    widths.reduce((sum, width, i) => sum + (shown[i] ? width : 0), 0) +
    gap * Math.max(0, shown.filter(Boolean).length - 1);
  for (;;) {
    while (total() > maxWidth) {
      const candidates = widths
        .map((width, i) => ({ i, width }))
        .filter(({ i, width }) => shown[i] && width > floorOf(i));
      if (candidates.length === 0) break;
      // Others give way before the identity: it is shrunk only once no other column can be.
      const others = candidates.filter(({ i }) => roles[i] !== 'identity');
      const pool = others.length > 0 ? others : candidates;
      const widest = pool.reduce((a, b) => (b.width > a.width ? b : a));
      widths[widest.i]!--;
    }
    if (total() <= maxWidth) break;
    const next = columnToLeaveOut(columns, roles, shown);
    if (next === null) break;
    shown[next] = false;
    leftOut.push(columns[next]!);
    // A column left out frees room: the others may widen again to their natural widths.
    columns.forEach((_, i) => {
      widths[i] = natural[i]!;
    });
  }
  return { widths: widths.map((width, i) => (shown[i] ? width : 0)), roles, leftOut };
}

function columnToLeaveOut(
  columns: readonly string[],
  roles: readonly ColumnRole[],
  shown: readonly boolean[],
): number | null {
  for (const name of LEAVE_OUT_ORDER) {
    const i = columns.indexOf(name);
    if (i !== -1 && shown[i]) return i;
  }
  for (let i = columns.length - 1; i > 0; i--) if (shown[i] && roles[i] !== 'time' && roles[i] !== 'identity') return i;
  return null;
}
