import { ExitCode, UserError } from '../errors.js';
import { assumedRoleArn } from '../normalize/trace-links.js';
import type { TraceEvent, TraceIdentity, TraceLookup } from './lookup.js';
import { toTraceIdentity } from './lookup.js';
import { creatorsOf, describeGap, serviceStart } from './links.js';
import type { ServiceStart } from './links.js';
import type { ChainEnd, TraceHop } from './chain.js';

export type { ChainEnd, TraceHop } from './chain.js';

/** A backward trace: where the chain starts (or why it stops), then the hops, oldest first. */
export interface TraceChain {
  readonly target: string;
  readonly end: ChainEnd;
  readonly hops: readonly TraceHop[];
  /** When `end.kind` is `ambiguous`: every event that could be the next link back. */
  readonly candidates: readonly TraceHop[];
}

/** Hops beyond this are a loop in hostile data, not a chain. */
const MAX_HOPS = 32;

/** Walks from an event id, access key id or ARN back to the first principal the index knows. */
export function traceBack(lookup: TraceLookup, target: string): TraceChain {
  const start = resolveTarget(lookup, target);
  const hops: TraceHop[] = start.event
    ? [{ link: 'target', event: start.event, issued: null, issuedKey: null, copies: [], note: null }]
    : [];
  let who = start.identity;
  let before = start.event?.eventTime ?? null;
  const seen = new Set<number>();
  for (let i = 0; i < MAX_HOPS; i++) {
    const step = stepBack(lookup, who, before);
    const fresh = step.hops.filter((hop) => !seen.has(hop.event.rowId));
    for (const hop of fresh) seen.add(hop.event.rowId);
    hops.push(...fresh);
    if (step.end || fresh.length < step.hops.length) {
      const end = step.end ?? {
        kind: 'loop',
        principal: labelOf(who),
        accessKeyId: who.accessKeyId,
        reason: 'the chain leads back to an event already on it',
        fetch: null,
      };
      return { target, end, hops: hops.reverse(), candidates: step.candidates ?? [] };
    }
    who = step.next!;
    before = step.hops[step.hops.length - 1]?.event.eventTime ?? before;
  }
  return {
    target,
    end: {
      kind: 'loop',
      principal: labelOf(who),
      accessKeyId: who.accessKeyId,
      reason: `more than ${MAX_HOPS} hops`,
      fetch: null,
    },
    hops: hops.reverse(),
    candidates: [],
  };
}

interface Step {
  readonly hops: TraceHop[];
  readonly next?: TraceIdentity;
  readonly end?: ChainEnd;
  readonly candidates?: TraceHop[];
}

function stepBack(lookup: TraceLookup, who: TraceIdentity, before: string | null): Step {
  const origin = originOf(who);
  if (origin) return { hops: [], end: origin };
  const found = creatorsOf(lookup, who, before);
  if (found.groups.length > 1) {
    const candidates = found.groups.map((group) => hopOf(group, found.via));
    const reason =
      `${found.groups.length} separate calls could have created ${labelOf(who)} (${found.why}); ` +
      'the chain is not followed past them: trace one of their event ids';
    return {
      hops: [],
      candidates,
      end: { kind: 'ambiguous', principal: labelOf(who), accessKeyId: who.accessKeyId, reason, fetch: null },
    };
  }
  const group = found.groups[0];
  if (!group) return serviceFallback(lookup, who);
  const hop = hopOf(group, found.via);
  return continueFrom(lookup, hop);
}

/** Identities that are where a chain starts: nothing issued them that CloudTrail logs. */
function originOf(who: TraceIdentity): ChainEnd | null {
  const at = { principal: labelOf(who), accessKeyId: who.accessKeyId, fetch: null };
  switch (who.type) {
    case 'Root':
      return { kind: 'origin', ...at, reason: `the root user of account ${who.accountId ?? '?'}` };
    case 'IAMUser':
      if (who.accessKeyId?.startsWith('ASIA')) return null;
      return {
        kind: 'origin',
        ...at,
        reason: who.accessKeyId
          ? `IAM user ${who.userName ?? ''} with long-term access key ${who.accessKeyId}`.replace('  ', ' ')
          : `IAM user ${who.userName ?? ''}`,
      };
    case 'AWSService':
      return { kind: 'origin', ...at, reason: `the AWS service ${who.invokedBy ?? '?'}` };
    case 'IdentityCenterUser':
      return { kind: 'origin', ...at, reason: `IAM Identity Center user ${who.userName ?? who.principalId ?? '?'}` };
    case 'SAMLUser':
    case 'WebIdentityUser': {
      const subjectKind = who.type === 'SAMLUser' ? 'SAML' : 'web identity';
      return {
        kind: 'origin',
        ...at,
        reason: `${subjectKind} subject ${who.userName ?? '?'} of identity provider ${who.identityProvider ?? '?'}`,
      };
    }
    case 'AWSAccount':
      return {
        kind: 'outside-index',
        ...at,
        reason:
          `called from account ${who.accountId ?? '?'} by principal ${who.principalId ?? '?'}: ` +
          "this is the copy logged in the resource's account, and the caller's own copy is not in the index",
        fetch: `the CloudTrail logs of account ${who.accountId ?? '?'} for the same day`,
      };
    default:
      if (!who.accessKeyId && !who.arn)
        return {
          kind: 'origin',
          ...at,
          reason: `an identity of type ${who.type ?? 'unknown'} with no key or ARN to follow`,
        };
      return null;
  }
}

const LINK_OF_ACTION: Record<string, string> = {
  AssumeRole: 'assume-role',
  AssumeRoleWithSAML: 'saml',
  AssumeRoleWithWebIdentity: 'web-identity',
  AssumeRoot: 'assume-root',
  GetSessionToken: 'session-token',
  GetFederationToken: 'federation-token',
};

function hopOf(group: readonly TraceEvent[], via: string | null): TraceHop {
  const [event, ...copies] = group;
  const credentials = event!.response?.['credentials'] as Record<string, unknown> | undefined;
  const key = typeof credentials?.['accessKeyId'] === 'string' ? credentials['accessKeyId'] : null;
  return {
    link: LINK_OF_ACTION[event!.eventName ?? ''] ?? 'issued',
    event: event!,
    issued: issuedSession(event!),
    issuedKey: key,
    copies,
    note: via,
  };
}

function issuedSession(event: TraceEvent): string | null {
  const response = event.response ?? {};
  for (const field of ['assumedRoleUser', 'federatedUser']) {
    const value = response[field] as Record<string, unknown> | undefined;
    if (typeof value?.['arn'] === 'string') return value['arn'];
  }
  const request = event.request ?? {};
  const derived = assumedRoleArn(stringOr(request['roleArn']), stringOr(request['roleSessionName']));
  return derived ?? (event.eventName === 'GetSessionToken' ? event.identity.arn : null);
}

/**
 * After the call that issued a session: its caller is the next identity, or a service or federation starts the chain.
 */
function continueFrom(lookup: TraceLookup, hop: TraceHop): Step {
  const caller = hop.event.identity;
  if (hop.link === 'saml' || hop.link === 'web-identity') return { hops: [hop], end: federationOrigin(hop) };
  if (caller.type !== 'AWSService') return { hops: [hop], next: caller };
  const sessionName = stringOr(hop.event.request?.['roleSessionName']);
  const started = serviceStart(lookup, caller.invokedBy, sessionName, hop.event);
  return fromServiceStart(hop, started);
}

function fromServiceStart(hop: TraceHop | null, started: ServiceStart): Step {
  const hops = hop ? [hop] : [];
  if (started.hop) hops.push(started.hop);
  if (started.end) return { hops, end: started.end, candidates: started.candidates ?? [] };
  return { hops, next: started.hop!.event.identity };
}

/** No event issued this session: a service-vended session can still be tied to what started it by its name. */
function serviceFallback(lookup: TraceLookup, who: TraceIdentity): Step {
  const parts = /:assumed-role\/([^/]+)\/(.+)$/.exec(who.arn ?? '');
  const role = parts?.[1] ?? null;
  const sessionName = parts?.[2] ?? null;
  if (role?.startsWith('AWSReservedSSO_') && sessionName) {
    const permissionSet = role.replace(/^AWSReservedSSO_/, '').replace(/_[0-9a-f]{16}$/, '');
    return {
      hops: [],
      end: {
        kind: 'origin',
        principal: labelOf(who),
        accessKeyId: who.accessKeyId,
        reason:
          `IAM Identity Center user ${sessionName} (the session name of an AWSReservedSSO_ role; ` +
          `permission set ${permissionSet}); the AssumeRoleWithSAML that issued it is not in the index`,
        fetch: describeGap(who).fetch,
      },
    };
  }
  if (who.type === 'IAMUser' || who.type === 'Root') {
    const user =
      who.type === 'Root'
        ? `the root user of account ${who.accountId ?? '?'}`
        : `IAM user ${who.userName ?? who.arn ?? '?'}`;
    const reason =
      `${user}, with temporary key ${who.accessKeyId ?? '?'} ` +
      'from a console sign-in or a GetSessionToken call that is not in the index';
    return {
      hops: [],
      end: { kind: 'origin', principal: labelOf(who), accessKeyId: who.accessKeyId, reason, fetch: null },
    };
  }
  const started = serviceStart(lookup, guessService(sessionName), sessionName, null);
  if (started.hop) {
    const gap = 'the AssumeRole that vended the session is not in the index, the session name names it';
    return fromServiceStart(null, {
      ...started,
      hop: { ...started.hop, note: `${started.hop.note ?? ''}; ${gap}`.replace(/^; /, '') },
    });
  }
  return { hops: [], end: describeGap(who) };
}

/** ECS names a task role's session after the task id, EC2 after the instance id. */
function guessService(sessionName: string | null): string | null {
  if (sessionName === null) return null;
  if (/^[0-9a-f]{32}$/.test(sessionName)) return 'ecs-tasks.amazonaws.com';
  if (/^i-[0-9a-f]{8,17}$/.test(sessionName)) return 'ec2.amazonaws.com';
  return null;
}

function federationOrigin(hop: TraceHop): ChainEnd {
  const response = hop.event.response ?? {};
  const request = hop.event.request ?? {};
  const subject =
    stringOr(response['subjectFromWebIdentityToken']) ??
    stringOr(response['subject']) ??
    hop.event.identity.userName ??
    '?';
  const provider =
    stringOr(response['issuer']) ??
    stringOr(response['provider']) ??
    hop.event.identity.identityProvider ??
    stringOr(request['principalArn']) ??
    '?';
  const attributes = ['subjectType', 'audience', 'nameQualifier'].flatMap((name) =>
    typeof response[name] === 'string' ? [`${name}=${String(response[name])}`] : [],
  );
  const tags = request['principalTags'];
  if (tags && typeof tags === 'object') attributes.push(`principalTags=${JSON.stringify(tags)}`);
  const sso = /AWSReservedSSO_/.test(stringOr(request['roleArn']) ?? '');
  const who = sso
    ? `IAM Identity Center user ${subject}`
    : `${hop.link === 'saml' ? 'SAML' : 'web identity'} subject ${subject}`;
  return {
    kind: 'origin',
    principal: subject,
    accessKeyId: null,
    reason: `${who} of identity provider ${provider}${attributes.length ? ` (${attributes.join(', ')})` : ''}`,
    fetch: null,
  };
}

function resolveTarget(lookup: TraceLookup, target: string): { event: TraceEvent | null; identity: TraceIdentity } {
  if (/^A[SK]IA[A-Z0-9]{12,}$/.test(target)) {
    const newest = lookup.newestEventOf({ key: target });
    const identity =
      newest?.identity ?? toTraceIdentity({ accessKeyId: target, type: target.startsWith('AKIA') ? 'IAMUser' : null });
    return { event: null, identity };
  }
  if (target.startsWith('arn:')) {
    const newest = lookup.newestEventOf({ arn: target });
    return { event: null, identity: { ...identityOfArn(target), creationDate: newest?.identity.creationDate ?? null } };
  }
  const event = lookup.eventById(target);
  if (!event) {
    throw new UserError({
      what: `cannot trace ${target}`,
      reason: 'no event with this id is in the index, and it is neither an access key id (AKIA…, ASIA…) nor an ARN',
      help: 'give an eventID, an access key id or an identity ARN; trailhound search finds them',
      exitCode: ExitCode.usage,
    });
  }
  return { event, identity: event.identity };
}

/** An ARN stands for every session it named: its key is left out, so all of them are candidates. */
function identityOfArn(arn: string): TraceIdentity {
  const kind = /^arn:[^:]+:(?:iam|sts)::(\d*):(root|user|assumed-role|federated-user)\b/.exec(arn);
  const type =
    { root: 'Root', user: 'IAMUser', 'assumed-role': 'AssumedRole', 'federated-user': 'FederatedUser' }[
      kind?.[2] ?? ''
    ] ?? null;
  return toTraceIdentity({
    type,
    arn,
    accountId: kind?.[1],
    userName: type === 'IAMUser' ? arn.split('/').pop() : undefined,
  });
}

export function labelOf(who: TraceIdentity): string {
  return who.arn ?? who.invokedBy ?? who.accessKeyId ?? `${who.type ?? 'unknown'} ${who.principalId ?? ''}`.trim();
}

function stringOr(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
