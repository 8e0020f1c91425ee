import type { Problem } from '../errors.js';
import { walkSources } from '../sources/walk.js';
import { checkDigestChains } from './digest-chain.js';
import type { DigestOutcome } from './digest-chain.js';
import { readDigestFile } from './digest-file.js';
import { digestRows } from './digest-verdicts.js';
import { checkLogFiles } from './log-files.js';
import type { LocalFile } from './log-files.js';
import { keyTail } from './s3-keys.js';
import { summarize } from './summary.js';
import type { VerifySummary } from './summary.js';
import type { KnownSignatures, PublicKeys } from './trust-inputs.js';
import { sortRows } from './verdicts.js';
import type { VerdictRow } from './verdicts.js';

export interface VerifyOptions {
  readonly publicKeys: PublicKeys;
  readonly signatures: KnownSignatures;
  readonly onProblem: (problem: Problem) => void;
  /** Absolute paths never to read, such as the index when it sits inside the archive. */
  readonly exclude?: ReadonlySet<string>;
}

/** What `verify` found: one row per verdict (problems first) and the summary of what was proven. */
export interface VerifyReport {
  readonly rows: readonly VerdictRow[];
  readonly outcomes: readonly DigestOutcome[];
  readonly summary: VerifySummary;
}

/** Files found under the paths, by role; everything else is counted and left alone. */
interface ArchiveFiles {
  readonly digests: LocalFile[];
  readonly logs: LocalFile[];
  readonly insights: LocalFile[];
  ignored: number;
}

/** Verifies an archive folder offline: digest signatures and chains, then every log file. */
export async function verifyArchive(paths: readonly string[], options: VerifyOptions): Promise<VerifyReport> {
  const files = await findArchiveFiles(paths, options);
  const outcomes: DigestOutcome[] = [];
  const unsorted: VerdictRow[] = [];
  // Each copy of a bucket is its own archive: two copies in one run must not vouch for each other.
  for (const root of new Set([...files.digests, ...files.logs, ...files.insights].map(rootOf))) {
    const inRoot = (file: LocalFile) => rootOf(file) === root;
    const digests = files.digests.filter(inRoot).map((file) => readDigestFile(file.path, file.tail));
    const rootOutcomes = checkDigestChains(digests, options.signatures, options.publicKeys);
    outcomes.push(...rootOutcomes);
    unsorted.push(
      ...digestRows(rootOutcomes),
      ...checkLogFiles(files.logs.filter(inRoot), files.insights.filter(inRoot), rootOutcomes),
    );
  }
  const rows = sortRows(unsorted);
  const judged = new Set(rows.map((row) => row.path));
  const filesIgnored = files.ignored + files.insights.filter((file) => !judged.has(file.path)).length;
  const summary = summarize(rows, outcomes, { filesIgnored, keysGiven: options.publicKeys.size > 0 });
  return { rows, outcomes, summary };
}

/** The folder holding the account folders: where a copy of the bucket's AWSLogs/ starts. */
function rootOf(file: LocalFile): string {
  return file.path.slice(0, file.path.length - file.tail.length);
}

async function findArchiveFiles(paths: readonly string[], options: VerifyOptions): Promise<ArchiveFiles> {
  const files: ArchiveFiles = { digests: [], logs: [], insights: [], ignored: 0 };
  const seen = new Set<string>();
  for await (const source of walkSources(paths, { onProblem: options.onProblem, exclude: options.exclude })) {
    // The same file reached through two of the given paths is one file.
    if (seen.has(source.path)) continue;
    seen.add(source.path);
    const tail = keyTail(source.path);
    const list =
      tail === null
        ? null
        : source.hint === 'digest'
          ? files.digests
          : source.hint === 'log'
            ? files.logs
            : source.hint === 'insight'
              ? files.insights
              : null;
    if (list && tail) list.push({ path: source.path, tail });
    else files.ignored++;
  }
  return files;
}
