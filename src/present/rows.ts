/** A result row as every output format takes it: column name → value. */
export type Row = Record<string, unknown>;
export type Rows = Iterable<Row> | AsyncIterable<Row>;

/** Writes that wait for 'drain' when the stream's buffer is full, so a slow pipe bounds memory. */
export type TextSink = (text: string) => Promise<void> | void;
