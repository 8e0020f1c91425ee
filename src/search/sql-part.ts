/** The types every filter of the search language compiles to, apart so the filters need not import fields.ts. */

/** A piece of SQL over the `events` view (aliased `e`) and the values bound to its `?`s, in order. */
export interface SqlPart {
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface FieldContext {
  /** "Now" for relative times; fixed in tests. */
  readonly now: Date;
  /**
   * Whether exact column checks are preceded by a full-text lookup that finds candidates fast when
   * they are few. Without it the filter is cheap to test row by row, which is what a scan of the
   * newest events needs (engine.ts).
   */
  readonly narrow: boolean;
}
