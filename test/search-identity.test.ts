import { describe, expect, it } from 'vitest';
import { compileQuery } from '../src/search/compile.js';
import { allMatches } from '../src/search/engine.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import type { Rec } from './helpers/samples.js';

/**
 * issue 14 item 1: `user:` finds an identity in every form a log shows or trailhound prints. Each
 * row names the form, a value of it from samples/, and which raw records (read without trailhound)
 * must match; both query plans (indexed, and row by row as alerts use it) must return exactly those.
 */
const samples = indexSamplesForSuite();

const id = (r: Rec) => r.userIdentity ?? {};
const lower = (text: unknown) => String(text ?? '').toLowerCase();
const arnEndsWith = (suffix: string) => (r: Rec) => lower(id(r).arn).endsWith(lower(suffix));

const CASES: [form: string, value: string, expected: (r: Rec) => boolean][] = [
  [
    'full ARN of an IAM user',
    'arn:aws:iam::111122223333:user/bob',
    (r) => id(r).arn === 'arn:aws:iam::111122223333:user/bob',
  ],
  [
    'full ARN of an assumed role, other case',
    'ARN:AWS:STS::111122223333:ASSUMED-ROLE/GitHubActionsDeploy/GHA-RUN-8812',
    (r) => id(r).arn === 'arn:aws:sts::111122223333:assumed-role/GitHubActionsDeploy/gha-run-8812',
  ],
  ['IAM user name', 'ci-deploy', (r) => id(r).userName === 'ci-deploy'],
  ['role session name', 'gha-run-8812', arnEndsWith('/gha-run-8812')],
  [
    'Role/session as the results table shows it',
    'GitHubActionsDeploy/gha-run-8812',
    arnEndsWith(':assumed-role/GitHubActionsDeploy/gha-run-8812'),
  ],
  ['federated user name', 'partner-auditor', arnEndsWith(':federated-user/partner-auditor')],
  [
    'principal id, whole',
    'AROAQWPSHSBUBNO2CELMN:gha-run-8812',
    (r) => id(r).principalId === 'AROAQWPSHSBUBNO2CELMN:gha-run-8812',
  ],
  [
    'principal id, the part before ":"',
    'aroaqwpshsbubno2celmn',
    (r) => lower(id(r).principalId).startsWith('aroaqwpshsbubno2celmn:'),
  ],
  [
    'principal id, the part after ":" (an SSO user)',
    'alice@example.com',
    (r) => lower(id(r).principalId).endsWith(':alice@example.com'),
  ],
  ['principal id of an IAM user', 'AIDAUURHZTMWTSUU55PFR', (r) => id(r).principalId === 'AIDAUURHZTMWTSUU55PFR'],
  [
    'session issuer ARN',
    'arn:aws:iam::444455556666:role/GitHubActionsDeploy',
    (r) => id(r).sessionContext?.sessionIssuer?.arn === 'arn:aws:iam::444455556666:role/GitHubActionsDeploy',
  ],
  ['session issuer name', 'fed-broker', (r) => id(r).sessionContext?.sessionIssuer?.userName === 'fed-broker'],
  [
    'SSO user as Role/session',
    'AWSReservedSSO_AdministratorAccess_5f1e2b7c9d0a3e4f/alice@example.com',
    arnEndsWith('/AWSReservedSSO_AdministratorAccess_5f1e2b7c9d0a3e4f/alice@example.com'),
  ],
  ['root', 'root', (r) => id(r).type === 'Root'],
  ['root, capitalised', 'Root', (r) => id(r).type === 'Root'],
  ['the invoking service', 'ecs.amazonaws.com', (r) => id(r).invokedBy === 'ecs.amazonaws.com'],
  ['a session name with a wildcard', 'gha-run-*', (r) => /\/gha-run-[^/]*$/.test(id(r).arn ?? '')],
  ['a name that is no identity', 'gha-run', () => false],
];

describe('user: matches every form of an identity', () => {
  it.each(CASES)('%s: user:%s', (_form, value, expected) => {
    const want = samples.records
      .filter(expected)
      .map((r) => r.eventID)
      .sort();
    const compiled = compileQuery(`user:"${value}"`);
    const indexed = [...allMatches(samples.db, compiled, 'newest', 1000)].map((row) => row.event_id).sort();
    const rowByRow = (
      samples.db
        .prepare(`SELECT e.event_id FROM events e WHERE ${compiled.rowWhere.sql}`)
        .pluck()
        .all(...compiled.rowWhere.params) as string[]
    ).sort();
    expect(indexed).toEqual(want);
    expect(rowByRow).toEqual(want);
  });

  it('finds the 2,069 events of alice@example.com that only user:*alice@example.com found before', () => {
    const compiled = compileQuery('user:alice@example.com');
    expect([...allMatches(samples.db, compiled, 'newest', 1000)].length).toBe(
      samples.records.filter((r) => lower(id(r).arn).endsWith('/alice@example.com')).length,
    );
  });
});
