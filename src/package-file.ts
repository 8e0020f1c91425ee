import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A file or folder at the package root (package.json, rules/), which sits above src/ when run from
 * the source tree (vitest) and above dist/src/ when built: found by walking up from this module.
 */
export function findPackageFile(name: string): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The version in package.json, for `--version` and export manifests. yargs' own guess walks up from
 * its folder's name, and a clone in a folder named like `tmp.Ab12` (mktemp) read as a file with an
 * extension, so it looked one folder too high and printed "unknown".
 */
export function toolVersion(): string {
  const path = findPackageFile('package.json');
  if (path === null) return 'unknown';
  return String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? 'unknown');
}
