import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules, shippedRulesDir } from '../src/hunt/load.js';
import { runHunt } from '../src/hunt/run.js';
import { openReadOnly } from '../src/store/db.js';
import { evaluateRule } from './helpers/sigma-evaluator.js';
import { indexInto, tempDir } from './helpers/temp-index.js';

/**
 * Every shipped rule fires on a positive event and stays quiet on its nearest negative: the same call
 * made safely (the own account's image, the caller's own key, a failed attempt where only success
 * counts, the same errors spread out in time).
 */
type Rec = Record<string, any>;
let serial = 0;

function event(eventSource: string, eventName: string, more: Rec = {}): Rec {
  serial += 1;
  const time = new Date(Date.UTC(2026, 2, 3, 10, 0, 0) + serial * 3_600_000).toISOString().replace('.000', '');
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::111122223333:user/user${serial}`,
      accountId: '111122223333',
      accessKeyId: 'ASIAEXAMPLE',
      userName: `user${serial}`,
    },
    eventTime: time,
    eventSource: `${eventSource}.amazonaws.com`,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.1',
    userAgent: 'aws-cli/2.17.4 Python/3.11.9',
    requestParameters: null,
    responseElements: null,
    eventID: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...more,
  };
}

const taskDefinition = (container: Rec, more: Rec = {}) =>
  event('ecs', 'RegisterTaskDefinition', {
    requestParameters: {
      family: 'web',
      containerDefinitions: [
        { name: 'web', image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/web:1', essential: true, ...container },
      ],
      ...more,
    },
  });
const failed = (record: Rec) => ({ ...record, errorCode: 'AccessDenied', errorMessage: 'denied' });
const root = {
  type: 'Root',
  principalId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accountId: '111122223333',
};
const login = (identity: Rec, result: string, mfa: string) =>
  event('signin', 'ConsoleLogin', {
    userIdentity: identity,
    responseElements: { ConsoleLogin: result },
    additionalEventData: { MFAUsed: mfa },
  });

/** Four errors by one identity, `gapMinutes` apart. */
function deniedBurst(name: string, gapMinutes: number): Rec[] {
  return [0, 1, 2, 3].map((i) => ({
    ...failed(event('iam', 'ListRoles')),
    userIdentity: {
      type: 'IAMUser',
      arn: `arn:aws:iam::111122223333:user/${name}`,
      accountId: '111122223333',
      userName: name,
    },
    eventTime: new Date(Date.UTC(2026, 2, 10, 12, 0, 0) + i * gapMinutes * 60_000).toISOString().replace('.000', ''),
  }));
}

const CASES: Record<string, { positive: Rec[]; negative: Rec[] }> = {
  ecs_execute_command: {
    positive: [event('ecs', 'ExecuteCommand', { requestParameters: { command: '/bin/sh', interactive: true } })],
    negative: [failed(event('ecs', 'ExecuteCommand'))],
  },
  ecs_task_definition_privileged: {
    positive: [taskDefinition({ privileged: true })],
    negative: [taskDefinition({ privileged: false })],
  },
  ecs_task_definition_host_network: {
    positive: [taskDefinition({}, { networkMode: 'host' })],
    negative: [taskDefinition({}, { networkMode: 'awsvpc' })],
  },
  ecs_task_definition_host_pid: {
    positive: [taskDefinition({}, { pidMode: 'host' })],
    negative: [taskDefinition({}, { pidMode: 'task' })],
  },
  ecs_task_definition_public_image: {
    positive: [taskDefinition({ image: 'xmrig/xmrig:latest' })],
    negative: [taskDefinition({})],
  },
  ecs_task_definition_cross_account_image: {
    positive: [taskDefinition({ image: '999988887777.dkr.ecr.us-east-1.amazonaws.com/web:1' })],
    negative: [taskDefinition({})],
  },
  ecs_task_definition_credential_exfiltration: {
    positive: [
      taskDefinition({
        environment: [{ name: 'X', value: 'curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' }],
      }),
    ],
    negative: [taskDefinition({ environment: [{ name: 'X', value: 'curl https://example.com/' }] })],
  },
  ecs_task_definition_cryptominer: {
    positive: [taskDefinition({ command: ['--url', 'stratum+tcp://pool.example:3333'] })],
    negative: [taskDefinition({ command: ['--url', 'https://pool.example'] })],
  },
  ecs_task_definition_sensitive_mount: {
    positive: [taskDefinition({}, { volumes: [{ name: 'd', host: { sourcePath: '/var/run/docker.sock' } }] })],
    negative: [taskDefinition({}, { volumes: [{ name: 'd', host: { sourcePath: '/var/log/app' } }] })],
  },
  ecs_run_task_command_override: {
    positive: [
      event('ecs', 'RunTask', {
        requestParameters: {
          taskDefinition: 'web:1',
          overrides: { containerOverrides: [{ name: 'web', command: ['sh', '-c', 'id'] }] },
        },
      }),
    ],
    negative: [
      event('ecs', 'RunTask', {
        requestParameters: {
          taskDefinition: 'web:1',
          overrides: { containerOverrides: [{ name: 'web', environment: [] }] },
        },
      }),
    ],
  },
  ecs_many_tasks_started: {
    positive: [event('ecs', 'RunTask', { requestParameters: { taskDefinition: 'web:1', count: 10 } })],
    negative: [event('ecs', 'RunTask', { requestParameters: { taskDefinition: 'web:1', count: 9 } })],
  },
  ecs_update_service_task_definition: {
    positive: [event('ecs', 'UpdateService', { requestParameters: { service: 'web', taskDefinition: 'evil:1' } })],
    negative: [event('ecs', 'UpdateService', { requestParameters: { service: 'web', desiredCount: 2 } })],
  },
  ecs_container_instance_foreign_account: {
    positive: [
      event('ecs', 'RegisterContainerInstance', {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::999988887777:assumed-role/ecs/i-1',
          accountId: '999988887777',
        },
      }),
    ],
    negative: [
      event('ecs', 'RegisterContainerInstance', {
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::111122223333:assumed-role/ecs/i-1',
          accountId: '111122223333',
        },
      }),
    ],
  },
  ecs_cluster_deleted: { positive: [event('ecs', 'DeleteCluster')], negative: [event('ecs', 'DescribeClusters')] },
  ecs_service_deleted: { positive: [event('ecs', 'DeleteService')], negative: [event('ecs', 'DescribeServices')] },
  cloudtrail_stopped_or_deleted: {
    positive: [failed(event('cloudtrail', 'DeleteTrail')), event('cloudtrail', 'StopLogging')],
    negative: [event('cloudtrail', 'StartLogging')],
  },
  cloudtrail_trail_weakened: {
    positive: [event('cloudtrail', 'PutEventSelectors')],
    negative: [failed(event('cloudtrail', 'PutEventSelectors'))],
  },
  console_login_without_mfa: {
    positive: [login({ type: 'IAMUser', userName: 'a' }, 'Success', 'No')],
    negative: [login({ type: 'IAMUser', userName: 'a' }, 'Success', 'Yes')],
  },
  console_login_root: { positive: [login(root, 'Success', 'Yes')], negative: [login(root, 'Failure', 'Yes')] },
  root_access_key_created: {
    positive: [event('iam', 'CreateAccessKey', { userIdentity: root })],
    negative: [event('iam', 'CreateAccessKey')],
  },
  iam_access_key_for_other_user: {
    positive: [event('iam', 'CreateAccessKey', { requestParameters: { userName: 'backup-admin' } })],
    negative: [event('iam', 'CreateAccessKey', { requestParameters: { userName: `user${serial + 1}` } })],
  },
  iam_login_profile_for_other_user: {
    positive: [event('iam', 'UpdateLoginProfile', { requestParameters: { userName: 'admin' } })],
    negative: [event('iam', 'UpdateLoginProfile', { requestParameters: { userName: `USER${serial + 1}` } })],
  },
  iam_admin_policy_attached: {
    positive: [
      event('iam', 'AttachRolePolicy', {
        requestParameters: { roleName: 'r', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    ],
    negative: [
      event('iam', 'AttachRolePolicy', {
        requestParameters: { roleName: 'r', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      }),
    ],
  },
  iam_inline_policy_allow_all: {
    positive: [
      event('iam', 'PutUserPolicy', {
        requestParameters: { policyDocument: '{"Statement":[{"Effect":"Allow","Action": "*","Resource":"*"}]}' },
      }),
    ],
    negative: [
      event('iam', 'PutUserPolicy', {
        requestParameters: { policyDocument: '{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}' },
      }),
    ],
  },
  iam_user_created: { positive: [event('iam', 'CreateUser')], negative: [failed(event('iam', 'CreateUser'))] },
  s3_bucket_policy_public: {
    positive: [
      event('s3', 'PutBucketPolicy', {
        requestParameters: {
          bucketName: 'b',
          bucketPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject' }] },
        },
      }),
    ],
    negative: [
      event('s3', 'PutBucketPolicy', {
        requestParameters: {
          bucketName: 'b',
          bucketPolicy: {
            Statement: [
              { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject' },
            ],
          },
        },
      }),
    ],
  },
  s3_bucket_acl_public: {
    positive: [event('s3', 'PutBucketAcl', { requestParameters: { bucketName: 'b', 'x-amz-acl': ['public-read'] } })],
    negative: [event('s3', 'PutBucketAcl', { requestParameters: { bucketName: 'b', 'x-amz-acl': ['private'] } })],
  },
  s3_public_access_block_removed: {
    positive: [event('s3', 'DeleteBucketPublicAccessBlock')],
    negative: [event('s3', 'PutBucketPublicAccessBlock')],
  },
  guardduty_disabled: {
    positive: [
      event('guardduty', 'UpdateDetector', { requestParameters: { detectorId: 'd', enable: false } }),
      event('guardduty', 'DeleteDetector'),
    ],
    negative: [event('guardduty', 'UpdateDetector', { requestParameters: { detectorId: 'd', enable: true } })],
  },
  config_disabled: {
    positive: [event('config', 'StopConfigurationRecorder')],
    negative: [event('config', 'StartConfigurationRecorder')],
  },
  kms_key_deletion: {
    positive: [event('kms', 'ScheduleKeyDeletion')],
    negative: [failed(event('kms', 'ScheduleKeyDeletion'))],
  },
  ec2_security_group_open_to_world: {
    positive: [
      event('ec2', 'AuthorizeSecurityGroupIngress', {
        requestParameters: { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } },
      }),
    ],
    negative: [
      event('ec2', 'AuthorizeSecurityGroupIngress', {
        requestParameters: { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } }] } },
      }),
    ],
  },
  access_denied_burst: { positive: deniedBurst('burst', 1), negative: deniedBurst('slow', 4) },
  offensive_user_agent: {
    positive: [
      event('sts', 'GetCallerIdentity', { userAgent: 'aws-cli/1.16.312 Python/3.8 Linux/5.10.0-kali7-amd64' }),
    ],
    negative: [event('sts', 'GetCallerIdentity')],
  },
  stolen_key_first_call: {
    positive: [
      event('sts', 'GetCallerIdentity', {
        userIdentity: { type: 'IAMUser', accessKeyId: 'AKIAEXAMPLE', userName: 'ci' },
      }),
    ],
    negative: [
      event('sts', 'GetCallerIdentity', {
        userIdentity: { type: 'IAMUser', accessKeyId: 'ASIAEXAMPLE', userName: 'ci' },
      }),
    ],
  },
};

describe('each shipped rule fires on its positive and not on its nearest negative', () => {
  const { rules, skipped } = loadRules([shippedRulesDir()]);

  it('ships at least 30 rules, each with its own id, ATT&CK tags, a level and author trailhound, all compiled', () => {
    expect(skipped).toEqual([]);
    expect(rules.length).toBe(35);
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect({
        file: basename(rule.file),
        author: rule.author,
        attack: rule.tags.some((tag) => /^attack\.t\d{4}/.test(tag)),
        id: /^[0-9a-f-]{36}$/.test(rule.id),
      }).toEqual({ file: basename(rule.file), author: 'trailhound', attack: true, id: true });
    }
    expect(rules.map((rule) => basename(rule.file, '.yml')).sort()).toEqual(Object.keys(CASES).sort());
  });

  it('through the SQL and through the plain evaluator alike', async () => {
    const dir = tempDir();
    const all = Object.values(CASES).flatMap((c) => [...c.positive, ...c.negative]);
    writeFileSync(join(dir, 'cases.json'), JSON.stringify({ Records: all }));
    const { dbPath } = await indexInto([join(dir, 'cases.json')]);
    const db = openReadOnly(dbPath);
    try {
      const events = db.prepare('SELECT row_id, event_id, event_time, record FROM events').all() as {
        row_id: number;
        event_id: string;
        event_time: string;
        record: string;
      }[];
      const idOf = new Map(events.map((e) => [e.row_id, e.event_id]));
      const evaluated = events.map((e) => ({ rowId: e.row_id, time: e.event_time, record: JSON.parse(e.record) }));
      for (const rule of rules) {
        const name = basename(rule.file, '.yml');
        const cases = CASES[name]!;
        const fired = new Set(
          runHunt(db, [rule], { where: null, since: null, until: null }).detections.map((d) =>
            idOf.get(d.event.row_id),
          ),
        );
        const evaluatorFired = new Set(
          [...evaluateRule(readFileSync(rule.file, 'utf8'), evaluated)].map((id) => idOf.get(id)),
        );
        const positives = cases.positive.map((r) => r.eventID as string);
        const negatives = cases.negative.map((r) => r.eventID as string);
        expect({
          name,
          fires: positives.some((id) => fired.has(id)),
          quietOnNegative: negatives.filter((id) => fired.has(id)),
        }).toEqual({ name, fires: true, quietOnNegative: [] });
        expect({ name, sql: [...fired].sort() }).toEqual({ name, sql: [...evaluatorFired].sort() });
      }
    } finally {
      db.close();
    }
  });
});

// The rule files are laid out by topic; a stray file elsewhere would be shipped without a test.
it('rules/ holds only the folders of topics, each with .yml rules', () => {
  const topics = readdirSync(shippedRulesDir());
  expect(topics.sort()).toEqual(['cloudtrail', 'discovery', 'ecs', 'iam', 's3', 'security']);
});
