import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Random } from './random.js';
import { actorArn, buildAccount } from './identities.js';
import type { Account, Actor, Json } from './identities.js';
import { backgroundCall, buildRecord, ecsCall, ecsServiceCall } from './events.js';
import { storyRecords } from './story.js';
import { traceStoryRecords } from './trace-story.js';
import { DigestChain, loadSigningKey } from './digests.js';
import type { DeliveredLog, SigningKey } from './digests.js';

export interface GenerateOptions {
  readonly outDir: string;
  readonly seed: number;
  /** About how many events to write; the small committed set is the default. */
  readonly events: number;
  readonly days: number;
  readonly startDate: string;
  /** Signed digest chains (one per account and region, hourly). */
  readonly digests: boolean;
}

export interface GenerateSummary {
  logFiles: number;
  digestFiles: number;
  events: number;
  rawJsonBytes: number;
  readonly distinctEventIds: Set<string> | null;
}

/**
 * Bumped when the same options write different events, so cached benchmark corpora are made again. 2: the trace chain
 * (issue 20).
 */
export const GENERATOR_REVISION = 2;

export const SMALL_SET: Omit<GenerateOptions, 'outDir'> = {
  seed: 20260302,
  events: 9000,
  days: 3,
  startDate: '2026-03-02',
  digests: true,
};

const REGIONS = [
  ['us-east-1', 1],
  ['eu-west-1', 0.4],
  ['ap-southeast-2', 0.15],
] as const;
const BUCKET = 'acme-cloudtrail-logs';
const WINDOW_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;
/** Share of working-hours traffic that also happens at night (services, cron jobs). */
const NIGHT_FACTOR = 0.08;
const CLUSTERS = [
  ['prod-web', ['api', 'frontend', 'worker']],
  ['batch', ['etl', 'reports']],
] as const;

function accounts(random: Random): { account: Account; weight: number; trail: string }[] {
  return [
    {
      account: buildAccount(random, '111122223333', 'acme-prod', 'o-a1b2c3d4e5', '192.0.2.10'),
      weight: 1,
      trail: 'acme-org-trail',
    },
    { account: buildAccount(random, '444455556666', 'acme-dev', null, '192.0.2.10'), weight: 0.35, trail: 'dev-trail' },
  ];
}

/** Writes an archive in the S3 layout CloudTrail delivers to; the same options give the same bytes. */
export function generateArchive(options: GenerateOptions): GenerateSummary {
  const random = new Random(options.seed);
  const key = options.digests ? loadSigningKey(readFileSync(signingKeyPath(), 'utf8')) : null;
  const summary: GenerateSummary = {
    logFiles: 0,
    digestFiles: 0,
    events: 0,
    rawJsonBytes: 0,
    distinctEventIds: options.events <= 100_000 ? new Set() : null,
  };
  const signatures: Record<string, string> = {};
  const all = accounts(random);
  const totalWeight = all.reduce((sum, a) => sum + a.weight, 0) * REGIONS.reduce((sum, [, w]) => sum + w, 0);
  const workingWindows = options.days * 11 * 12 + options.days * 13 * 12 * NIGHT_FACTOR;
  const perWindow = options.events / (totalWeight * workingWindows);
  const traceStory = traceStoryRecords(options.seed, all[0]!.account, all[1]!.account);
  for (const { account, weight, trail } of all) {
    for (const [region, regionWeight] of REGIONS) {
      const extra = traceStory.filter(
        (record) => record['recipientAccountId'] === account.id && record['awsRegion'] === region,
      );
      const stream = new RegionStream(
        random,
        options,
        account,
        region,
        perWindow * weight * regionWeight,
        summary,
        extra,
      );
      const chain = key
        ? new DigestChain(
            {
              bucket: BUCKET,
              accountId: account.id,
              keyPrefix: keyPrefix(account),
              region,
              trail,
              homeRegion: 'us-east-1',
            },
            key,
          )
        : null;
      stream.run(chain, signatures);
    }
  }
  if (key) writeKeys(options.outDir, key, signatures);
  return summary;
}

/** The PEM sits beside the TypeScript source; the compiled script runs from dist/scripts/. */
function signingKeyPath(): string {
  return fileURLToPath(new URL('./test-signing-key.pem', import.meta.url)).replace(
    `${sep}dist${sep}scripts${sep}`,
    `${sep}scripts${sep}`,
  );
}

function keyPrefix(account: Account): string {
  return account.orgId ? `AWSLogs/${account.orgId}/${account.id}` : `AWSLogs/${account.id}`;
}

function writeKeys(outDir: string, key: SigningKey, signatures: Record<string, string>): void {
  writeFileSync(join(outDir, 'public-keys.json'), `${JSON.stringify(key.publicKeyList, null, 2)}\n`);
  writeFileSync(join(outDir, 'digest-signatures.json'), `${JSON.stringify(signatures, null, 2)}\n`);
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One account-region's deliveries, written file by file so memory stays bounded at any size. */
class RegionStream {
  private carried: Json[] = [];
  private readonly story: Json[];

  constructor(
    private readonly random: Random,
    private readonly options: GenerateOptions,
    private readonly account: Account,
    private readonly region: string,
    private readonly perWindow: number,
    private readonly summary: GenerateSummary,
    traceStory: readonly Json[],
  ) {
    const leaked = account.actors.find((actor) => actor.name === 'ci-deploy')!;
    this.story = storyRecords(random, account, leaked)
      .filter((record) => record['awsRegion'] === region)
      .concat(traceStory);
  }

  run(chain: DigestChain | null, signatures: Record<string, string>): void {
    const start = Date.parse(`${this.options.startDate}T00:00:00Z`);
    let hourLogs: DeliveredLog[] = [];
    for (let windowStart = start; windowStart < start + this.options.days * 24 * HOUR_MS; windowStart += WINDOW_MS) {
      const delivered = this.deliverWindow(windowStart);
      if (delivered) hourLogs.push(delivered);
      const windowEnd = windowStart + WINDOW_MS;
      if (chain && windowEnd % HOUR_MS === 5 * 60_000) {
        this.writeDigest(chain, windowEnd - HOUR_MS, windowEnd, hourLogs, signatures);
        hourLogs = [];
      }
    }
  }

  private deliverWindow(windowStart: number): DeliveredLog | null {
    const records = [...this.carried, ...this.windowRecords(windowStart)];
    this.carried = records.length > 0 && this.random.chance(0.02) ? [this.random.pick(records)] : [];
    if (records.length === 0) return null;
    return this.writeLog(windowStart + WINDOW_MS + this.random.between(0, 240) * 1000, this.random.shuffle(records));
  }

  private windowRecords(windowStart: number): Json[] {
    const hour = new Date(windowStart).getUTCHours();
    const busy = hour >= 8 && hour < 19 ? 1 : NIGHT_FACTOR;
    const count = poisson(this.random, this.perWindow * busy);
    const records = Array.from({ length: count }, () => this.randomRecord(windowStart));
    const story = this.story.filter((record) => within(String(record['eventTime']), windowStart));
    return records.concat(story);
  }

  private randomRecord(windowStart: number): Json {
    const late = this.random.chance(0.01) ? 2 * HOUR_MS : 0;
    const time = iso(windowStart - late + this.random.int(WINDOW_MS));
    const context = { account: this.account, region: this.region, time };
    const [cluster, services] = this.random.pick(CLUSTERS);
    const service = this.random.pick(services);
    const kind = this.random.weighted<'ecs' | 'service' | 'other'>([
      [5, 'ecs'],
      [2, 'service'],
      [5, 'other'],
    ]);
    if (kind === 'service')
      return buildRecord(this.random, context, this.account.ecsService, ecsServiceCall(this.random, context, cluster));
    const actor = this.pickActor();
    const spec =
      kind === 'ecs'
        ? ecsCall(this.random, context, cluster, service)
        : backgroundCall(this.random, context, actorArn(this.account, actor));
    return buildRecord(this.random, context, actor, spec);
  }

  private pickActor(): Actor {
    return this.random.weighted(this.account.actors.map((actor) => [actor.weight, actor] as const));
  }

  private writeLog(deliveredMs: number, records: Json[]): DeliveredLog {
    const stamp = iso(deliveredMs).slice(0, 16).replace(/[-:]/g, '');
    const fileName = `${this.account.id}_CloudTrail_${this.region}_${stamp}Z_${this.random.alnum(16)}.json.gz`;
    const s3Object = `${this.folder('CloudTrail', deliveredMs)}/${fileName}`;
    const text = JSON.stringify({ Records: records });
    writeGzip(join(this.options.outDir, s3Object), text);
    const times = records.map((record) => String(record['eventTime'])).sort();
    this.count(records, text);
    return {
      s3Object,
      hashValue: createHash('sha256').update(text).digest('hex'),
      newestEventTime: times[times.length - 1]!,
      oldestEventTime: times[0]!,
    };
  }

  private writeDigest(
    chain: DigestChain,
    startMs: number,
    endMs: number,
    logs: DeliveredLog[],
    signatures: Record<string, string>,
  ): void {
    const digest = chain.next(iso(startMs), iso(endMs), logs);
    writeGzip(join(this.options.outDir, digest.s3Object), digest.bytes);
    signatures[digest.s3Object] = digest.signature;
    this.summary.digestFiles++;
  }

  private folder(kind: string, ms: number): string {
    const date = iso(ms).slice(0, 10).replace(/-/g, '/');
    return `${keyPrefix(this.account)}/${kind}/${this.region}/${date}`;
  }

  private count(records: Json[], text: string): void {
    this.summary.logFiles++;
    this.summary.events += records.length;
    this.summary.rawJsonBytes += Buffer.byteLength(text);
    for (const record of records) this.summary.distinctEventIds?.add(String(record['eventID']));
  }
}

function within(time: string, windowStart: number): boolean {
  const ms = Date.parse(time);
  return ms >= windowStart && ms < windowStart + WINDOW_MS;
}

function poisson(random: Random, mean: number): number {
  if (mean > 30)
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * (random.next() + random.next() + random.next() - 1.5) * 2));
  let count = 0;
  for (let p = random.next(), limit = Math.exp(-mean); p > limit; p *= random.next()) count++;
  return count;
}

/** One gzip member, and the header byte for the OS set to 0 as in AWS's own files. */
function writeGzip(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const bytes = gzipSync(content, { level: 6 });
  bytes[9] = 0;
  writeFileSync(path, bytes);
}
