import type { DigestOutcome } from './digest-chain.js';
import { countVerdicts, exitCodeOf, VERDICTS } from './verdicts.js';
import type { Cause, VerdictCounts, VerdictKind, VerdictRow } from './verdicts.js';

/** Counts, and in words exactly what was proven and what was not, so an exit code 4 hides nothing. */
export interface VerifySummary {
  readonly result: 'verified' | 'tampered' | 'unverifiable';
  readonly exitCode: number;
  readonly chains: number;
  readonly digestFiles: number;
  readonly logFiles: number;
  readonly filesIgnored: number;
  readonly counts: VerdictCounts;
  readonly tampered: readonly string[];
  readonly proven: readonly string[];
  readonly notProven: readonly string[];
}

const LABELS: Record<VerdictKind, string> = {
  digest: 'digests',
  'chain-link': 'chain links',
  log: 'log files',
  gap: 'gaps',
};

export function summarize(
  rows: readonly VerdictRow[],
  outcomes: readonly DigestOutcome[],
  context: { filesIgnored: number; keysGiven: boolean },
): VerifySummary {
  const counts = countVerdicts(rows);
  const exitCode = exitCodeOf(rows);
  const logFiles = rows.filter((row) => row.kind === 'log' && row.verdict !== 'missing').length;
  return {
    result: exitCode === 3 ? 'tampered' : exitCode === 4 ? 'unverifiable' : 'verified',
    exitCode,
    chains: new Set(outcomes.map((outcome) => outcome.digest.chainId)).size,
    digestFiles: outcomes.length,
    logFiles,
    filesIgnored: context.filesIgnored,
    counts,
    tampered: tamperedCounts(rows),
    proven: provenStatements(rows, outcomes, logFiles),
    notProven: unprovenStatements(rows, outcomes, context.keysGiven),
  };
}

function tamperedCounts(rows: readonly VerdictRow[]): string[] {
  const counts = new Map<string, number>();
  for (const row of rows)
    if (row.effect === 'tampered')
      counts.set(`${LABELS[row.kind]} ${row.verdict}`, (counts.get(`${LABELS[row.kind]} ${row.verdict}`) ?? 0) + 1);
  return [...counts].map(([what, count]) => `${count} ${what}`);
}

function provenStatements(rows: readonly VerdictRow[], outcomes: readonly DigestOutcome[], logFiles: number): string[] {
  const validDigests = count(rows, (row) => row.kind === 'digest' && row.verdict === 'valid');
  const validLogs = count(rows, (row) => row.kind === 'log' && row.verdict === 'valid');
  const chains = new Set(outcomes.map((outcome) => outcome.digest.chainId));
  const brokenChains = new Set(
    outcomes
      .filter((outcome) => outcome.link.verdict === 'broken' || outcome.link.verdict === 'missing')
      .map((outcome) => outcome.digest.chainId),
  );
  return [
    `${validDigests} of ${outcomes.length} digest files are as CloudTrail wrote them ` +
      '(signature verified, or pinned by the hash in a proven successor)',
    `${validLogs} of ${logFiles} log files are as CloudTrail delivered them (SHA-256 matches a proven digest)`,
    `${chains.size - brokenChains.size} of ${chains.size} digest chains have no broken or missing link`,
  ];
}

function unprovenStatements(
  rows: readonly VerdictRow[],
  outcomes: readonly DigestOutcome[],
  keysGiven: boolean,
): string[] {
  const by = (kind: VerdictKind, verdict: string, cause: Cause | null) =>
    count(rows, (row) => row.kind === kind && row.verdict === verdict && row.cause === cause);
  const heads = by('digest', 'unverifiable', 'newest-digest-unsigned');
  const statements: string[] = [];
  const add = (n: number, text: string) => {
    if (n > 0) statements.push(`${n} ${text}`);
  };
  if (!keysGiven && outcomes.length > 0)
    statements.push('no signature was checked: no --public-keys given (save aws cloudtrail list-public-keys output)');
  const newestDigests = heads === 1 ? 'newest digest of a chain' : 'newest digests of their chains';
  const logsListed = by('log', 'unverifiable', 'listed-by-unsigned-newest');
  add(
    heads,
    `${newestDigests}, and the ${logsListed} log files listed there: the signature is only in S3 object metadata; ` +
      'pass it with --signature KEY=HEX or --signatures FILE',
  );
  add(by('digest', 'unverifiable', null), 'other digests could not be verified (see their rows)');
  add(by('log', 'unverifiable', null), 'other log files are listed only by digests that are not proven');
  add(
    by('log', 'not-covered', 'after-newest-digest'),
    'log files were delivered after the newest digest of their account and region: ' +
      'the digest listing them is not in the archive yet (not counted against the result)',
  );
  add(by('log', 'not-covered', null), 'log files are listed by no digest in the archive (see their rows)');
  add(
    by('chain-link', 'archive-start', null),
    'chains begin with a digest whose predecessor is not in the archive: earlier history was not checked',
  );
  add(by('chain-link', 'unverifiable', null), 'digests could not be read, so their links were not checked');
  const newest = newestEnd(outcomes);
  if (newest)
    statements.push(
      `that nothing was delivered after the newest digest of each chain (the latest ends ${newest}): ` +
        'a cut tail leaves no trace offline',
    );
  if (keysGiven)
    statements.push(
      'that the --public-keys file holds the keys AWS publishes (compare with aws cloudtrail list-public-keys)',
    );
  return statements;
}

function newestEnd(outcomes: readonly DigestOutcome[]): string | null {
  let newest: string | null = null;
  for (const { digest } of outcomes) {
    const end = digest.fields?.digestEndTime;
    if (end && !Number.isNaN(Date.parse(end)) && (newest === null || Date.parse(end) > Date.parse(newest)))
      newest = end;
  }
  return newest;
}

function count(rows: readonly VerdictRow[], predicate: (row: VerdictRow) => boolean): number {
  let n = 0;
  for (const row of rows) if (predicate(row)) n++;
  return n;
}

/** The summary as text for stderr; the caller escapes it, since details quote file content. */
export function formatVerifySummary(summary: VerifySummary): string[] {
  const lines = [
    `checked ${summary.chains} digest chains: ${summary.digestFiles} digest files, ${summary.logFiles} log files ` +
      `(${summary.filesIgnored} other files ignored)`,
  ];
  for (const kind of Object.keys(VERDICTS) as VerdictKind[]) {
    const parts = VERDICTS[kind].map((verdict) =>
      kind === 'gap' ? `${summary.counts.gap[verdict]}` : `${summary.counts[kind][verdict]} ${verdict}`,
    );
    lines.push(`  ${LABELS[kind].padEnd(12)} ${parts.join(', ')}`);
  }
  lines.push('proven:', ...summary.proven.map((text) => `  - ${text}`));
  lines.push('not proven:', ...summary.notProven.map((text) => `  - ${text}`));
  lines.push(`result: ${resultText(summary)}`);
  return lines;
}

function resultText(summary: VerifySummary): string {
  if (summary.result === 'tampered') return `TAMPERED: ${summary.tampered.join(', ')} (exit ${summary.exitCode})`;
  if (summary.result === 'unverifiable')
    return `no tampering found, but not everything could be proven; see "not proven" (exit ${summary.exitCode})`;
  return `no tampering found; every digest, chain link and listed log file was proven (exit ${summary.exitCode})`;
}
