import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { IDENTITY_SQL, eventIdentity } from '../src/search/event-identity.js';
import type { IdentityColumns } from '../src/search/event-identity.js';
import { shortIdentity, toListRow } from '../src/present/event-row.js';
import { compileQuery } from '../src/search/compile.js';
import { countFacets, countMatches, runSearch } from '../src/search/engine.js';
import type { EventListRow } from '../src/search/engine.js';
import { summarize } from '../src/forensics/summary.js';
import { detailLines } from '../src/tui/text/detail-lines.js';
import { facetTerm } from '../src/tui/state/facet-items.js';
import { indexInto, readIndex } from './helpers/temp-index.js';
import { runCli } from './helpers/run-cli.js';
import { indexSamplesForSuite } from './helpers/samples.js';

/** Issue 17, item 2: one identity of an event, the same in SQL and TypeScript, in every view. */

const FIXTURE = new URL('./fixtures/identity-forms.json', import.meta.url).pathname;

const columns = (
  arn: string | null,
  invokedBy: string | null,
  userName: string | null,
  type: string | null,
): IdentityColumns => ({
  user_identity_arn: arn,
  user_identity_invoked_by: invokedBy,
  user_identity_user_name: userName,
  user_identity_type: type,
});

/** [case, columns, identity, short form] */
const CASES: [string, IdentityColumns, string | null, string][] = [
  [
    'an ARN',
    columns('arn:aws:iam::111122223333:user/alice', null, 'alice', 'IAMUser'),
    'arn:aws:iam::111122223333:user/alice',
    'alice',
  ],
  [
    'an assumed role',
    columns('arn:aws:sts::111122223333:assumed-role/deploy/ci-42', null, null, 'AssumedRole'),
    'arn:aws:sts::111122223333:assumed-role/deploy/ci-42',
    'deploy/ci-42',
  ],
  [
    'an AWS service, via invokedBy',
    columns(null, 'ecs.amazonaws.com', null, 'AWSService'),
    'ecs.amazonaws.com',
    'ecs.amazonaws.com',
  ],
  [
    'a service beside a user name',
    columns(null, 'ecs.amazonaws.com', 'bob', 'IAMUser'),
    'ecs.amazonaws.com',
    'ecs.amazonaws.com',
  ],
  ['an IAM user with only a user name', columns(null, null, 'bob', 'IAMUser'), 'bob', 'bob'],
  ['root', columns('arn:aws:iam::111122223333:root', null, null, 'Root'), 'arn:aws:iam::111122223333:root', 'root'],
  ['a type only', columns(null, null, null, 'AWSAccount'), 'AWSAccount', 'AWSAccount'],
  ['nothing', columns(null, null, null, null), null, ''],
];

function identityInSql(db: Database.Database, row: IdentityColumns): string | null {
  const sql =
    `SELECT ${IDENTITY_SQL} FROM (SELECT ? AS user_identity_arn, ? AS user_identity_invoked_by,` +
    ' ? AS user_identity_user_name, ? AS user_identity_type) e';
  return db
    .prepare(sql)
    .pluck()
    .get(row.user_identity_arn, row.user_identity_invoked_by, row.user_identity_user_name, row.user_identity_type) as
    string | null;
}

describe('the identity of an event', () => {
  it.each(CASES)(
    '%s: the SQL and the function agree, and the short form cuts only an ARN',
    (_case, row, identity, short) => {
      const db = new Database(':memory:');
      try {
        expect(identityInSql(db, row)).toBe(identity);
        expect(eventIdentity(row)).toBe(identity);
        expect(shortIdentity(row)).toBe(short);
      } finally {
        db.close();
      }
    },
  );

  describe('on every sample event', () => {
    const suite = indexSamplesForSuite();
    it('the SQL expression and the function give the same identity', () => {
      const rows = suite.db
        .prepare(
          `SELECT ${IDENTITY_SQL} AS identity, e.user_identity_arn, e.user_identity_invoked_by,` +
            ' e.user_identity_user_name, e.user_identity_type FROM events e',
        )
        .all() as (IdentityColumns & { identity: string | null })[];
      expect(rows).toHaveLength(suite.records.length);
      expect(rows.filter((row) => eventIdentity(row) !== row.identity)).toEqual([]);
    });
  });
});

describe('every view shows the one identity (fixtures/identity-forms.json)', () => {
  /** eventID suffix → the short identity every list shows. */
  const SHORT = {
    '01': 'alice',
    '02': 'ecs.amazonaws.com',
    '03': 'bob',
    '04': 'bob',
    '05': 'carol@example.com',
    '06': 'root',
    '07': 'AWSAccount',
    '08': '',
  };
  const byEvent = (pairs: [string | null, string][]) =>
    Object.fromEntries(pairs.map(([id, value]) => [id!.slice(-2), value]));

  async function indexFixture() {
    const { dbPath } = await indexInto([FIXTURE]);
    return { dbPath, db: readIndex(dbPath) };
  }

  it('summary and facets group by the user name where the event has no ARN, not by its type', async () => {
    const { db } = await indexFixture();
    const summary = [...summarize(db, compileQuery(''), { by: 'identity', limit: null }).rows].map((row) => [
      row['identity'],
      row['events'],
    ]);
    expect(summary).toEqual([
      ['bob', 2],
      [null, 1],
      ['AWSAccount', 1],
      ['arn:aws:iam::111122223333:root', 1],
      ['arn:aws:iam::111122223333:user/alice', 1],
      ['carol@example.com', 1],
      ['ecs.amazonaws.com', 1],
    ]);
    const facets = countFacets(db, compileQuery('')).facets.identity;
    expect(facets.map(({ value, count }) => [value, count])).toEqual(summary);
    // The UI narrows to a facet value with facetTerm: it must find the events the facet counted.
    const found = facets.map((item) => {
      const term = facetTerm({ facet: 'identity', ...item }, false);
      return [item.value, term === null ? null : countMatches(db, compileQuery(term))];
    });
    expect(found).toEqual(summary.map(([value, count]) => [value, value === null ? null : count]));
  });

  it('the table, the timeline and the UI list show its short form', async () => {
    const { db, dbPath } = await indexFixture();
    const rows = [...runSearch(db, compileQuery(''), { sort: 'oldest', limit: 50, offset: 0 })];
    expect(byEvent(rows.map((row) => [row.event_id, toListRow(row).identity ?? '']))).toEqual(SHORT);
    const timeline = runCli(['timeline', '', '--format', 'ndjson', '--db', dbPath]);
    expect(timeline.status).toBe(0);
    const lines = timeline.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event_id: string; identity: string });
    expect(byEvent(lines.map((line) => [line.event_id, line.identity]))).toEqual(SHORT);
  });

  it('the detail card says the type, then the identity unless it is only the type', async () => {
    const { db } = await indexFixture();
    const rows = [...runSearch(db, compileQuery(''), { sort: 'oldest', limit: 50, offset: 0 }, { withRecord: true })];
    const who = (row: EventListRow) =>
      detailLines(row, { state: 'loading' })[0]!
        .map((segment) => segment.text)
        .join('');
    expect(byEvent(rows.map((row) => [row.event_id, who(row)]))).toEqual({
      '01': 'WHO    IAMUser  arn:aws:iam::111122223333:user/alice',
      '02': 'WHO    AWSService  ecs.amazonaws.com',
      '03': 'WHO    IAMUser  bob',
      '04': 'WHO    IAMUser  bob',
      '05': 'WHO    SAMLUser  carol@example.com',
      '06': 'WHO    Root  arn:aws:iam::111122223333:root',
      '07': 'WHO    AWSAccount',
      '08': 'WHO    ',
    });
  });
});
