import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The yardsticks issue 17 measures the code's structure with, printed as Markdown: files and lines
 * per folder of src/, the longest functions, and the lines over the formatter's 120 columns. Import
 * cycles are not counted here: test/architecture.test.ts fails on any. Run from the project root:
 * `npm run yardsticks`.
 */

const ROOT = process.cwd();
const LONG_FUNCTION_LINES = 40;
const PRINT_WIDTH = 120;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' || entry.name === 'golden' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** `src/tui/hooks` for a file two folders deep in tui/, else the first folder under src/. */
function folderOf(file: string): string {
  const parts = relative(ROOT, file).split(sep);
  if (parts.length === 2) return 'src (root files)';
  return parts[1] === 'tui' && parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
}

interface FunctionLength {
  readonly name: string;
  readonly where: string;
  readonly lines: number;
}

function functionsOf(file: string): FunctionLength[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: FunctionLength[] = [];
  const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = lineOf(node.getStart(source));
      found.push({
        name: nameOf(node),
        where: `${relative(ROOT, file)}:${start}`,
        lines: lineOf(node.getEnd()) - start + 1,
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function nameOf(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

function printFolders(files: readonly string[]): void {
  const folders = new Map<string, { files: number; lines: number }>();
  for (const file of files) {
    const folder = folderOf(file);
    const entry = folders.get(folder) ?? { files: 0, lines: 0 };
    folders.set(folder, { files: entry.files + 1, lines: entry.lines + readFileSync(file, 'utf8').split('\n').length });
  }
  console.log('| folder | files | lines |\n|---|---|---|');
  for (const [folder, entry] of [...folders].sort(([a], [b]) => a.localeCompare(b)))
    console.log(`| ${folder} | ${entry.files} | ${entry.lines} |`);
  const total = [...folders.values()].reduce(
    (sum, entry) => ({ files: sum.files + entry.files, lines: sum.lines + entry.lines }),
    { files: 0, lines: 0 },
  );
  console.log(`| **src/** | **${total.files}** | **${total.lines}** |\n`);
}

function printFunctions(files: readonly string[]): void {
  const functions = files.flatMap(functionsOf).sort((a, b) => b.lines - a.lines);
  const long = functions.filter((fn) => fn.lines > LONG_FUNCTION_LINES);
  console.log(`Functions: ${functions.length}; over ${LONG_FUNCTION_LINES} lines: ${long.length}. The ten longest:\n`);
  console.log('| lines | function | where |\n|---|---|---|');
  for (const fn of functions.slice(0, 10)) console.log(`| ${fn.lines} | ${fn.name} | ${fn.where} |`);
  console.log('');
}

function printLongLines(): void {
  const files = ['src', 'bench', 'scripts', 'test'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
  const over = (dir: string) =>
    files
      .filter((file) => relative(ROOT, file).startsWith(dir + sep))
      .reduce(
        (sum, file) =>
          sum +
          readFileSync(file, 'utf8')
            .split('\n')
            .filter((line) => line.length > PRINT_WIDTH).length,
        0,
      );
  const counts = `src ${over('src')}, bench ${over('bench')}, scripts ${over('scripts')}, test ${over('test')}`;
  console.log(`Lines over ${PRINT_WIDTH} characters: ${counts}`);
}

const files = sourceFiles(join(ROOT, 'src'));
printFolders(files);
printFunctions(files);
printLongLines();
