import { basename } from 'node:path';
import type { DigestOutcome } from './digest-chain.js';
import { expectedPathOf, keyTail } from './s3-keys.js';
import { verdictRow } from './verdicts.js';
import type { VerdictRow } from './verdicts.js';

/** The rows for the digests: one per file, one per link, one per missing predecessor, one per gap. */
export function digestRows(outcomes: readonly DigestOutcome[]): VerdictRow[] {
  const rows: VerdictRow[] = [];
  const missing = new Set<string>();
  for (const outcome of outcomes) {
    rows.push(
      digestVerdict(outcome),
      verdictRow(outcome.digest.path, 'chain-link', outcome.link.verdict, outcome.link.detail),
    );
    const row = missingPredecessor(outcome);
    if (row && !missing.has(row.path)) {
      missing.add(row.path);
      rows.push(row);
    }
  }
  return rows.concat(gapRows(outcomes));
}

/**
 * The newest digest of a chain with no signature known: the expected case after `aws s3 sync`,
 * which drops the S3 metadata that holds it. Named apart so it does not hide what was proven.
 */
export function isUnsignedNewest(outcome: DigestOutcome): boolean {
  return (
    outcome.newestOfChain &&
    outcome.provenBy === null &&
    outcome.signature?.status === 'unverifiable' &&
    outcome.signature.reason === 'no-signature'
  );
}

function digestVerdict(outcome: DigestOutcome): VerdictRow {
  const { digest, signature, provenBy } = outcome;
  const path = digest.path;
  if (!digest.fields) return verdictRow(path, 'digest', 'invalid', digest.problem ?? 'invalid format');
  const authentic = provenBy ? ` (its content is authentic: ${provenBy})` : '';
  if (digest.problem) return verdictRow(path, 'digest', 'invalid', digest.problem + authentic);
  if (keyTail(digest.fields.digestS3Object) !== digest.tail) {
    return verdictRow(
      path,
      'digest',
      'invalid',
      `has been moved: it holds the digest of ${digest.fields.digestS3Object}${authentic}`,
    );
  }
  if (signature?.status === 'invalid') return verdictRow(path, 'digest', 'invalid', signature.detail);
  if (provenBy) {
    const unchecked =
      signature?.status === 'unverifiable' && signature.reason === 'no-key'
        ? `; its own signature was not checked: ${signature.detail}`
        : '';
    return verdictRow(path, 'digest', 'valid', provenBy + unchecked);
  }
  if (isUnsignedNewest(outcome)) {
    const key = digest.fields.digestS3Object;
    const headObject = `aws s3api head-object --bucket ${digest.fields.digestS3Bucket} --key ${key}`;
    const help = `its signature is only in S3 object metadata: ${headObject}, then --signature ${key}=HEX`;
    return verdictRow(path, 'digest', 'unverifiable', `newest digest of its chain; ${help}`, 'newest-digest-unsigned');
  }
  const reason =
    signature?.status === 'unverifiable' && signature.reason === 'no-signature'
      ? 'no signature known: no digest in the archive names it as previous, ' +
        'and none was given with --signature or --signatures'
      : signature?.status === 'unverifiable'
        ? signature.detail
        : 'not proven';
  return verdictRow(path, 'digest', 'unverifiable', reason);
}

function missingPredecessor(outcome: DigestOutcome): VerdictRow | null {
  const previous = outcome.digest.fields?.previousDigestS3Object;
  const tail = previous ? keyTail(previous) : null;
  if (outcome.link.verdict !== 'missing' || !previous) return null;
  const path = tail ? expectedPathOf(outcome.digest.path, outcome.digest.tail, tail) : previous;
  return verdictRow(
    path,
    'digest',
    'missing',
    `not found; ${basename(outcome.digest.path)} names it as its previous digest`,
  );
}

/**
 * Hours no digest of a chain covers. Ordered by the times in the contents, not by file name: a
 * swap is reported by the links, and must not also invent gaps. A hole is reported, not judged.
 */
function gapRows(outcomes: readonly DigestOutcome[]): VerdictRow[] {
  const chains = new Map<string, { outcome: DigestOutcome; startMs: number; endMs: number }[]>();
  for (const outcome of outcomes) {
    const startMs = Date.parse(outcome.digest.fields?.digestStartTime ?? '');
    const endMs = Date.parse(outcome.digest.fields?.digestEndTime ?? '');
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) continue;
    const spans = chains.get(outcome.digest.chainId);
    if (spans) spans.push({ outcome, startMs, endMs });
    else chains.set(outcome.digest.chainId, [{ outcome, startMs, endMs }]);
  }
  const rows: VerdictRow[] = [];
  for (const spans of chains.values()) {
    spans.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
    let covered = spans[0]!;
    for (const span of spans.slice(1)) {
      if (span.startMs > covered.endMs) {
        const gapStart = covered.outcome.digest.fields!.digestEndTime;
        const gapEnd = span.outcome.digest.fields!.digestStartTime;
        const detail = `no digest covers ${gapStart} to ${gapEnd}: ${gapReason(span.outcome)}`;
        rows.push(verdictRow(span.outcome.digest.path, 'gap', 'gap', detail));
      }
      if (span.endMs > covered.endMs) covered = span;
    }
  }
  return rows;
}

function gapReason(after: DigestOutcome): string {
  if (after.link.verdict === 'start') return 'the chain restarts here; logging or log file validation was off';
  if (after.link.verdict === 'missing') return 'the digest before this one is missing';
  return 'CloudTrail delivered no digest for this time';
}
