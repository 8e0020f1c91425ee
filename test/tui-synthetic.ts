import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A large trail written fast for the terminal UI's tests: `events` records over June 2024 to
 * January 2026 (several years, so dates need the year), shuffled as CloudTrail delivers them, with
 * every tenth event at the same second as another (the order among equal times is by row id).
 * The shares are chosen so that each kind of filter below matches more than half of the events.
 */
export function writeSyntheticTrail(dir: string, events: number): string[] {
  const random = lcg(15);
  const startMs = Date.parse('2024-06-01T00:00:00Z');
  const stepMs = Math.floor((Date.parse('2026-01-31T00:00:00Z') - startMs) / events / 1_000) * 1_000;
  const records = Array.from({ length: events }, (_, i) =>
    syntheticEvent(i, startMs + (i - (i % 10 === 9 ? 1 : 0)) * stepMs, random),
  );
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
  }
  const files: string[] = [];
  const perFile = 20_000;
  for (let start = 0; start < records.length; start += perFile) {
    const file = join(dir, `synthetic-${files.length}.json`);
    writeFileSync(file, JSON.stringify({ Records: records.slice(start, start + perFile) }));
    files.push(file);
  }
  return files;
}

const CALLS = [
  { share: 0.35, source: 'ecs.amazonaws.com', action: 'DescribeTasks', readOnly: true },
  { share: 0.25, source: 'ecs.amazonaws.com', action: 'RunTask', readOnly: false },
  { share: 0.25, source: 's3.amazonaws.com', action: 'GetObject', readOnly: true },
  { share: 0.15, source: 'iam.amazonaws.com', action: 'CreateUser', readOnly: false },
] as const;

function syntheticEvent(n: number, timeMs: number, random: () => number): Record<string, unknown> {
  const call = pick(CALLS, random());
  const region = pick(
    [
      { share: 0.6, name: 'us-east-1' },
      { share: 0.3, name: 'eu-west-1' },
      { share: 0.1, name: 'ap-southeast-2' },
    ],
    random(),
  ).name;
  const name = random() < 0.6 ? 'ci-deploy' : 'alice';
  const denied = random() < 0.1;
  return {
    eventID: `synthetic-${String(n).padStart(8, '0')}`,
    eventVersion: '1.08',
    eventTime: new Date(timeMs).toISOString().replace('.000Z', 'Z'),
    eventSource: call.source,
    eventName: call.action,
    awsRegion: region,
    sourceIPAddress: `203.0.113.${n % 250}`,
    userAgent: 'aws-cli/2.15.0',
    readOnly: call.readOnly,
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${name}`,
      arn: `arn:aws:iam::111122223333:user/${name}`,
      accountId: '111122223333',
      userName: name,
      accessKeyId: `AKIA${name.toUpperCase().replace('-', '')}000001`,
    },
    requestParameters: { cluster: 'prod' },
    responseElements: null,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...(denied ? { errorCode: 'AccessDenied', errorMessage: `User: ${name} is not authorized` } : {}),
  };
}

function pick<T extends { share: number }>(choices: readonly T[], draw: number): T {
  let left = draw;
  for (const choice of choices) {
    if (left < choice.share) return choice;
    left -= choice.share;
  }
  return choices.at(-1)!;
}

/** A small deterministic generator (the same trail every run). */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
