import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Written beside its final name, then renamed into place, as aws s3 sync does. */
export function land(dir: string, name: string, records: Record<string, unknown>[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `.${name}.tmp`), gzipSync(JSON.stringify({ Records: records })));
  renameSync(join(dir, `.${name}.tmp`), join(dir, name));
}

/** Polls until `probe` holds, for what a running watcher writes; fails after a minute. */
export async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
