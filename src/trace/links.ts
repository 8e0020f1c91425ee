import type { TraceEvent, TraceIdentity, TraceLookup } from './lookup.js';
import type { ChainEnd, TraceHop } from './chain.js';

/** The calls that could have issued a session, one group per request (a request's copies together). */
export interface Creators {
  readonly groups: TraceEvent[][];
  /** How they were found when it is weaker than the access key: by session ARN, by sourceIdentity. */
  readonly via: string | null;
  /** Why several calls fit, when they do. */
  readonly why: string;
}

/**
 * The ways back from a session to its creator, strongest first: the issued key, the session ARN, the sourceIdentity.
 */
export function creatorsOf(lookup: TraceLookup, who: TraceIdentity, before: string | null): Creators {
  if (who.accessKeyId?.startsWith('ASIA')) {
    const byKey = lookup.eventsLinking('key', who.accessKeyId);
    if (byKey.length > 0)
      return { groups: byRequest(byKey), via: null, why: `each issued access key ${who.accessKeyId}` };
  }
  if (who.arn && /:(assumed-role|federated-user)\//.test(who.arn)) {
    const bySession = atCreation(notAfter(lookup.eventsLinking('session', who.arn), before), who.creationDate);
    if (bySession.length > 0) {
      return {
        groups: byRequest(bySession),
        via: 'linked by session ARN (role and session name), not by access key',
        why:
          'the same role and session name were used for each, ' +
          "and the session's creation time does not tell them apart",
      };
    }
  }
  if (who.sourceIdentity) {
    const bySource = notAfter(lookup.eventsLinking('source-identity', who.sourceIdentity), who.creationDate ?? before);
    if (bySource.length > 0) {
      return {
        groups: byRequest(bySource),
        via:
          `linked by sourceIdentity ${who.sourceIdentity}: the call that set it; ` +
          'sessions chained in between are not in the index',
        why: `each set sourceIdentity ${who.sourceIdentity}`,
      };
    }
  }
  return { groups: [], via: null, why: '' };
}

function notAfter(events: TraceEvent[], time: string | null): TraceEvent[] {
  return time === null ? events : events.filter((event) => event.eventTime === null || event.eventTime <= time);
}

/** STS stamps a session's creationDate with the second it issued it: a call at that second is the one. */
function atCreation(events: TraceEvent[], creationDate: string | null): TraceEvent[] {
  const created = creationDate === null ? Number.NaN : Date.parse(creationDate);
  if (Number.isNaN(created)) return events;
  const exact = events.filter(
    (event) => event.eventTime !== null && Math.abs(Date.parse(event.eventTime) - created) <= 1000,
  );
  return exact.length > 0 ? exact : events;
}

/**
 * Copies of one request (a cross-account call is logged in both accounts; overlapping trails log it
 * twice) are one link, not an ambiguity. The copy with the caller's full identity comes first.
 */
export function byRequest(events: readonly TraceEvent[]): TraceEvent[][] {
  const groups = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key =
      event.sharedEventId ?? (event.requestId ? `${event.requestId}|${event.eventName}` : `row ${event.rowId}`);
    const group = groups.get(key) ?? [];
    group.push(event);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => group.sort((a, b) => richness(b) - richness(a)));
}

function richness(event: TraceEvent): number {
  return (event.identity.accessKeyId ? 2 : 0) + (event.identity.arn ? 1 : 0);
}

/** What started a service-vended session: the task, instance or function its name is, or where the chain ends. */
export interface ServiceStart {
  readonly hop?: TraceHop;
  readonly end?: ChainEnd;
  /** Deployments that could have started an ECS service's task, when more than one could. */
  readonly candidates?: TraceHop[];
}

const SERVICES: Record<
  string,
  { readonly kind: 'task' | 'instance' | 'function'; readonly noun: string; readonly starters: string }
> = {
  'ecs-tasks.amazonaws.com': {
    kind: 'task',
    noun: 'Amazon ECS task',
    starters:
      "RunTask or StartTask naming it is in the index (an ECS service's tasks are started by its scheduler, " +
      'which logs no RunTask: look for the CreateService or UpdateService of a task definition with this task role)',
  },
  'ec2.amazonaws.com': {
    kind: 'instance',
    noun: 'EC2 instance',
    starters:
      'RunInstances naming it is in the index (the instance profile hands the role to whatever runs on the instance)',
  },
  'lambda.amazonaws.com': {
    kind: 'function',
    noun: 'Lambda function',
    starters: 'CreateFunction naming it is in the index',
  },
};

/**
 * A task role session is named after its task id, an instance profile's after the instance id, a Lambda role's after
 * the function.
 */
export function serviceStart(
  lookup: TraceLookup,
  invokedBy: string | null,
  sessionName: string | null,
  vend: TraceEvent | null,
): ServiceStart {
  const service = invokedBy ? SERVICES[invokedBy] : undefined;
  const role = vend ? String(vend.request?.['roleArn'] ?? '') : '';
  if (!service || sessionName === null) {
    return {
      end: {
        kind: 'origin',
        principal: invokedBy ?? 'an AWS service',
        accessKeyId: null,
        reason: `credentials vended by the AWS service ${invokedBy ?? '?'}${role ? ` for ${role}` : ''}`,
        fetch: null,
      },
    };
  }
  const groups = byRequest(lookup.eventsLinking(service.kind, sessionName));
  const started = `${service.noun} ${sessionName}${role ? ` (role ${role})` : ''}`;
  if (groups.length === 0) {
    const deployed = service.kind === 'task' && vend ? serviceDeployments(lookup, role, vend.eventTime) : [];
    if (deployed.length > 0) return inferredService(deployed, sessionName, role);
    return {
      end: {
        kind: 'origin',
        principal: `${service.noun} ${sessionName}`,
        accessKeyId: null,
        reason: `${started}; no ${service.starters}`,
        fetch: null,
      },
    };
  }
  if (groups.length > 1) {
    return {
      end: {
        kind: 'ambiguous',
        principal: `${service.noun} ${sessionName}`,
        accessKeyId: null,
        reason: `${groups.length} separate calls name ${service.noun} ${sessionName}`,
        fetch: null,
      },
    };
  }
  const [event, ...copies] = groups[0]!;
  return {
    hop: {
      link: service.kind,
      event: event!,
      issued: startedArn(event!, service.kind, sessionName),
      issuedKey: null,
      copies,
      note: null,
    },
  };
}

/**
 * The CreateService/UpdateService calls, before the task started, that deployed a task definition
 * registered with this task role: the scheduler's tasks have no RunTask, so this is inference.
 */
function serviceDeployments(lookup: TraceLookup, roleArn: string, before: string | null): TraceEvent[][] {
  const definitions = lookup.eventsLinking('task-role', roleArn).flatMap((event) => {
    const definition = event.response?.['taskDefinition'] as Record<string, unknown> | undefined;
    const arn = typeof definition?.['taskDefinitionArn'] === 'string' ? definition['taskDefinitionArn'] : null;
    return arn ? [arn, arn.split('/').pop()!] : [];
  });
  const deployments = [...new Set(definitions)].flatMap((definition) =>
    lookup.eventsLinking('service-task-definition', definition),
  );
  const unique = new Map(
    deployments
      .filter((event) => before === null || (event.eventTime !== null && event.eventTime <= before))
      .map((event) => [event.rowId, event]),
  );
  return byRequest([...unique.values()].sort((a, b) => (a.eventTime ?? '').localeCompare(b.eventTime ?? '')));
}

function inferredService(groups: TraceEvent[][], taskId: string, role: string): ServiceStart {
  const hops = groups.map(([event, ...copies]) => ({
    link: 'service',
    event: event!,
    issued: serviceArnOf(event!),
    issuedKey: null,
    copies,
    note:
      `inferred: no RunTask names task ${taskId}; ` +
      `this call deployed a task definition with task role ${role} before the task started`,
  }));
  if (hops.length === 1) return { hop: hops[0]! };
  return {
    candidates: hops,
    end: {
      kind: 'ambiguous',
      principal: `Amazon ECS task ${taskId}`,
      accessKeyId: null,
      reason:
        `no RunTask names task ${taskId}, and ${hops.length} service deployments ` +
        `of task definitions with task role ${role} could have started it`,
      fetch: null,
    },
  };
}

function serviceArnOf(event: TraceEvent): string | null {
  const service = event.response?.['service'] as Record<string, unknown> | undefined;
  return typeof service?.['serviceArn'] === 'string' ? service['serviceArn'] : null;
}

function startedArn(event: TraceEvent, kind: 'task' | 'instance' | 'function', name: string): string {
  if (kind === 'task') {
    const tasks = Array.isArray(event.response?.['tasks']) ? (event.response['tasks'] as { taskArn?: unknown }[]) : [];
    const arn = tasks
      .map((task) => task.taskArn)
      .find((value): value is string => typeof value === 'string' && value.endsWith(`/${name}`));
    return arn ?? `task ${name}`;
  }
  if (kind === 'function')
    return typeof event.response?.['functionArn'] === 'string' ? event.response['functionArn'] : `function ${name}`;
  return name;
}

/** The link is in logs not indexed: which account and day to download. */
export function describeGap(who: TraceIdentity): ChainEnd {
  const account = /^arn:[^:]+:sts::(\d+):/.exec(who.arn ?? '')?.[1] ?? who.accountId;
  const day = who.creationDate?.slice(0, 10) ?? null;
  const what = who.accessKeyId?.startsWith('ASIA') ? `access key ${who.accessKeyId}` : (who.arn ?? 'this session');
  const when = day ? `, created ${who.creationDate}` : '';
  const forDay = day ? ` for ${day}` : '';
  const dayFolder = day ? day.replace(/-/g, '/') : 'YYYY/MM/DD';
  return {
    kind: 'outside-index',
    principal: who.arn ?? who.accessKeyId ?? '?',
    accessKeyId: who.accessKeyId,
    reason: `no event in the index issued ${what}${when}`,
    fetch:
      `account ${account ?? '?'}'s CloudTrail logs${forDay} ` +
      `(AWSLogs/…/${account ?? '<account>'}/CloudTrail/us-east-1/${dayFolder}/ for the global STS endpoint, ` +
      "or the region of a regional one), and the caller's account if the role was assumed across accounts",
  };
}
