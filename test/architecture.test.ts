import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * The import rules of STYLE.md, adapted to the folders as they are (ARCHITECTURE.md, "Layers"):
 * no cycles, each layer imports only from layers upstream of it, and the screen never reaches the
 * database. Issue 16 (item 5) and issue 17 (item 3).
 */
const src = resolve(new URL('../src', import.meta.url).pathname);

/**
 * Upstream first. A module may import from its own layer's folder and from any layer with a lower
 * number; `errors.ts` and `package-file.ts` import nothing of ours, so anything may import them.
 */
const LAYERS: Readonly<Record<string, number>> = {
  errors: 0,
  'package-file': 0,
  sources: 1,
  decode: 1,
  normalize: 2,
  verify: 3,
  store: 4,
  ingest: 5,
  search: 5,
  hunt: 6,
  trace: 6,
  forensics: 6,
  dialects: 7,
  export: 7,
  present: 7,
  'search-service': 8,
  watch: 8,
  tui: 9,
  commands: 10,
  cli: 11,
};

interface Import {
  readonly target: string;
  /** `import type` and `export type` are erased at build time: they tie types, not running code. */
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every relative import, re-export and dynamic import, and the packages a file imports by name. */
function importsOf(file: string): { local: Import[]; packages: Import[] } {
  const text = readFileSync(file, 'utf8');
  const statements = [...text.matchAll(/^\s*(?:import|export)(\s+type)?\b[^;]*?\bfrom\s+'([^']+)'/gm)].map((match) => ({
    spec: match[2]!,
    typeOnly: match[1] !== undefined,
  }));
  const dynamic = [...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((match) => ({
    spec: match[1]!,
    typeOnly: false,
  }));
  const bare = [...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((match) => ({ spec: match[1]!, typeOnly: false }));
  const found = [...statements, ...dynamic, ...bare];
  const local = found
    .filter((entry) => entry.spec.startsWith('.'))
    .map((entry) => ({ target: sourceOf(file, entry.spec), typeOnly: entry.typeOnly }));
  const packages = found
    .filter((entry) => !entry.spec.startsWith('.'))
    .map((entry) => ({ target: entry.spec, typeOnly: entry.typeOnly }));
  return { local, packages };
}

function sourceOf(file: string, spec: string): string {
  const target = resolve(dirname(file), spec).replace(/\.js$/, '');
  return existsSync(`${target}.tsx`) ? `${target}.tsx` : `${target}.ts`;
}

/** `search`, `tui`, `errors`: the top folder (or root file) of a module under src/. */
function layerOf(file: string): string {
  const first = relative(src, file).split(sep)[0]!;
  return first.replace(/\.tsx?$/, '');
}

function findCycles(graph: Map<string, readonly string[]>): string[][] {
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

/** Everything a module runs when loaded: value imports, followed to the end. */
function reachedByValue(start: string, imports: Map<string, ReturnType<typeof importsOf>>): Set<string> {
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const found = imports.get(file);
    if (!found) continue;
    for (const entry of [...found.local, ...found.packages]) {
      if (entry.typeOnly || seen.has(entry.target)) continue;
      seen.add(entry.target);
      queue.push(entry.target);
    }
  }
  return seen;
}

const files = sourceFiles(src);
const imports = new Map(files.map((file) => [file, importsOf(file)]));
const name = (file: string) => relative(src, file);

describe('architecture', () => {
  test('every module sits in a known layer, and every layer holds modules', () => {
    expect([...new Set(files.map(layerOf))].sort()).toEqual(Object.keys(LAYERS).sort());
  });

  test('no import cycles anywhere in src/, type imports included: a type cycle is still a tangle', () => {
    const graph = new Map([...imports].map(([file, found]) => [file, found.local.map((entry) => entry.target)]));
    const cycles = findCycles(graph).map((cycle) => cycle.map(name).join(' → '));
    expect(cycles).toEqual([]);
  });

  test('a layer imports only from itself and from layers upstream of it', () => {
    const upward = [...imports].flatMap(([file, found]) =>
      found.local
        .filter(
          (entry) =>
            layerOf(entry.target) !== layerOf(file) && LAYERS[layerOf(entry.target)]! >= LAYERS[layerOf(file)]!,
        )
        .map((entry) => `${name(file)} → ${name(entry.target)}`),
    );
    expect(upward).toEqual([]);
  });

  test('errors.ts and package-file.ts import nothing of ours', () => {
    expect(imports.get(join(src, 'errors.ts'))!.local).toEqual([]);
    expect(imports.get(join(src, 'package-file.ts'))!.local).toEqual([]);
  });

  test('the screen never reaches the database: tui/ and present/ load no store/ module and no better-sqlite3', () => {
    const screens = files.filter((file) => ['tui', 'present'].includes(layerOf(file)));
    const reaching = screens.flatMap((file) =>
      [...reachedByValue(file, imports)]
        .filter((target) => target === 'better-sqlite3' || (target.startsWith(src) && layerOf(target) === 'store'))
        .map((target) => `${name(file)} → ${target.startsWith(src) ? name(target) : target}`),
    );
    expect(reaching).toEqual([]);
    const typeImportsOfStore = screens.flatMap((file) =>
      imports
        .get(file)!
        .local.filter((entry) => layerOf(entry.target) === 'store')
        .map(() => name(file)),
    );
    expect(typeImportsOfStore).toEqual([]);
  });

  test('the search language does no I/O: parsing and compiling load no file, database or thread module', () => {
    const language = ['search/parse.ts', 'search/compile.ts', 'search/fields.ts', 'search/values.ts'].map((file) =>
      join(src, file),
    );
    const io = language.flatMap((file) =>
      [...reachedByValue(file, imports)]
        .filter(
          (target) =>
            /^(node:(fs|child_process|worker_threads|net|http)|better-sqlite3|chokidar)/.test(target) ||
            (target.startsWith(src) && layerOf(target) === 'store'),
        )
        .map((target) => `${name(file)} → ${target.startsWith(src) ? name(target) : target}`),
    );
    expect(io).toEqual([]);
  });

  test('the indexing pipeline is one folder: nothing of it is left loose in src/', () => {
    const loose = readdirSync(src).filter((entry) =>
      /^(indexer|index-file|index-zip|file-decoder|decode-pool|decode-worker)\.ts$/.test(entry),
    );
    expect(loose).toEqual([]);
    expect(readdirSync(join(src, 'ingest')).sort()).toEqual([
      'decode-pool.ts',
      'decode-worker.ts',
      'file-bytes.ts',
      'file-decoder.ts',
      'gzip-input.ts',
      'index-file.ts',
      'index-log-file.ts',
      'index-zip.ts',
      'indexer.ts',
      'limits.ts',
    ]);
  });

  test('gzip is read in one place: within ingest/, only gzip-input.ts inflates', () => {
    const inflaters = sourceFiles(join(src, 'ingest'))
      .filter((file) =>
        /from 'fflate'|from 'node:zlib'|\b(gunzipStream|gunzipTolerant)\b/.test(readFileSync(file, 'utf8')),
      )
      .map(name);
    expect(inflaters).toEqual(['ingest/gzip-input.ts']);
  });

  test('tui/ holds components, hooks, state and text layout in their own folders, and its one entry', () => {
    const tui = join(src, 'tui');
    expect(readdirSync(tui).sort()).toEqual(['components', 'hooks', 'run-tui.tsx', 'state', 'text']);
    expect(readdirSync(join(tui, 'components')).filter((file) => !/^[A-Z][A-Za-z]+\.tsx$/.test(file))).toEqual([]);
    expect(readdirSync(join(tui, 'hooks')).filter((file) => !/^use-[a-z-]+\.ts$/.test(file))).toEqual([]);
  });
});
