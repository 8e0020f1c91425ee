import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexInto, readIndex, tempDir } from './helpers/temp-index.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import type { Rec } from './helpers/samples.js';
import { runCli } from './helpers/run-cli.js';
import { TraceLookup } from '../src/trace/lookup.js';
import { traceBack } from '../src/trace/backward.js';
import type { TraceChain } from '../src/trace/backward.js';
import { traceForward } from '../src/trace/forward.js';

const A = '111122223333';
const B = '444455556666';
let sequence = 0;

/** A CloudTrail record with only what a case needs; ids are unique per call. */
function rec(fields: Rec): Rec {
  sequence++;
  const n = String(sequence).padStart(12, '0');
  return {
    eventVersion: '1.11',
    eventSource: 'sts.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.1',
    requestID: `req-${n}`,
    eventID: `00000000-0000-4000-8000-${n}`,
    recipientAccountId: A,
    ...fields,
  };
}

const user = (name: string, key: string, account = A) => ({
  type: 'IAMUser',
  principalId: `AIDA${name.toUpperCase()}`,
  arn: `arn:aws:iam::${account}:user/${name}`,
  accountId: account,
  accessKeyId: key,
  userName: name,
});
const session = (account: string, role: string, name: string, key: string, created: string, extra: Rec = {}) => ({
  type: 'AssumedRole',
  principalId: `AROA${role.toUpperCase()}:${name}`,
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}`,
  accountId: account,
  accessKeyId: key,
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${role}`, userName: role, accountId: account },
    attributes: { creationDate: created, mfaAuthenticated: 'false' },
  },
  ...extra,
});
const service = (name: string) => ({ type: 'AWSService', invokedBy: name });
const assumeRole = (
  identity: Rec,
  time: string,
  account: string,
  role: string,
  name: string,
  key: string | null,
  extra: Rec = {},
) =>
  rec({
    eventTime: time,
    eventName: 'AssumeRole',
    userIdentity: identity,
    recipientAccountId: account,
    requestParameters: {
      roleArn: `arn:aws:iam::${account}:role/${role}`,
      roleSessionName: name,
      ...(extra['request'] ?? {}),
    },
    responseElements: {
      ...(key ? { credentials: { accessKeyId: key, expiration: 'x' } } : {}),
      assumedRoleUser: { arn: `arn:aws:sts::${account}:assumed-role/${role}/${name}` },
    },
  });
const call = (identity: Rec, time: string, source: string, name: string, fields: Rec = {}) =>
  rec({ eventTime: time, eventSource: source, eventName: name, userIdentity: identity, ...fields });

async function traceOf(records: Rec[]) {
  const dir = tempDir();
  writeFileSync(join(dir, 'case.json'), JSON.stringify({ Records: records }));
  const { dbPath } = await indexInto([dir]);
  return { lookup: new TraceLookup(readIndex(dbPath)), dbPath };
}

/** What each hop proves, in order: link, action, event id. */
const hopsOf = (chain: TraceChain) => chain.hops.map((hop) => [hop.link, hop.event.eventName, hop.event.eventId]);

describe('trace backwards: each link kind', () => {
  it(
    'follows an ASIA key to the AssumeRole that issued it, through a role chain, ' +
      'to the IAM user and its long-term key',
    async () => {
      const first = assumeRole(
        user('dev', 'AKIADEVKEY0000000001'),
        '2026-03-03T10:00:00Z',
        A,
        'Bridge',
        's1',
        'ASIABRIDGEKEY0000001',
      );
      const second = assumeRole(
        session(A, 'Bridge', 's1', 'ASIABRIDGEKEY0000001', '2026-03-03T10:00:00Z'),
        '2026-03-03T10:05:00Z',
        A,
        'Admin',
        's2',
        'ASIAADMINKEY00000001',
      );
      const target = call(
        session(A, 'Admin', 's2', 'ASIAADMINKEY00000001', '2026-03-03T10:05:00Z'),
        '2026-03-03T10:06:00Z',
        'iam.amazonaws.com',
        'CreateUser',
      );
      const { lookup } = await traceOf([target, second, first]);
      const chain = traceBack(lookup, target['eventID']);
      expect(hopsOf(chain)).toEqual([
        ['assume-role', 'AssumeRole', first['eventID']],
        ['assume-role', 'AssumeRole', second['eventID']],
        ['target', 'CreateUser', target['eventID']],
      ]);
      expect(chain.hops.map((hop) => hop.issuedKey)).toEqual(['ASIABRIDGEKEY0000001', 'ASIAADMINKEY00000001', null]);
      expect(chain.end).toMatchObject({
        kind: 'origin',
        principal: `arn:aws:iam::${A}:user/dev`,
        accessKeyId: 'AKIADEVKEY0000000001',
      });
      expect(traceBack(lookup, 'ASIAADMINKEY00000001').hops.map((hop) => hop.event.eventId)).toEqual([
        first['eventID'],
        second['eventID'],
      ]);
    },
  );

  it('follows GetSessionToken and GetFederationToken keys to the user who asked', async () => {
    const token = rec({
      eventTime: '2026-03-03T09:00:00Z',
      eventName: 'GetSessionToken',
      userIdentity: user('ops', 'AKIAOPSKEY0000000001'),
      responseElements: { credentials: { accessKeyId: 'ASIAOPSSESSION000001' } },
    });
    const federation = rec({
      eventTime: '2026-03-03T09:01:00Z',
      eventName: 'GetFederationToken',
      userIdentity: user('broker', 'AKIABROKERKEY0000001'),
      requestParameters: { name: 'partner' },
      responseElements: {
        credentials: { accessKeyId: 'ASIAFEDKEY0000000001' },
        federatedUser: { arn: `arn:aws:sts::${A}:federated-user/partner` },
      },
    });
    const { lookup } = await traceOf([token, federation]);
    const viaToken = traceBack(lookup, 'ASIAOPSSESSION000001');
    expect(hopsOf(viaToken)).toEqual([['session-token', 'GetSessionToken', token['eventID']]]);
    expect(viaToken.end.principal).toBe(`arn:aws:iam::${A}:user/ops`);
    const viaFederation = traceBack(lookup, 'ASIAFEDKEY0000000001');
    expect(viaFederation.hops[0]).toMatchObject({
      link: 'federation-token',
      issued: `arn:aws:sts::${A}:federated-user/partner`,
    });
    expect(viaFederation.end.principal).toBe(`arn:aws:iam::${A}:user/broker`);
    const signIn = call(user('ops', 'ASIAOPSCONSOLE000001'), '2026-03-03T09:05:00Z', 'iam.amazonaws.com', 'ListUsers');
    const { lookup: more } = await traceOf([signIn]);
    expect(traceBack(more, signIn['eventID']).end).toMatchObject({
      kind: 'origin',
      principal: `arn:aws:iam::${A}:user/ops`,
      reason:
        'IAM user ops, with temporary key ASIAOPSCONSOLE000001 from a console sign-in ' +
        'or a GetSessionToken call that is not in the index',
    });
  });

  it('links a session whose key was not logged by its session ARN and creation time, and says so', async () => {
    const created = assumeRole(user('dev', 'AKIADEVKEY0000000001'), '2026-03-03T10:00:00Z', B, 'Deploy', 'ci', null);
    const target = call(
      session(B, 'Deploy', 'ci', 'ASIAUNLOGGEDKEY00001', '2026-03-03T10:00:00Z'),
      '2026-03-03T10:02:00Z',
      'ec2.amazonaws.com',
      'RunInstances',
      { recipientAccountId: B },
    );
    const { lookup } = await traceOf([created, target]);
    const chain = traceBack(lookup, target['eventID']);
    expect(hopsOf(chain)[0]).toEqual(['assume-role', 'AssumeRole', created['eventID']]);
    expect(chain.hops[0]!.note).toMatch(/session ARN/);
    expect(chain.end.principal).toBe(`arn:aws:iam::${A}:user/dev`);
  });

  it('links a chained session by its sourceIdentity when the hops between are missing', async () => {
    const first = assumeRole(
      user('dev', 'AKIADEVKEY0000000001'),
      '2026-03-03T10:00:00Z',
      A,
      'Entry',
      'me',
      'ASIAENTRYKEY00000001',
      { request: { sourceIdentity: 'dev@example.com' } },
    );
    const target = call(
      session(B, 'Far', 'x', 'ASIAFARKEY0000000001', '2026-03-03T10:30:00Z', { sourceIdentity: 'dev@example.com' }),
      '2026-03-03T10:31:00Z',
      's3.amazonaws.com',
      'GetObject',
      { recipientAccountId: B },
    );
    const { lookup } = await traceOf([first, target]);
    const chain = traceBack(lookup, target['eventID']);
    expect(hopsOf(chain)[0]).toEqual(['assume-role', 'AssumeRole', first['eventID']]);
    expect(chain.hops[0]!.note).toMatch(/sourceIdentity dev@example\.com/);
    expect(chain.end.principal).toBe(`arn:aws:iam::${A}:user/dev`);
  });

  it("ends SAML and web identity federation at the provider's subject, with the attributes logged", async () => {
    const saml = rec({
      eventTime: '2026-03-03T08:00:00Z',
      eventName: 'AssumeRoleWithSAML',
      userIdentity: {
        type: 'SAMLUser',
        principalId: 'okta:jane',
        userName: 'jane@corp.example',
        identityProvider: `arn:aws:iam::${A}:saml-provider/Okta`,
      },
      requestParameters: {
        roleArn: `arn:aws:iam::${A}:role/Engineer`,
        principalArn: `arn:aws:iam::${A}:saml-provider/Okta`,
        principalTags: { team: 'payments' },
      },
      responseElements: {
        credentials: { accessKeyId: 'ASIASAMLKEY000000001' },
        assumedRoleUser: { arn: `arn:aws:sts::${A}:assumed-role/Engineer/jane@corp.example` },
        subject: 'jane@corp.example',
        subjectType: 'persistent',
        issuer: 'http://www.okta.com/exk1',
        audience: 'https://signin.aws.amazon.com/saml',
      },
    });
    const web = rec({
      eventTime: '2026-03-03T08:10:00Z',
      eventName: 'AssumeRoleWithWebIdentity',
      userIdentity: {
        type: 'WebIdentityUser',
        principalId: 'token.actions.githubusercontent.com:sts.amazonaws.com:repo:acme/app:ref:refs/heads/main',
        userName: 'repo:acme/app:ref:refs/heads/main',
        identityProvider: 'token.actions.githubusercontent.com',
      },
      requestParameters: { roleArn: `arn:aws:iam::${A}:role/GitHubDeploy`, roleSessionName: 'gha' },
      responseElements: {
        credentials: { accessKeyId: 'ASIAWEBKEY0000000001' },
        assumedRoleUser: { arn: `arn:aws:sts::${A}:assumed-role/GitHubDeploy/gha` },
        subjectFromWebIdentityToken: 'repo:acme/app:ref:refs/heads/main',
        provider: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        audience: 'sts.amazonaws.com',
      },
    });
    const { lookup } = await traceOf([saml, web]);
    const viaSaml = traceBack(lookup, 'ASIASAMLKEY000000001');
    expect(hopsOf(viaSaml)).toEqual([['saml', 'AssumeRoleWithSAML', saml['eventID']]]);
    expect(viaSaml.end).toMatchObject({ kind: 'origin', principal: 'jane@corp.example' });
    expect(viaSaml.end.reason).toBe(
      'SAML subject jane@corp.example of identity provider http://www.okta.com/exk1 ' +
        '(subjectType=persistent, audience=https://signin.aws.amazon.com/saml, principalTags={"team":"payments"})',
    );
    const viaWeb = traceBack(lookup, 'ASIAWEBKEY0000000001');
    expect(viaWeb.end.reason).toBe(
      'web identity subject repo:acme/app:ref:refs/heads/main of identity provider ' +
        'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com (audience=sts.amazonaws.com)',
    );
  });

  it(
    'ends an Identity Center (AWSReservedSSO_) session at the signed-in user, ' +
      'with or without its AssumeRoleWithSAML',
    async () => {
      const role = 'AWSReservedSSO_ReadOnly_0123456789abcdef';
      const signIn = rec({
        eventTime: '2026-03-03T07:00:00Z',
        eventName: 'AssumeRoleWithSAML',
        userIdentity: {
          type: 'SAMLUser',
          principalId: 'x:bob',
          userName: 'bob@example.com',
          identityProvider: 'AWSSSO',
        },
        requestParameters: { roleArn: `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/${role}` },
        responseElements: {
          credentials: { accessKeyId: 'ASIASSOKEY0000000001' },
          assumedRoleUser: { arn: `arn:aws:sts::${A}:assumed-role/${role}/bob@example.com` },
          subject: 'bob@example.com',
          issuer: 'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/X',
        },
      });
      const unlogged = call(
        session(
          A,
          'AWSReservedSSO_Admin_fedcba9876543210',
          'carol@example.com',
          'ASIASSONOTLOGGED0001',
          '2026-03-03T07:30:00Z',
        ),
        '2026-03-03T07:31:00Z',
        'iam.amazonaws.com',
        'ListUsers',
      );
      const { lookup } = await traceOf([signIn, unlogged]);
      expect(traceBack(lookup, 'ASIASSOKEY0000000001').end.reason).toMatch(
        /^IAM Identity Center user bob@example\.com of identity provider/,
      );
      const chain = traceBack(lookup, unlogged['eventID']);
      expect(chain.end.kind).toBe('origin');
      expect(chain.end.reason).toMatch(/^IAM Identity Center user carol@example\.com .*permission set Admin\)/);
    },
  );

  it('follows an EC2 instance profile session to the instance and the RunInstances that started it', async () => {
    const launch = call(
      user('ops', 'AKIAOPSKEY0000000001'),
      '2026-03-03T06:00:00Z',
      'ec2.amazonaws.com',
      'RunInstances',
      { responseElements: { instancesSet: { items: [{ instanceId: 'i-0abc1234def567890' }] } } },
    );
    const vend = assumeRole(
      service('ec2.amazonaws.com'),
      '2026-03-03T06:01:00Z',
      A,
      'WebProfile',
      'i-0abc1234def567890',
      'ASIAEC2KEY0000000001',
    );
    const use = call(
      session(A, 'WebProfile', 'i-0abc1234def567890', 'ASIAEC2KEY0000000001', '2026-03-03T06:01:00Z', {
        ec2RoleDelivery: '2.0',
      }),
      '2026-03-03T06:05:00Z',
      's3.amazonaws.com',
      'ListBuckets',
    );
    const orphan = call(
      session(A, 'WebProfile', 'i-0fff0000aaaa11112', 'ASIAEC2ORPHAN0000001', '2026-03-03T06:02:00Z'),
      '2026-03-03T06:06:00Z',
      's3.amazonaws.com',
      'ListBuckets',
    );
    const { lookup } = await traceOf([launch, vend, use, orphan]);
    const chain = traceBack(lookup, use['eventID']);
    expect(hopsOf(chain)).toEqual([
      ['instance', 'RunInstances', launch['eventID']],
      ['assume-role', 'AssumeRole', vend['eventID']],
      ['target', 'ListBuckets', use['eventID']],
    ]);
    expect(chain.end.principal).toBe(`arn:aws:iam::${A}:user/ops`);
    const lone = traceBack(lookup, orphan['eventID']);
    expect(lone.end.kind).toBe('outside-index');
  });

  it('follows a Lambda execution role session to the function and the CreateFunction that made it', async () => {
    const create = call(
      user('dev', 'AKIADEVKEY0000000001'),
      '2026-03-03T05:00:00Z',
      'lambda.amazonaws.com',
      'CreateFunction20150331',
      {
        requestParameters: { functionName: 'exfil' },
        responseElements: { functionName: 'exfil', functionArn: `arn:aws:lambda:us-east-1:${A}:function:exfil` },
      },
    );
    const vend = assumeRole(
      service('lambda.amazonaws.com'),
      '2026-03-03T05:01:00Z',
      A,
      'exfil-role',
      'exfil',
      'ASIALAMBDAKEY0000001',
    );
    const use = call(
      session(A, 'exfil-role', 'exfil', 'ASIALAMBDAKEY0000001', '2026-03-03T05:01:00Z'),
      '2026-03-03T05:02:00Z',
      'secretsmanager.amazonaws.com',
      'GetSecretValue',
    );
    const { lookup } = await traceOf([create, vend, use]);
    const chain = traceBack(lookup, use['eventID']);
    expect(hopsOf(chain)).toEqual([
      ['function', 'CreateFunction20150331', create['eventID']],
      ['assume-role', 'AssumeRole', vend['eventID']],
      ['target', 'GetSecretValue', use['eventID']],
    ]);
    expect(chain.hops[0]!.issued).toBe(`arn:aws:lambda:us-east-1:${A}:function:exfil`);
  });

  it('stops an ECS task role session at the task when no RunTask names it, saying where tasks start', async () => {
    const taskId = '0123456789abcdef0123456789abcdef';
    const vend = assumeRole(
      service('ecs-tasks.amazonaws.com'),
      '2026-03-03T04:00:00Z',
      A,
      'svc-task-role',
      taskId,
      'ASIATASKKEY000000001',
    );
    const { lookup } = await traceOf([vend]);
    const chain = traceBack(lookup, 'ASIATASKKEY000000001');
    expect(hopsOf(chain)).toEqual([['assume-role', 'AssumeRole', vend['eventID']]]);
    expect(chain.end).toMatchObject({ kind: 'origin', principal: `Amazon ECS task ${taskId}` });
    expect(chain.end.reason).toMatch(/CreateService or UpdateService/);
  });

  it(
    "ties an ECS service's task (no RunTask) to the deployment of a task definition with its task role, " +
      'as inference, and lists rival deployments',
    async () => {
      const taskId = 'fedcba9876543210fedcba9876543210';
      const role = `arn:aws:iam::${A}:role/api-task-role`;
      const register = call(
        user('dev', 'AKIADEVKEY0000000001'),
        '2026-03-03T03:00:00Z',
        'ecs.amazonaws.com',
        'RegisterTaskDefinition',
        {
          requestParameters: { family: 'api', taskRoleArn: role },
          responseElements: {
            taskDefinition: { taskDefinitionArn: `arn:aws:ecs:us-east-1:${A}:task-definition/api:7` },
          },
        },
      );
      const deploy = call(
        user('ops', 'AKIAOPSKEY0000000001'),
        '2026-03-03T03:10:00Z',
        'ecs.amazonaws.com',
        'CreateService',
        {
          requestParameters: { serviceName: 'api', taskDefinition: 'api:7' },
          responseElements: {
            service: {
              serviceArn: `arn:aws:ecs:us-east-1:${A}:service/prod/api`,
              taskDefinition: `arn:aws:ecs:us-east-1:${A}:task-definition/api:7`,
            },
          },
        },
      );
      const vend = assumeRole(
        service('ecs-tasks.amazonaws.com'),
        '2026-03-03T03:11:00Z',
        A,
        'api-task-role',
        taskId,
        'ASIAAPITASKKEY000001',
      );
      const { lookup } = await traceOf([register, deploy, vend]);
      const chain = traceBack(lookup, 'ASIAAPITASKKEY000001');
      expect(hopsOf(chain)).toEqual([
        ['service', 'CreateService', deploy['eventID']],
        ['assume-role', 'AssumeRole', vend['eventID']],
      ]);
      expect(chain.hops[0]!.note).toBe(
        `inferred: no RunTask names task ${taskId}; ` +
          `this call deployed a task definition with task role ${role} before the task started`,
      );
      expect(chain.end.principal).toBe(`arn:aws:iam::${A}:user/ops`);

      const update = call(
        user('dev', 'AKIADEVKEY0000000001'),
        '2026-03-03T03:10:30Z',
        'ecs.amazonaws.com',
        'UpdateService',
        {
          requestParameters: { service: 'api', taskDefinition: 'api:7' },
          responseElements: {
            service: {
              serviceArn: `arn:aws:ecs:us-east-1:${A}:service/prod/api`,
              taskDefinition: `arn:aws:ecs:us-east-1:${A}:task-definition/api:7`,
            },
          },
        },
      );
      const { lookup: both } = await traceOf([register, deploy, update, vend]);
      const rival = traceBack(both, 'ASIAAPITASKKEY000001');
      expect(rival.end.kind).toBe('ambiguous');
      expect(rival.candidates.map((hop) => hop.event.eventId)).toEqual([deploy['eventID'], update['eventID']]);
    },
  );

  it('stops where the link lies outside the index, naming the account and day to fetch', async () => {
    const use = call(
      session(B, 'Deploy', 'ci', 'ASIAMISSINGKEY000001', '2026-03-01T22:00:00Z'),
      '2026-03-03T10:00:00Z',
      's3.amazonaws.com',
      'GetObject',
      { recipientAccountId: B },
    );
    const roleCopyOnly = rec({
      ...assumeRole(user('dev', 'AKIADEVKEY0000000001'), '2026-03-03T11:00:00Z', B, 'X', 'y', 'ASIAXKEY000000000001'),
      userIdentity: { type: 'AWSAccount', principalId: 'AIDADEV', accountId: A },
      recipientAccountId: B,
    });
    const { lookup } = await traceOf([use, roleCopyOnly]);
    const chain = traceBack(lookup, use['eventID']);
    expect(chain.end.kind).toBe('outside-index');
    expect(chain.end.reason).toBe(
      'no event in the index issued access key ASIAMISSINGKEY000001, created 2026-03-01T22:00:00Z',
    );
    expect(chain.end.fetch).toMatch(
      new RegExp(
        "^account 444455556666's CloudTrail logs for 2026-03-01 " +
          '\\(AWSLogs\\/…\\/444455556666\\/CloudTrail\\/us-east-1\\/2026\\/03\\/01\\/',
      ),
    );
    const cross = traceBack(lookup, 'ASIAXKEY000000000001');
    expect(cross.end).toMatchObject({ kind: 'outside-index' });
    expect(cross.end.fetch).toBe(`the CloudTrail logs of account ${A} for the same day`);
  });

  it('shows both candidates when two calls could have created the session, and follows neither', async () => {
    const one = assumeRole(user('dev', 'AKIADEVKEY0000000001'), '2026-03-03T09:00:00Z', A, 'Shared', 'deploy', null);
    const two = assumeRole(user('ops', 'AKIAOPSKEY0000000001'), '2026-03-03T09:30:00Z', A, 'Shared', 'deploy', null);
    const use = call(
      {
        ...session(A, 'Shared', 'deploy', 'ASIAUNKNOWNKEY000001', ''),
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${A}:role/Shared` } },
      },
      '2026-03-03T10:00:00Z',
      'iam.amazonaws.com',
      'CreateAccessKey',
    );
    const { lookup } = await traceOf([one, two, use]);
    const chain = traceBack(lookup, use['eventID']);
    expect(chain.end.kind).toBe('ambiguous');
    expect(chain.end.reason).toMatch(
      new RegExp(
        '^2 separate calls could have created arn:aws:sts::111122223333:assumed-role\\/Shared\\/deploy ' +
          '\\(the same role and session name',
      ),
    );
    expect(chain.candidates.map((hop) => [hop.event.eventId, hop.event.identity.userName])).toEqual([
      [one['eventID'], 'dev'],
      [two['eventID'], 'ops'],
    ]);
    expect(hopsOf(chain)).toEqual([['target', 'CreateAccessKey', use['eventID']]]);
  });
});

describe("trace on the samples' story", () => {
  const suite = indexSamplesForSuite();

  /** The chain read straight from the records: each session's key back to the call whose response issued it. */
  function expectedChain(records: Rec[], event: Rec): Rec[] {
    const chain = [event];
    for (let current = event; ;) {
      const key = current['userIdentity']?.accessKeyId;
      const sessionName = current['requestParameters']?.roleSessionName;
      const issuer =
        records.find(
          (r) =>
            r['recipientAccountId'] === (r['userIdentity']?.accountId ?? r['recipientAccountId']) &&
            key &&
            r['responseElements']?.credentials?.accessKeyId === key,
        ) ??
        (current['userIdentity']?.invokedBy === 'ecs-tasks.amazonaws.com'
          ? records.find(
              (r) =>
                r['eventName'] === 'RunTask' &&
                r['responseElements']?.tasks?.some((t: Rec) => String(t['taskArn']).endsWith(`/${sessionName}`)),
            )
          : undefined);
      if (!issuer) return chain.reverse();
      chain.push(issuer);
      current = issuer;
    }
  }

  it("traces the task role's data read back to the leaked IAM user key, one hop per proving event", () => {
    const read = suite.records.filter(
      (r) =>
        r['eventName'] === 'GetObject' &&
        r['userIdentity']?.sessionContext?.sessionIssuer?.userName === 'data-sync-task-role',
    )[0]!;
    const expected = expectedChain(suite.records, read);
    const chain = traceBack(new TraceLookup(suite.db), read['eventID']);
    expect(chain.hops.map((hop) => hop.event.eventId)).toEqual(expected.map((r) => r['eventID']));
    expect(chain.hops.map((hop) => hop.link)).toEqual(['assume-role', 'assume-role', 'task', 'assume-role', 'target']);
    expect(chain.end).toMatchObject({
      kind: 'origin',
      principal: expected[0]!['userIdentity'].arn,
      accessKeyId: expected[0]!['userIdentity'].accessKeyId,
    });
    const crossAccount = chain.hops[1]!;
    const copies = suite.records.filter(
      (r) =>
        r['sharedEventID'] &&
        r['sharedEventID'] === expected[1]!['sharedEventID'] &&
        r['eventID'] !== expected[1]!['eventID'],
    );
    expect(crossAccount.copies.map((copy) => copy.eventId)).toEqual(copies.map((r) => r['eventID']));
  });

  it('prints the chain with the CLI, oldest first, in every format', () => {
    const read = suite.records.find(
      (r) =>
        r['eventName'] === 'GetObject' &&
        r['userIdentity']?.sessionContext?.sessionIssuer?.userName === 'data-sync-task-role',
    )!;
    const expected = expectedChain(suite.records, read);
    const ndjson = runCli(['trace', read['eventID'], '--db', suite.dbPath, '--format', 'ndjson']);
    expect(ndjson.status).toBe(0);
    const lines = ndjson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.event_id)).toEqual([null, ...expected.map((r) => r['eventID'])]);
    expect(lines[0]).toMatchObject({ step: 0, link: 'origin', caller: expected[0]!['userIdentity'].arn });
    const table = runCli(['trace', read['eventID'], '--db', suite.dbPath]);
    expect(table.stdout).toContain(
      `origin: IAM user ci-deploy with long-term access key ${expected[0]!['userIdentity'].accessKeyId}`,
    );
    const json = JSON.parse(runCli(['trace', read['eventID'], '--db', suite.dbPath, '--format', 'json']).stdout);
    expect(json.hops.map((hop: Rec) => hop['event_id'])).toEqual(expected.map((r) => r['eventID']));
    const csv = runCli(['trace', read['eventID'], '--db', suite.dbPath, '--format', 'csv']).stdout.trim().split('\r\n');
    expect(csv).toHaveLength(expected.length + 2);
    const bad = runCli(['trace', 'no-such-event', '--db', suite.dbPath]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('error: cannot trace no-such-event');
  });

  it('finds the whole blast radius of the leaked key, with per-session counts, and exports exactly its events', () => {
    const leaked = suite.records.find(
      (r) =>
        r['eventName'] === 'AssumeRole' && r['responseElements']?.assumedRoleUser?.arn?.includes('TerraformDeploy'),
    )!;
    const rootKey = leaked['userIdentity'].accessKeyId as string;
    // Independently: keys issued from the root key, recursively, through STS responses and ECS task ids.
    const keys = new Set([rootKey]);
    for (let grew = true; grew;) {
      grew = false;
      for (const r of suite.records) {
        if (r['errorCode'] || !keys.has(r['userIdentity']?.accessKeyId)) continue;
        const issued = [r['responseElements']?.credentials?.accessKeyId];
        for (const task of r['eventName'] === 'RunTask' ? (r['responseElements']?.tasks ?? []) : []) {
          const id = String(task.taskArn).split('/').pop();
          issued.push(
            ...suite.records
              .filter(
                (v) =>
                  v['userIdentity']?.invokedBy === 'ecs-tasks.amazonaws.com' &&
                  v['requestParameters']?.roleSessionName === id,
              )
              .map((v) => v['responseElements']?.credentials?.accessKeyId),
          );
        }
        for (const key of issued) if (key && !keys.has(key)) (keys.add(key), (grew = true));
      }
    }
    const radius = traceForward(new TraceLookup(suite.db), rootKey);
    expect(new Set(radius.nodes.flatMap((node) => (node.accessKeyId ? [node.accessKeyId] : [])))).toEqual(keys);
    const taskSession = radius.nodes.find((node) => node.principal.includes('data-sync-task-role'))!;
    const taskEvents = suite.records.filter((r) => r['userIdentity']?.accessKeyId === taskSession.accessKeyId);
    expect(taskSession.counts).toEqual({
      events: taskEvents.length,
      actions: new Set(taskEvents.map((r) => `${r['eventSource']}:${r['eventName']}`)).size,
      errors: taskEvents.filter((r) => r['errorCode']).length,
      accounts: new Set(taskEvents.map((r) => r['recipientAccountId'])).size,
      sourceIps: new Set(taskEvents.map((r) => r['sourceIPAddress'])).size,
      firstSeen: taskEvents.map((r) => r['eventTime']).sort()[0],
      lastSeen: taskEvents
        .map((r) => r['eventTime'])
        .sort()
        .at(-1),
    });
    const parents = new Map(radius.nodes.map((node) => [node.id, node]));
    const path = [] as string[];
    for (
      let node: typeof taskSession | undefined = taskSession;
      node;
      node = node.parentId === null ? undefined : parents.get(node.parentId)
    )
      path.unshift(node.kind);
    expect(path).toEqual(['identity', 'session', 'session', 'task', 'session']);

    const query = runCli(['trace', '--forward', rootKey, '--query', '--db', suite.dbPath]);
    expect(query.stdout.trim()).toBe(radius.query);
    const out = join(suite.dir, 'radius');
    expect(runCli(['export', radius.query, '--out', out, '--db', suite.dbPath]).status).toBe(0);
    const expectedIds = suite.records
      .filter((r) => keys.has(r['userIdentity']?.accessKeyId))
      .map((r) => r['eventID'])
      .sort();
    const exported = readFileSync(join(out, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).eventID)
      .sort();
    expect(exported).toEqual(expectedIds);
  });

  it('prints the radius as a tree, as rows for programs, and as a timeline', () => {
    const leaked = suite.records.find(
      (r) =>
        r['eventName'] === 'AssumeRole' &&
        r['responseElements']?.assumedRoleUser?.arn?.includes('OrganizationAccountAccessRole') &&
        r['userIdentity']?.accessKeyId,
    )!;
    const key = leaked['responseElements'].credentials.accessKeyId as string;
    const table = runCli(['trace', '--forward', key, '--db', suite.dbPath]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/\n└ ECS task [0-9a-f]{32} \(444455556666, eu-west-1\) +task /);
    expect(table.stdout).toMatch(
      /\n  └ arn:aws:sts::444455556666:assumed-role\/data-sync-task-role\/[0-9a-f]{32} +session +ASIA/,
    );
    const rows = runCli(['trace', '--forward', key, '--db', suite.dbPath, '--format', 'ndjson'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => [row.depth, row.kind])).toEqual([
      [0, 'identity'],
      [1, 'task'],
      [2, 'session'],
    ]);
    const timeline = runCli(['trace', '--forward', key, '--timeline', '--db', suite.dbPath, '--format', 'ndjson'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const keys = new Set([key, rows[2].access_key]);
    const expected = suite.records
      .filter((r) => keys.has(r['userIdentity']?.accessKeyId))
      .sort((a, b) => a['eventTime'].localeCompare(b['eventTime']));
    expect(timeline.map((row) => row.event_id)).toEqual(expected.map((r) => r['eventID']));
    const unknown = runCli(['trace', '--forward', 'AKIANOSUCHKEY0000000', '--db', suite.dbPath]);
    expect(unknown.status).toBe(0);
    expect(unknown.stderr).toContain('warning: no events of AKIANOSUCHKEY0000000 in the index');
  });
});

describe('an index without trace links', () => {
  it('is refused with the reason and what to do, exit 1', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'case.json'),
      JSON.stringify({
        Records: [call(user('dev', 'AKIADEVKEY0000000001'), '2026-03-03T10:00:00Z', 'iam.amazonaws.com', 'ListUsers')],
      }),
    );
    const { dbPath } = await indexInto([dir]);
    const db = new Database(dbPath);
    db.exec('DROP TABLE trace_links');
    db.close();
    const result = runCli(['trace', 'AKIADEVKEY0000000001', '--db', dbPath]);
    expect([result.status, result.stderr]).toEqual([
      1,
      'error: cannot trace in this index\n' +
        ' reason: it was built by a trailhound without trace links (the trace_links table)\n' +
        '   help: index the same logs again into a new --db file\n',
    ]);
  });
});

describe('trace --help', () => {
  it('describes the command, both directions and the shared options', () => {
    const result = runCli(['trace', '--help']);
    expect(result.status).toBe(0);
    for (const text of [
      'trailhound trace <target>',
      '--forward',
      '--timeline',
      '--query',
      '--format',
      '--db',
      'outside-index',
      'ambiguous',
    ])
      expect(result.stdout).toContain(text);
  });
});
