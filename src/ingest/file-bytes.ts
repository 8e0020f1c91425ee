import type { Hash } from 'node:crypto';

const SLICE_BYTES = 1024 * 1024;

/** A file's bytes, from memory when it was read whole, hashed as they are read. */
export type ChunksOf = (hash: Hash) => AsyncIterable<Buffer>;

/** A file's bytes as index-file.ts found them: its first bytes, the whole of it when small, and a way to stream it. */
export interface FileBytes {
  readonly head: Buffer | null;
  readonly whole: Buffer | null;
  readonly chunksOf: ChunksOf;
}

/** Slices, so that a decoder can pause between them when the writer is behind. */
export async function* inSlices(bytes: Buffer, hash: Hash | null): AsyncGenerator<Buffer> {
  hash?.update(bytes);
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) yield bytes.subarray(start, start + SLICE_BYTES);
}
