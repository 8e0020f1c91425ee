import type { Random } from './random.js';
import type { Account, Actor, Json } from './identities.js';

/** What a call was: service, action, parameters, response, and how it ended. */
export interface CallSpec {
  readonly source: string;
  readonly name: string;
  readonly readOnly: boolean;
  readonly request: Json | null;
  readonly response: Json | null;
  readonly resources?: readonly Json[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly eventType?: string;
  readonly category?: string;
}

/** Where and when: the account, region and time an event is logged with. */
export interface CallContext {
  readonly account: Account;
  readonly region: string;
  readonly time: string;
}

/** A full CloudTrail record (eventVersion 1.08–1.11 fields), in the key order CloudTrail writes. */
export function buildRecord(
  random: Random,
  context: CallContext,
  actor: Actor,
  spec: CallSpec,
  overrides: { sourceIp?: string; userAgent?: string } = {},
): Json {
  const host = `${spec.source.split('.')[0]}.${context.region}.amazonaws.com`;
  const isService = actor.userIdentity(context.time)['type'] === 'AWSService';
  const record: Json = {
    eventVersion: random.pick(['1.08', '1.09', '1.10', '1.11']),
    userIdentity: actor.userIdentity(context.time),
    eventTime: context.time,
    eventSource: spec.source,
    eventName: spec.name,
    awsRegion: context.region,
    sourceIPAddress: overrides.sourceIp ?? actor.sourceIp,
    userAgent: overrides.userAgent ?? random.pick(actor.userAgents),
  };
  if (spec.error) {
    record['errorCode'] = spec.error.code;
    record['errorMessage'] = spec.error.message;
  }
  record['requestParameters'] = spec.request;
  record['responseElements'] = spec.error ? null : spec.response;
  record['requestID'] = random.uuid();
  record['eventID'] = random.uuid();
  record['readOnly'] = spec.readOnly;
  if (spec.resources) record['resources'] = spec.resources;
  record['eventType'] = spec.eventType ?? (isService ? 'AwsServiceEvent' : 'AwsApiCall');
  record['managementEvent'] = spec.category !== 'Data';
  record['recipientAccountId'] = context.account.id;
  record['eventCategory'] = spec.category ?? 'Management';
  if (!isService)
    record['tlsDetails'] = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: host,
    };
  return record;
}

const ecsArn = (context: CallContext, kind: string, path: string) =>
  `arn:aws:ecs:${context.region}:${context.account.id}:${kind}/${path}`;

export function accessDenied(actorArn: string, action: string, resource: string): { code: string; message: string } {
  return {
    code: 'AccessDenied',
    message:
      `User: ${actorArn} is not authorized to perform: ${action} on resource: ${resource} ` +
      `because no identity-based policy allows the ${action} action`,
  };
}

/** Amazon ECS calls (CLOUDTRAIL.md §5), with the parameters and responses the API really has. */
export function ecsCall(random: Random, context: CallContext, cluster: string, service: string): CallSpec {
  const family = `${service}-task`;
  const revision = random.between(3, 40);
  const taskDefinitionArn = ecsArn(context, 'task-definition', `${family}:${revision}`);
  const clusterArn = ecsArn(context, 'cluster', cluster);
  const serviceArn = ecsArn(context, 'service', `${cluster}/${service}`);
  const taskArn = ecsArn(context, 'task', `${cluster}/${random.hex(32)}`);
  const kind = random.weighted<string>([
    [6, 'DescribeServices'],
    [5, 'DescribeTasks'],
    [3, 'ListClusters'],
    [2, 'RunTask'],
    [2, 'UpdateService'],
    [1, 'RegisterTaskDefinition'],
    [1, 'StopTask'],
    [1, 'CreateService'],
    [1, 'ExecuteCommand'],
    [0.5, 'CreateCluster'],
    [0.5, 'DeregisterTaskDefinition'],
    [0.3, 'DeleteService'],
  ]);
  const base = { source: 'ecs.amazonaws.com', name: kind };
  switch (kind) {
    case 'DescribeServices':
      return { ...base, readOnly: true, request: { cluster, services: [service], include: ['TAGS'] }, response: null };
    case 'DescribeTasks':
      return { ...base, readOnly: true, request: { cluster, tasks: [taskArn] }, response: null };
    case 'ListClusters':
      return { ...base, readOnly: true, request: { maxResults: 100 }, response: null };
    case 'RunTask':
      return {
        ...base,
        readOnly: false,
        request: {
          cluster,
          taskDefinition: `${family}:${revision}`,
          count: 1,
          launchType: 'FARGATE',
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [`subnet-${random.hex(17)}`],
              securityGroups: [`sg-${random.hex(17)}`],
              assignPublicIp: 'DISABLED',
            },
          },
          startedBy: 'ecs-svc/' + random.hex(19),
        },
        response: {
          tasks: [
            {
              taskArn,
              clusterArn,
              taskDefinitionArn,
              lastStatus: 'PROVISIONING',
              desiredStatus: 'RUNNING',
              launchType: 'FARGATE',
              cpu: '512',
              memory: '1024',
            },
          ],
          failures: [],
        },
        resources: [{ accountId: context.account.id, type: 'AWS::ECS::TaskDefinition', ARN: taskDefinitionArn }],
      };
    case 'UpdateService':
      return {
        ...base,
        readOnly: false,
        request: {
          cluster,
          service,
          taskDefinition: `${family}:${revision}`,
          desiredCount: random.between(2, 6),
          forceNewDeployment: random.chance(0.3),
        },
        response: {
          service: {
            serviceArn,
            serviceName: service,
            clusterArn,
            status: 'ACTIVE',
            desiredCount: 3,
            runningCount: 3,
            taskDefinition: taskDefinitionArn,
          },
        },
      };
    case 'RegisterTaskDefinition':
      return {
        ...base,
        readOnly: false,
        request: {
          family,
          taskRoleArn: `arn:aws:iam::${context.account.id}:role/${service}-task-role`,
          executionRoleArn: `arn:aws:iam::${context.account.id}:role/ecsTaskExecutionRole`,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '512',
          memory: '1024',
          containerDefinitions: [
            {
              name: service,
              image: `${context.account.id}.dkr.ecr.${context.region}.amazonaws.com/${service}:${random.hex(7)}`,
              essential: true,
              portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
              environment: [{ name: 'APP_ENV', value: 'production' }],
              logConfiguration: {
                logDriver: 'awslogs',
                options: { 'awslogs-group': `/ecs/${service}`, 'awslogs-region': context.region },
              },
            },
          ],
        },
        response: { taskDefinition: { taskDefinitionArn, family, revision, status: 'ACTIVE' } },
      };
    case 'StopTask':
      return {
        ...base,
        readOnly: false,
        request: { cluster, task: taskArn, reason: 'Scaling activity initiated by deployment' },
        response: { task: { taskArn, lastStatus: 'RUNNING', desiredStatus: 'STOPPED' } },
      };
    case 'CreateService':
      return {
        ...base,
        readOnly: false,
        request: {
          cluster,
          serviceName: service,
          taskDefinition: `${family}:${revision}`,
          desiredCount: 2,
          launchType: 'FARGATE',
        },
        response: {
          service: {
            serviceArn,
            serviceName: service,
            clusterArn,
            status: 'ACTIVE',
            desiredCount: 2,
            taskDefinition: taskDefinitionArn,
          },
        },
      };
    case 'ExecuteCommand':
      return {
        ...base,
        readOnly: false,
        request: { cluster, container: service, command: '/bin/sh', interactive: true, task: taskArn },
        response: {
          clusterArn,
          containerName: service,
          interactive: true,
          session: {
            sessionId: `ecs-execute-command-${random.hex(17)}`,
            streamUrl:
              `wss://ssmmessages.${context.region}.amazonaws.com/v1/data-channel/` +
              `ecs-execute-command-${random.hex(17)}`,
            tokenValue: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          },
          taskArn,
        },
      };
    case 'CreateCluster':
      return {
        ...base,
        readOnly: false,
        request: { clusterName: cluster, settings: [{ name: 'containerInsights', value: 'enabled' }] },
        response: { cluster: { clusterArn, clusterName: cluster, status: 'ACTIVE' } },
      };
    case 'DeregisterTaskDefinition':
      return {
        ...base,
        readOnly: false,
        request: { taskDefinition: `${family}:${revision - 2}` },
        response: {
          taskDefinition: {
            taskDefinitionArn: ecsArn(context, 'task-definition', `${family}:${revision - 2}`),
            status: 'INACTIVE',
          },
        },
      };
    default:
      return {
        ...base,
        readOnly: false,
        request: { cluster, service, force: false },
        response: { service: { serviceArn, status: 'DRAINING' } },
      };
  }
}

/** What the ECS service principal logs on its own: container instances and task state changes. */
export function ecsServiceCall(random: Random, context: CallContext, cluster: string): CallSpec {
  const instanceArn = ecsArn(context, 'container-instance', `${cluster}/${random.hex(32)}`);
  return random.chance(0.5)
    ? {
        source: 'ecs.amazonaws.com',
        name: 'RegisterContainerInstance',
        readOnly: false,
        request: {
          cluster,
          instanceIdentityDocument: '{"instanceId":"i-' + random.hex(17) + '"}',
          totalResources: [
            { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
            { name: 'MEMORY', type: 'INTEGER', integerValue: 7680 },
          ],
        },
        response: { containerInstance: { containerInstanceArn: instanceArn, status: 'ACTIVE', agentConnected: true } },
      }
    : {
        source: 'ecs.amazonaws.com',
        name: 'SubmitTaskStateChange',
        readOnly: false,
        request: { cluster, task: ecsArn(context, 'task', `${cluster}/${random.hex(32)}`), status: 'RUNNING' },
        response: { acknowledgment: 'true' },
      };
}

/** The rest of a busy account: identity, storage, compute, keys, sign-ins. */
export function backgroundCall(random: Random, context: CallContext, actorArn: string): CallSpec {
  const bucket = random.pick(['acme-prod-artifacts', 'acme-logs-archive', 'acme-customer-uploads']);
  const kind = random.weighted<string>([
    [5, 'GetCallerIdentity'],
    [4, 'DescribeInstances'],
    [4, 'GetObject'],
    [2, 'PutObject'],
    [2, 'AssumeRole'],
    [2, 'ListUsers'],
    [1, 'LookupEvents'],
    [1, 'ConsoleLogin'],
    [1, 'Decrypt'],
    [1, 'DeniedListRoles'],
  ]);
  switch (kind) {
    case 'GetCallerIdentity':
      return { source: 'sts.amazonaws.com', name: kind, readOnly: true, request: null, response: null };
    case 'DescribeInstances':
      return {
        source: 'ec2.amazonaws.com',
        name: kind,
        readOnly: true,
        request: {
          instancesSet: {},
          filterSet: { items: [{ name: 'tag:Environment', valueSet: { items: [{ value: 'production' }] } }] },
        },
        response: null,
      };
    case 'GetObject':
    case 'PutObject': {
      const key = `releases/${random.hex(8)}/app.tar.gz`;
      return {
        source: 's3.amazonaws.com',
        name: kind,
        readOnly: kind === 'GetObject',
        category: 'Data',
        request: { bucketName: bucket, Host: `${bucket}.s3.${context.region}.amazonaws.com`, key },
        response: null,
        resources: [
          { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
          { accountId: context.account.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
        ],
      };
    }
    case 'AssumeRole':
      return {
        source: 'sts.amazonaws.com',
        name: kind,
        readOnly: true,
        request: {
          roleArn: `arn:aws:iam::${context.account.id}:role/ReadOnlyAudit`,
          roleSessionName: `audit-${random.hex(6)}`,
          durationSeconds: 3600,
        },
        response: {
          credentials: {
            accessKeyId: `ASIA${random.upperAlnum(16)}`,
            sessionToken: 'IQoJb3JpZ2luX2VjE' + random.alnum(40),
            expiration: 'Mar 4, 2026, 11:00:00 AM',
          },
          assumedRoleUser: {
            assumedRoleId: `AROA${random.upperAlnum(17)}:audit`,
            arn: `arn:aws:sts::${context.account.id}:assumed-role/ReadOnlyAudit/audit`,
          },
        },
        resources: [
          {
            accountId: context.account.id,
            type: 'AWS::IAM::Role',
            ARN: `arn:aws:iam::${context.account.id}:role/ReadOnlyAudit`,
          },
        ],
      };
    case 'ListUsers':
      return { source: 'iam.amazonaws.com', name: kind, readOnly: true, request: { maxItems: 100 }, response: null };
    case 'LookupEvents':
      return {
        source: 'cloudtrail.amazonaws.com',
        name: kind,
        readOnly: true,
        request: { maxResults: 50, lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'RunTask' }] },
        response: null,
      };
    case 'ConsoleLogin': {
      const success = random.chance(0.85);
      return {
        source: 'signin.amazonaws.com',
        name: kind,
        readOnly: false,
        eventType: 'AwsConsoleSignIn',
        request: null,
        response: { ConsoleLogin: success ? 'Success' : 'Failure' },
        ...(success ? {} : { error: { code: 'Failed authentication', message: 'Failed authentication' } }),
      };
    }
    case 'Decrypt':
      return {
        source: 'kms.amazonaws.com',
        name: kind,
        readOnly: true,
        request: {
          encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket}` },
        },
        response: null,
        resources: [
          {
            accountId: context.account.id,
            type: 'AWS::KMS::Key',
            ARN: `arn:aws:kms:${context.region}:${context.account.id}:key/${random.uuid()}`,
          },
        ],
      };
    default:
      return {
        source: 'iam.amazonaws.com',
        name: 'ListRoles',
        readOnly: true,
        request: { maxItems: 1000 },
        response: null,
        error: accessDenied(actorArn, 'iam:ListRoles', `arn:aws:iam::${context.account.id}:role/`),
      };
  }
}
