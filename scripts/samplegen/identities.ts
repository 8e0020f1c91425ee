import type { Random } from './random.js';

export type Json = Record<string, unknown>;

/** Someone who calls AWS: how CloudTrail writes them, and how they usually call. */
export interface Actor {
  readonly name: string;
  readonly userIdentity: (time: string) => Json;
  readonly sourceIp: string;
  readonly userAgents: readonly string[];
  /** Relative share of the background traffic. */
  readonly weight: number;
}

export interface Account {
  readonly id: string;
  readonly alias: string;
  /** Organization trails add `o-…/` to the S3 layout. */
  readonly orgId: string | null;
  readonly actors: readonly Actor[];
  readonly ecsService: Actor;
}

export const USER_AGENTS = {
  cli: [
    'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12 prompt/off command/ecs.describe-services',
    'aws-cli/2.17.4 Python/3.11.9 Darwin/23.5.0 exe/x86_64 prompt/off',
  ],
  boto: [
    'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython ' +
      'cfg/retry-mode#legacy Botocore/1.34.69',
  ],
  console: [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'Chrome/122.0.0.0 Safari/537.36',
  ],
  terraform: [
    'APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) ' +
      'terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) ' +
      'aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ecs#1.41.1',
  ],
  ecsAgent: ['aws-sdk-go/1.51.21 (go1.21.8; linux; amd64) amazon-ecs-agent/1.82.1'],
} as const;

function iamUser(
  accountId: string,
  userName: string,
  principalId: string,
  accessKeyId: string,
): (time: string) => Json {
  return () => ({
    type: 'IAMUser',
    principalId,
    arn: `arn:aws:iam::${accountId}:user/${userName}`,
    accountId,
    accessKeyId,
    userName,
  });
}

function assumedRole(
  accountId: string,
  role: string,
  session: string,
  roleId: string,
  accessKeyId: string,
  mfa: boolean,
): (time: string) => Json {
  return (time) => ({
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`,
    accountId,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${accountId}:role/${role}`,
        accountId,
        userName: role,
      },
      webIdFederationData: {},
      attributes: { creationDate: `${time.slice(0, 11)}08:00:00Z`, mfaAuthenticated: String(mfa) },
    },
  });
}

function root(accountId: string, alias: string): (time: string) => Json {
  return () => ({
    type: 'Root',
    principalId: accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    accountId,
    accessKeyId: '',
    userName: alias,
  });
}

function federated(accountId: string, name: string, accessKeyId: string): (time: string) => Json {
  return (time) => ({
    type: 'FederatedUser',
    principalId: `${accountId}:${name}`,
    arn: `arn:aws:sts::${accountId}:federated-user/${name}`,
    accountId,
    accessKeyId,
    sessionContext: {
      sessionIssuer: {
        type: 'IAMUser',
        principalId: 'AIDA' + accountId.slice(0, 4) + 'FEDBROKER01',
        arn: `arn:aws:iam::${accountId}:user/fed-broker`,
        accountId,
        userName: 'fed-broker',
      },
      attributes: { creationDate: `${time.slice(0, 11)}07:30:00Z`, mfaAuthenticated: 'false' },
    },
  });
}

function awsService(service: string): (time: string) => Json {
  return () => ({ type: 'AWSService', invokedBy: service });
}

/** Stable per-account ids: derived from the PRNG once, so they look real and never change. */
export function buildAccount(
  random: Random,
  id: string,
  alias: string,
  orgId: string | null,
  officeIp: string,
): Account {
  const key = (prefix: string) => `${prefix}${random.upperAlnum(16)}`;
  const principal = (prefix: string) => `${prefix}${random.upperAlnum(17)}`;
  const actors: Actor[] = [
    {
      name: 'alice',
      userIdentity: assumedRole(
        id,
        'AWSReservedSSO_AdministratorAccess_5f1e2b7c9d0a3e4f',
        'alice@example.com',
        principal('AROA'),
        key('ASIA'),
        true,
      ),
      sourceIp: officeIp,
      userAgents: [...USER_AGENTS.console, ...USER_AGENTS.cli],
      weight: 3,
    },
    {
      name: 'bob',
      userIdentity: iamUser(id, 'bob', principal('AIDA'), key('AKIA')),
      sourceIp: '192.0.2.44',
      userAgents: USER_AGENTS.cli,
      weight: 2,
    },
    {
      name: 'ci-deploy',
      userIdentity: iamUser(id, 'ci-deploy', principal('AIDA'), key('AKIA')),
      sourceIp: '203.0.113.10',
      userAgents: USER_AGENTS.terraform,
      weight: 3,
    },
    {
      name: 'deploy-role',
      userIdentity: assumedRole(id, 'GitHubActionsDeploy', 'gha-run-8812', principal('AROA'), key('ASIA'), false),
      sourceIp: '140.82.112.5',
      userAgents: USER_AGENTS.boto,
      weight: 2,
    },
    {
      name: 'partner',
      userIdentity: federated(id, 'partner-auditor', key('ASIA')),
      sourceIp: '198.51.100.77',
      userAgents: USER_AGENTS.boto,
      weight: 1,
    },
    { name: 'root', userIdentity: root(id, alias), sourceIp: officeIp, userAgents: USER_AGENTS.console, weight: 0.1 },
  ];
  const ecsService: Actor = {
    name: 'ecs',
    userIdentity: awsService('ecs.amazonaws.com'),
    sourceIp: 'ecs.amazonaws.com',
    userAgents: ['ecs.amazonaws.com'],
    weight: 2,
  };
  return { id, alias, orgId, actors, ecsService };
}

/** The actor's IAM user name or role session, for ARNs in parameters. */
export function actorArn(account: Account, actor: Actor): string {
  return String(actor.userIdentity('2026-01-01T00:00:00Z')['arn'] ?? `arn:aws:iam::${account.id}:root`);
}
