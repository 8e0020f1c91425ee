import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { messageOf } from '../errors.js';
import type { DigestOutcome } from './digest-chain.js';
import type { LogListing } from './digest-file.js';
import { isUnsignedNewest } from './digest-verdicts.js';
import { ContentError, readContent } from './gzip-member.js';
import { isoSecondsOf } from '../normalize/time.js';
import { accountRegionOf, expectedPathOf, parseLogStampMs } from './s3-keys.js';
import { verdictRow } from './verdicts.js';
import type { VerdictRow } from './verdicts.js';

/** A log file found on disk, by its key tail. */
export interface LocalFile {
  readonly path: string;
  readonly tail: string;
}

interface Listed {
  readonly outcome: DigestOutcome;
  readonly listing: LogListing;
}

/**
 * Judges every log file a digest lists and every CloudTrail log file on disk. `others` (Insights
 * files) are checked when a digest lists them, and otherwise left alone: no digest has to.
 */
export function checkLogFiles(
  logs: readonly LocalFile[],
  others: readonly LocalFile[],
  outcomes: readonly DigestOutcome[],
): VerdictRow[] {
  const onDisk = new Map([...others, ...logs].map((file) => [file.tail, file.path]));
  const listed = listingsByTail(outcomes);
  const rows: VerdictRow[] = [];
  for (const [tail, listings] of listed) {
    const path = onDisk.get(tail);
    rows.push(path === undefined ? missingRow(tail, listings) : judgeLog(path, listings));
  }
  const spans = digestSpans(outcomes);
  for (const log of logs)
    if (!listed.has(log.tail)) rows.push(notCoveredRow(log, spans.get(accountRegionOf(log.tail))));
  return rows;
}

function listingsByTail(outcomes: readonly DigestOutcome[]): Map<string, Listed[]> {
  const listed = new Map<string, Listed[]>();
  for (const outcome of outcomes) {
    for (const listing of outcome.digest.fields?.logFiles ?? []) {
      const tail = listing.tail ?? listing.s3Object;
      const list = listed.get(tail);
      if (list) list.push({ outcome, listing });
      else listed.set(tail, [{ outcome, listing }]);
    }
  }
  return listed;
}

function missingRow(tail: string, listings: readonly Listed[]): VerdictRow {
  const { outcome } = listings[0]!;
  const path = expectedPathOf(outcome.digest.path, outcome.digest.tail, tail);
  return verdictRow(path, 'log', 'missing', `not found; listed in ${namesOf(listings)}`);
}

/** Modified beats everything: a genuine delivery never disagrees with any digest listing it. */
function judgeLog(path: string, listings: readonly Listed[]): VerdictRow {
  const hashed = hashContent(path);
  if ('problem' in hashed)
    return verdictRow(path, 'log', 'modified', `${hashed.problem}; listed in ${namesOf(listings)}`);
  const differing = listings.filter(
    ({ listing }) =>
      listing.hashAlgorithm !== 'SHA-256' || listing.hashValue.toLowerCase().padStart(64, '0') !== hashed.sha256,
  );
  if (differing.length > 0) {
    const { listing } = differing[0]!;
    const algorithm = listing.hashAlgorithm ?? 'no algorithm';
    return verdictRow(
      path,
      'log',
      'modified',
      `content hashes to ${hashed.sha256}; ${namesOf(differing)} lists ${algorithm} ${listing.hashValue}`,
    );
  }
  if (hashed.trailingBytes > 0) {
    return verdictRow(
      path,
      'log',
      'modified',
      `${hashed.trailingBytes} bytes follow the gzip member CloudTrail delivered; the index reads them as events`,
    );
  }
  const proven = listings.find(({ outcome }) => outcome.provenBy !== null);
  if (proven) return verdictRow(path, 'log', 'valid', `SHA-256 matches ${basename(proven.outcome.digest.path)}`);
  const underHead = listings.every(({ outcome }) => isUnsignedNewest(outcome));
  return verdictRow(
    path,
    'log',
    'unverifiable',
    `SHA-256 matches ${namesOf(listings)}, but that digest is not proven`,
    underHead ? 'listed-by-unsigned-newest' : null,
  );
}

function hashContent(path: string): { sha256: string; trailingBytes: number } | { problem: string } {
  try {
    const { content, trailingBytes } = readContent(readFileSync(path));
    return { sha256: createHash('sha256').update(content).digest('hex'), trailingBytes };
  } catch (error) {
    return { problem: error instanceof ContentError ? error.message : `cannot read: ${messageOf(error)}` };
  }
}

function namesOf(listings: readonly Listed[]): string {
  return [...new Set(listings.map(({ outcome }) => basename(outcome.digest.path)))].join(', ');
}

/** Delivery times the digests of one account and region cover, from their content. */
interface Span {
  readonly oldestStartMs: number;
  readonly newestEndMs: number;
}

function digestSpans(outcomes: readonly DigestOutcome[]): Map<string, Span> {
  const spans = new Map<string, Span>();
  for (const { digest } of outcomes) {
    const startMs = Date.parse(digest.fields?.digestStartTime ?? '');
    const endMs = Date.parse(digest.fields?.digestEndTime ?? '');
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) continue;
    const key = accountRegionOf(digest.tail);
    const span = spans.get(key);
    spans.set(key, {
      oldestStartMs: Math.min(span?.oldestStartMs ?? startMs, startMs),
      newestEndMs: Math.max(span?.newestEndMs ?? endMs, endMs),
    });
  }
  return spans;
}

/**
 * A digest covers one hour of deliveries and is written at its end (CLOUDTRAIL.md §4), so a log
 * delivered in the hour after the newest digest has no digest yet; 15 minutes more for latency.
 */
const AWAITING_DIGEST_MS = 75 * 60_000;
/** Names carry the delivery minute, cut down: a file named HH:MM may have arrived up to 59 s later. */
const NAME_PRECISION_MS = 60_000;

function notCoveredRow(log: LocalFile, span: Span | undefined): VerdictRow {
  const [account, , region] = log.tail.split('/');
  const where = `account ${account}, region ${region}`;
  const stampMs = parseLogStampMs(basename(log.path));
  if (!span)
    return verdictRow(
      log.path,
      'log',
      'not-covered',
      `no digest of ${where} in the archive (log file validation off, or digests not downloaded)`,
    );
  if (stampMs === null)
    return verdictRow(log.path, 'log', 'not-covered', `no digest lists it, and its name holds no delivery time`);
  const delivered = isoSecondsOf(stampMs);
  const newest = isoSecondsOf(span.newestEndMs);
  if (stampMs + NAME_PRECISION_MS > span.newestEndMs && stampMs <= span.newestEndMs + AWAITING_DIGEST_MS) {
    return verdictRow(
      log.path,
      'log',
      'not-covered',
      `delivered ${delivered}, after the newest digest of ${where} (${newest}): ` +
        'the digest that lists it is not written or not downloaded yet',
      'after-newest-digest',
    );
  }
  if (stampMs > span.newestEndMs)
    return verdictRow(
      log.path,
      'log',
      'not-covered',
      `delivered ${delivered}, over an hour after the newest digest of ${where} (${newest}): ` +
        'the digests listing it are not in the archive',
    );
  if (stampMs + NAME_PRECISION_MS <= span.oldestStartMs)
    return verdictRow(
      log.path,
      'log',
      'not-covered',
      `delivered ${delivered}, before the oldest digest of ${where} (${isoSecondsOf(span.oldestStartMs)})`,
    );
  return verdictRow(
    log.path,
    'log',
    'not-covered',
    `delivered ${delivered}, inside the hours the digests of ${where} cover, yet none lists it: ` +
      'not delivered by a trail whose digests are here',
  );
}
