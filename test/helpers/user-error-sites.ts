import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One place that builds a UserError (`new UserError(…)`, or a subclass's `super(…)`) and what its help can be. */
export interface UserErrorSite {
  /** src-relative file:line of the construction. */
  readonly at: string;
  /** Each text the help can take, with src-relative file:line of where that text is written. */
  readonly helps: readonly { readonly text: string; readonly at: string }[];
  /** Why a help could not be shown to be there and non-empty; empty when it is. */
  readonly faults: readonly string[];
}

/** The .ts and .tsx files under a folder. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** A program over the files with the project's compiler options; `extra` adds in-memory files (a test's own sites). */
export function programOf(
  root: string,
  files: readonly string[],
  extra: ReadonlyMap<string, string> = new Map(),
): ts.Program {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const text = extra.get(name);
    return text === undefined ? getSourceFile(name, language, ...rest) : ts.createSourceFile(name, text, language);
  };
  host.fileExists = (name) => extra.has(name) || fileExists(name);
  return ts.createProgram({ rootNames: [...files, ...extra.keys()], options, host });
}

/**
 * Every construction of a UserError in the program's files under `srcDir`, found through the type
 * checker (so subclasses' `super(…)` calls count), with its help followed to the texts it can take:
 * through constants, conditionals, templates, and parameters to every call that passes them.
 */
export function findUserErrorSites(program: ts.Program, srcDir: string): UserErrorSite[] {
  const checker = program.getTypeChecker();
  const errorsFile = program.getSourceFile(join(srcDir, 'errors.ts'));
  const userError = errorsFile?.statements.find(
    (node): node is ts.ClassDeclaration => ts.isClassDeclaration(node) && node.name?.text === 'UserError',
  );
  const constructor = userError?.members.find(ts.isConstructorDeclaration);
  if (!constructor) throw new Error('no UserError constructor in src/errors.ts');
  const files = program.getSourceFiles().filter((file) => file.fileName.startsWith(srcDir));
  const where = (node: ts.Node): string => {
    const file = node.getSourceFile();
    return `${relative(srcDir, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const calls = files.flatMap((file) => callsIn(file));
  const callersOf = (declaration: ts.Node): readonly (ts.NewExpression | ts.CallExpression)[] =>
    calls.filter((call) => checker.getResolvedSignature(call)?.declaration === declaration);

  type Traced = { helps: { text: string; at: string }[]; faults: string[] };
  const trace = (expr: ts.Expression | undefined, seen: ReadonlySet<ts.Node>): Traced => {
    if (expr === undefined) return { helps: [], faults: ['no help'] };
    if (seen.has(expr)) return { helps: [], faults: [] };
    const next = new Set(seen).add(expr);
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr))
      return { helps: [{ text: expr.text, at: where(expr) }], faults: [] };
    if (ts.isTemplateExpression(expr)) {
      // Only the written parts count: a help made of nothing but ${…} could be empty.
      const text = expr.head.text + expr.templateSpans.map((span) => `\${…}${span.literal.text}`).join('');
      const written = text.replace(/\$\{…\}/g, '').trim();
      return { helps: [{ text: written === '' ? '' : text, at: where(expr) }], faults: [] };
    }
    if (withoutCasts(expr) !== expr) return trace(withoutCasts(expr), next);
    if (ts.isConditionalExpression(expr)) return merge([trace(expr.whenTrue, next), trace(expr.whenFalse, next)]);
    if (ts.isIdentifier(expr) || ts.isPropertyAccessExpression(expr)) return traceSymbol(expr, next);
    return { helps: [], faults: [`${where(expr)}: cannot follow the help (${ts.SyntaxKind[expr.kind]})`] };
  };
  const traceSymbol = (expr: ts.Identifier | ts.PropertyAccessExpression, seen: ReadonlySet<ts.Node>): Traced => {
    let symbol = ts.isShorthandPropertyAssignment(expr.parent)
      ? checker.getShorthandAssignmentValueSymbol(expr.parent)
      : checker.getSymbolAtLocation(expr);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const declaration = symbol?.valueDeclaration;
    if (!declaration) return { helps: [], faults: [`${where(expr)}: cannot follow ${expr.getText()}`] };
    if ((ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration)) && declaration.initializer)
      return trace(declaration.initializer, seen);
    // The help of another UserError (rethrown with a new position): that one's site is checked on its own.
    if (ts.isPropertyDeclaration(declaration) && declaration.parent === userError) return { helps: [], faults: [] };
    if (ts.isParameter(declaration)) return traceParameter(declaration, seen);
    if (ts.isBindingElement(declaration)) return traceTupleElement(declaration, seen);
    return {
      helps: [],
      faults: [`${where(expr)}: cannot follow ${expr.getText()} (${ts.SyntaxKind[declaration.kind]})`],
    };
  };
  const traceParameter = (parameter: ts.ParameterDeclaration, seen: ReadonlySet<ts.Node>): Traced => {
    const fn = parameter.parent;
    const index = fn.parameters.indexOf(parameter);
    const callers = callersOf(fn);
    if (callers.length === 0)
      return { helps: [], faults: [`${where(parameter)}: ${parameter.name.getText()} is never passed`] };
    return merge(
      callers.map((call) => {
        const traced = trace(call.arguments?.[index] ?? parameter.initializer, seen);
        return {
          helps: traced.helps,
          faults: traced.faults.map((fault) => (fault === 'no help' ? `${where(call)}: no help passed` : fault)),
        };
      }),
    );
  };
  // `for (const [ok, reason, help] of checks)`, over a constant list of tuples.
  const traceTupleElement = (element: ts.BindingElement, seen: ReadonlySet<ts.Node>): Traced => {
    const pattern = element.parent;
    const loop = pattern.parent.parent?.parent;
    if (
      !ts.isArrayBindingPattern(pattern) ||
      !loop ||
      !ts.isForOfStatement(loop) ||
      !ts.isIdentifier(loop.expression)
    ) {
      return { helps: [], faults: [`${where(element)}: cannot follow ${element.getText()}`] };
    }
    const list = checker.getSymbolAtLocation(loop.expression)?.valueDeclaration;
    const rows =
      list && ts.isVariableDeclaration(list) && list.initializer && ts.isArrayLiteralExpression(list.initializer)
        ? list.initializer.elements
        : [];
    const index = pattern.elements.indexOf(element);
    if (rows.length === 0)
      return { helps: [], faults: [`${where(loop.expression)}: cannot follow ${loop.expression.text}`] };
    return merge(
      rows.map((row) =>
        ts.isArrayLiteralExpression(row)
          ? trace(row.elements[index], seen)
          : { helps: [], faults: [`${where(row)}: not a tuple`] },
      ),
    );
  };

  return calls
    .filter((call) => checker.getResolvedSignature(call)?.declaration === constructor)
    .map((call) => {
      const fields = call.arguments?.[0] && withoutCasts(call.arguments[0]);
      if (!fields || !ts.isObjectLiteralExpression(fields))
        return { at: where(call), helps: [], faults: ['the fields are not an object literal'] };
      const help = fields.properties.find((property) => property.name?.getText() === 'help');
      const value =
        help && ts.isPropertyAssignment(help)
          ? help.initializer
          : help && ts.isShorthandPropertyAssignment(help)
            ? help.name
            : undefined;
      const traced = trace(value, new Set());
      const empty = traced.helps
        .filter((one) => one.text.trim() === '')
        .map((one) => `empty help, written at ${one.at}`);
      return { at: where(call), helps: traced.helps, faults: [...traced.faults, ...empty] };
    });
}

function callsIn(file: ts.SourceFile): (ts.NewExpression | ts.CallExpression)[] {
  const found: (ts.NewExpression | ts.CallExpression)[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) || ts.isCallExpression(node)) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** `({ … } as never)` is still the object literal, and still without a help. */
function withoutCasts(expr: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr)
    ? withoutCasts(expr.expression)
    : expr;
}

function merge(parts: readonly { helps: { text: string; at: string }[]; faults: string[] }[]): {
  helps: { text: string; at: string }[];
  faults: string[];
} {
  return { helps: parts.flatMap((part) => part.helps), faults: parts.flatMap((part) => part.faults) };
}
