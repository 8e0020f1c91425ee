import { isObject, textField } from './identity.js';

/**
 * What a credential-issuing or compute-starting event names, so `trailhound trace` can go from a
 * session back to the call that made it in one indexed lookup (issue 20). Each kind is a key the
 * trace engine asks for (src/trace/):
 * - `key`: an access key id an STS call issued (responseElements.credentials.accessKeyId);
 * - `session`: the assumed-role or federated-user ARN it issued;
 * - `source-identity`: the sourceIdentity it set, which every chained session carries on;
 * - `session-name`: the session name a service (ecs-tasks, ec2, lambda) asked STS for: a task id,
 *   an instance id or a function name;
 * - `task`, `instance`, `function`: the ECS task ids, EC2 instance ids and Lambda function names a
 *   RunTask/StartTask, RunInstances or CreateFunction call started;
 * - `task-role`, `service-task-definition`: the task role a RegisterTaskDefinition gave its task
 *   definition, and the task definition a CreateService/UpdateService deployed. An ECS service's
 *   scheduler starts tasks without a RunTask, so these are how a service's task is tied to the
 *   deployments that could have started it.
 */
export type TraceLinkKind =
  | 'key'
  | 'session'
  | 'source-identity'
  | 'session-name'
  | 'task'
  | 'instance'
  | 'function'
  | 'task-role'
  | 'service-task-definition';

export interface TraceLink {
  readonly kind: TraceLinkKind;
  readonly value: string;
}

type Json = Record<string, unknown>;

const STS_ISSUERS = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'AssumeRoot',
  'GetSessionToken',
  'GetFederationToken',
]);

/** The links an event proves; none for failed calls (they issued nothing) and for every other action. */
export function traceLinksOf(record: Json, eventNameBase: string | null): TraceLink[] {
  if (eventNameBase === null || textField(record, 'errorCode') !== null) return [];
  const request = isObject(record['requestParameters']) ? record['requestParameters'] : null;
  const response = isObject(record['responseElements']) ? record['responseElements'] : null;
  if (STS_ISSUERS.has(eventNameBase)) return stsLinks(record, eventNameBase, request, response);
  switch (eventNameBase) {
    case 'RunTask':
    case 'StartTask':
      return arrayOf(response?.['tasks']).flatMap((task) => idLink('task', lastSegment(textField(task, 'taskArn'))));
    case 'RunInstances':
      return arrayOf(isObject(response?.['instancesSet']) ? response['instancesSet']['items'] : null).flatMap((item) =>
        idLink('instance', textField(item, 'instanceId')),
      );
    case 'CreateFunction':
      return idLink('function', textField(request, 'functionName') ?? textField(response, 'functionName'));
    case 'RegisterTaskDefinition':
      return idLink('task-role', textField(request, 'taskRoleArn'));
    case 'CreateService':
    case 'UpdateService': {
      const service = isObject(response?.['service']) ? response['service'] : null;
      return idLink(
        'service-task-definition',
        textField(service, 'taskDefinition') ?? textField(request, 'taskDefinition'),
      );
    }
    default:
      return [];
  }
}

function stsLinks(record: Json, name: string, request: Json | null, response: Json | null): TraceLink[] {
  const credentials = isObject(response?.['credentials']) ? response['credentials'] : null;
  const links = [
    ...idLink('key', textField(credentials, 'accessKeyId')),
    ...idLink('session', issuedSessionArn(name, request, response)),
    ...idLink('source-identity', textField(request, 'sourceIdentity') ?? textField(response, 'sourceIdentity')),
  ];
  const identity = isObject(record['userIdentity']) ? record['userIdentity'] : null;
  if (textField(identity, 'type') === 'AWSService')
    links.push(...idLink('session-name', textField(request, 'roleSessionName')));
  return links;
}

/** The session ARN the response names, or else the one STS derives from the role and session name. */
function issuedSessionArn(name: string, request: Json | null, response: Json | null): string | null {
  const assumed = isObject(response?.['assumedRoleUser']) ? textField(response['assumedRoleUser'], 'arn') : null;
  const federated = isObject(response?.['federatedUser']) ? textField(response['federatedUser'], 'arn') : null;
  if (assumed ?? federated) return assumed ?? federated;
  if (!name.startsWith('AssumeRole')) return null;
  return assumedRoleArn(textField(request, 'roleArn'), textField(request, 'roleSessionName'));
}

/** `arn:aws:iam::1:role/path/R` + `s` → `arn:aws:sts::1:assumed-role/R/s` (STS drops the role path). */
export function assumedRoleArn(roleArn: string | null, sessionName: string | null): string | null {
  const match = roleArn === null ? null : /^arn:([^:]+):iam::(\d*):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match || sessionName === null) return null;
  return `arn:${match[1]}:sts::${match[2]}:assumed-role/${match[3]}/${sessionName}`;
}

function idLink(kind: TraceLinkKind, value: string | null): TraceLink[] {
  return value === null ? [] : [{ kind, value }];
}

function lastSegment(arn: string | null): string | null {
  return arn === null ? null : (arn.split('/').pop() ?? null) || null;
}

function arrayOf(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}
