import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

/** Issue 16, item 5: the indexing pipeline lives in src/ingest/, and no module of src/ imports itself back. */
const src = new URL('../src', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative import and re-export, type-only ones included: a type cycle is still a tangle. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)].map((match) => {
    const target = resolve(dirname(file), match[1]!);
    return target.replace(/\.js$/, target.endsWith('.js') && sourceFiles(dirname(target)).includes(target.replace(/\.js$/, '.tsx')) ? '.tsx' : '.ts');
  });
}

function findCycles(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)).concat(next));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('architecture', () => {
  test('no import cycles anywhere in src/', () => {
    const graph = new Map(sourceFiles(src).map((file) => [file, importsOf(file)]));
    expect(graph.size).toBeGreaterThan(100);
    const cycles = findCycles(graph).map((cycle) => cycle.map((file) => relative(src, file)).join(' → '));
    expect(cycles).toEqual([]);
  });

  test('the indexing pipeline is one folder: nothing of it is left loose in src/', () => {
    const loose = readdirSync(src).filter((name) => /^(indexer|index-file|index-zip|file-decoder|decode-pool|decode-worker)\.ts$/.test(name));
    expect(loose).toEqual([]);
    expect(readdirSync(join(src, 'ingest')).sort()).toEqual([
      'decode-pool.ts', 'decode-worker.ts', 'file-bytes.ts', 'file-decoder.ts', 'gzip-input.ts', 'index-file.ts', 'index-log-file.ts',
      'index-zip.ts', 'indexer.ts', 'limits.ts',
    ]);
  });

  test('gzip is read in one place: within ingest/, only gzip-input.ts inflates', () => {
    const inflaters = sourceFiles(join(src, 'ingest'))
      .filter((file) => /from 'fflate'|from 'node:zlib'|\b(gunzipStream|gunzipTolerant)\b/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file));
    expect(inflaters).toEqual(['ingest/gzip-input.ts']);
  });
});
