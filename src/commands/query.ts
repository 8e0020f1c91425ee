import { compileQuery } from '../search/compile.js';
import type { CompiledQuery } from '../search/compile.js';
import type { OperatorHint } from '../search/parse.js';
import { formatUserMessage } from '../present/problem.js';

/**
 * A command's query, compiled, with a note on stderr for each lower-case `and`/`or`/`not` that was
 * searched as a word (issue 14): the results are right for what was typed, which may not be what
 * was meant. `search`, `summary`, `timeline`, `export` and `watch --alert` share it.
 */
export function compileCommandQuery(query: string, options: { now?: Date } = {}): CompiledQuery {
  const compiled = compileQuery(query, options);
  warnAboutOperatorWords(query, compiled.hints);
  return compiled;
}

function warnAboutOperatorWords(query: string, hints: readonly OperatorHint[]): void {
  for (const hint of hints) {
    process.stderr.write(
      formatUserMessage('warning', {
        headline: `"${hint.word}" was searched as a word`,
        where: `${query}\n${' '.repeat(hint.at)}${'^'.repeat(hint.word.length)}`,
        help:
          `write ${hint.word.toUpperCase()} in upper case to use it as an operator, ` +
          `or "${hint.word}" in quotes to keep it a word without this note`,
      }),
    );
  }
}
