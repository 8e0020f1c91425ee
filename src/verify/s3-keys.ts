/** The S3 layout's type folders (CLOUDTRAIL.md §1); the segment before one of them is the account. */
const TYPE_FOLDERS = new Set(['CloudTrail', 'CloudTrail-Digest', 'CloudTrail-Insight']);

/**
 * The part of an S3 key or local path from the account folder on:
 * `<account>/CloudTrail…/<region>/YYYY/MM/DD/<name>`. Keys are matched on this tail, not on the full
 * key, because a local copy keeps whatever prefix the download chose (`aws s3 sync s3://b/AWSLogs/1/ .`
 * drops `AWSLogs/1/`), while account, region, date and name are what identify a delivery.
 */
export function keyTail(keyOrPath: string): string | null {
  const parts = keyOrPath.split(/[\\/]+/);
  for (let i = parts.length - 2; i >= 1; i--) {
    if (TYPE_FOLDERS.has(parts[i]!)) return parts.slice(i - 1).join('/');
  }
  return null;
}

/** `<account>/<region>` of a key tail: log files and digests of one trail meet there. */
export function accountRegionOf(tail: string): string {
  const [account, , region] = tail.split('/');
  return `${account}/${region}`;
}

/** The folder a local copy of the bucket starts at, so a listed key can be shown where it should be. */
export function expectedPathOf(localPath: string, localTail: string, wantedTail: string): string {
  const normalized = localPath.split(/[\\/]+/).join('/');
  return normalized.endsWith(localTail)
    ? normalized.slice(0, normalized.length - localTail.length) + wantedTail
    : wantedTail;
}

/** What a digest's file name says; its content may be forged, its name is how S3 sorts it. */
export interface DigestName {
  readonly account: string;
  readonly region: string;
  readonly trail: string;
  readonly homeRegion: string;
  readonly stampMs: number;
  readonly backfill: boolean;
}

/** Trail names may hold `_`; regions never do, so the trail is what lies between them. */
const DIGEST_NAME =
  /^(\d+)_CloudTrail-Digest_([a-z0-9-]+)_(.+)_([a-z0-9-]+)_(\d{8}T\d{6}Z)(_backfill)?\.json(?:\.gz)?$/;
const LOG_NAME = /^\d+_CloudTrail(?:-Insight)?_[a-z0-9-]+_(\d{8}T\d{4}Z)_[^_]+\.json(?:\.gz)?$/;

export function parseDigestName(fileName: string): DigestName | null {
  const match = DIGEST_NAME.exec(fileName);
  if (!match) return null;
  const stampMs = parseCompactTime(match[5]!);
  if (stampMs === null) return null;
  return {
    account: match[1]!,
    region: match[2]!,
    trail: match[3]!,
    homeRegion: match[4]!,
    stampMs,
    backfill: match[6] !== undefined,
  };
}

/** Delivery time from a log file's name (`…_20260304T2338Z_…`), to place it against the digests. */
export function parseLogStampMs(fileName: string): number | null {
  const match = LOG_NAME.exec(fileName);
  return match ? parseCompactTime(match[1]!) : null;
}

/** `YYYYMMDDTHHMM[SS]Z` → epoch ms. */
function parseCompactTime(stamp: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/.exec(stamp);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** The chain a digest belongs to, from its name: backfill digests chain separately (CLOUDTRAIL.md §4). */
export function chainIdOf(tail: string, name: DigestName | null): string {
  if (!name) return `unnamed:${tail.split('/').slice(0, 3).join('/')}`;
  return `${name.account}/${name.region}/${name.trail}/${name.homeRegion}${name.backfill ? '/backfill' : ''}`;
}
