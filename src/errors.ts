/** Exit codes, in one table (STYLE.md): the CLI's single error handler maps failures to these. */
export const ExitCode = {
  done: 0,
  failed: 1,
  usage: 2,
  tampered: 3,
  unverifiable: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in the pipeline a problem was found. */
export type ProblemStage = 'read' | 'decompress' | 'decode' | 'normalize' | 'store';

/** A recorded, non-fatal problem with one input: the run goes on, the problem is stored and counted. */
export interface Problem {
  readonly path: string;
  readonly position: string | null;
  readonly stage: ProblemStage;
  readonly reason: string;
  /**
   * What the user can do about it, when there is advice beyond the reason. Printed on stderr as the
   * problem is found, and not stored: the problems table keeps the facts of the input (its schema
   * stays as it is), while advice is wording of this trailhound, which a later version may improve.
   * Problems read back from the database (watch reports them after their commit) have none.
   */
  readonly help?: string | undefined;
}

/** The parts of a failure the user must act on, in lnav's shape (STYLE.md). */
export interface UserErrorFields {
  /** What failed, from the caller's point of view: "cannot open database x.db". */
  readonly what: string;
  /** Why, from the layer that failed. */
  readonly reason: string;
  /** Where the problem is, when it is in the user's own input (a query, with a caret under it). */
  readonly where?: string | undefined;
  /** What to do next: the flag, command or fix for this case. Required, so no failure leaves the user stuck. */
  readonly help: string;
  readonly exitCode?: ExitCode;
}

/** A failure the user must act on: what failed, the reason from the layer that failed, where, and help. */
export class UserError extends Error {
  readonly what: string;
  readonly reason: string;
  readonly where: string | undefined;
  readonly help: string;
  readonly exitCode: ExitCode;

  constructor(fields: UserErrorFields) {
    super(`${fields.what}: ${fields.reason}`);
    this.name = 'UserError';
    this.what = fields.what;
    this.reason = fields.reason;
    this.where = fields.where;
    this.help = fields.help;
    this.exitCode = fields.exitCode ?? ExitCode.failed;
  }
}

/** Problem help shared by the readers of compressed input (gzip files, zip archives and their entries). */
export const INPUT_HELP = {
  // A log damaged or cut short on its way to disk: the copy in the trail's bucket is whole.
  downloadAgain: 'download the file again (aws s3 cp); this copy is damaged or cut short',
  downloadArchiveAgain: 'download or export the archive again; this copy is damaged or cut short',
  // A genuine export can be that large; so can a hostile file, which is why the cap exists.
  raiseCap: 'if it is a genuine large log, index it with a higher cap: trailhound index --max-decompressed-mb N',
} as const;

/** Thrown by a decoder when the input cannot be read further; the indexer turns it into a Problem. */
export class InputError extends Error {
  constructor(
    readonly stage: ProblemStage,
    readonly reason: string,
    readonly position: string | null = null,
    /** The Problem's help: the layer that finds the fault knows the fix (download again, raise a cap). */
    readonly help?: string,
  ) {
    super(reason);
    this.name = 'InputError';
  }
}

/** The message of any thrown value, for problem records. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
