import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';

/**
 * Prettier's 120 columns are a goal it gives up on for long strings, template literals and comments;
 * this holds every line of our code to them (issue 17, item 7). `npm run format` does the rest.
 */
const MAX_COLUMNS = 120;
const root = resolve(new URL('..', import.meta.url).pathname);
const SKIPPED = new Set(['node_modules', 'dist', 'samples', '.git', 'test/fixtures', 'test/golden', 'test/legacy']);

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (SKIPPED.has(relative(root, path))) return [];
    if (entry.isDirectory()) return codeFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

function linesTooWide(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => {
      const columns = [...line].length;
      return columns > MAX_COLUMNS ? [`${relative(root, file)}:${index + 1} has ${columns} columns`] : [];
    });
}

test('every line of code fits in 120 columns', () => {
  const files = codeFiles(root);
  expect(files).toEqual(
    expect.arrayContaining(['src/cli.ts', 'test/line-width.test.ts', 'bench/bench.ts'].map((file) => join(root, file))),
  );
  expect(files.flatMap(linesTooWide)).toEqual([]);
});
