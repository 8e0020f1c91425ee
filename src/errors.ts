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
}

/** A failure the user must act on: a headline, the reason from the layer that failed, and help. */
export class UserError extends Error {
  constructor(
    readonly headline: string,
    readonly reason: string,
    readonly exitCode: ExitCode = ExitCode.failed,
    readonly help?: string,
    /** Where the problem is, when it is in the user's own input (a query, with a caret under it). */
    readonly where?: string,
  ) {
    super(`${headline}: ${reason}`);
    this.name = 'UserError';
  }
}

/** Thrown by a decoder when the input cannot be read further; the indexer turns it into a Problem. */
export class InputError extends Error {
  constructor(
    readonly stage: ProblemStage,
    readonly reason: string,
    readonly position: string | null = null,
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
