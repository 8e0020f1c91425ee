import { ExitCode, UserError } from '../errors.js';
import { huntToPredicate } from '../dialects/from-hunt.js';
import { queryToPredicate } from '../dialects/from-query.js';
import { and } from '../dialects/predicate.js';
import type { Predicate } from '../dialects/predicate.js';
import { DialectError } from '../dialects/render.js';
import type { DialectName } from '../dialects/render.js';
import { renderPredicateStatement } from '../dialects/statement.js';
import type { HuntRule } from '../hunt/rule.js';
import { escapeForTerminal } from '../present/safe-text.js';
import type { DialectArgs } from './dialect-options.js';

/**
 * `hunt --sql --dialect X`: one statement per rule; a rule with no translation is named on stderr, the others still
 * print.
 */
export function printHuntDialectStatements(
  dialect: Exclude<DialectName, 'sqlite'>,
  rules: readonly HuntRule[],
  args: DialectArgs & {
    readonly sql: boolean;
    readonly filter?: string | undefined;
    readonly since?: string | undefined;
    readonly until?: string | undefined;
  },
): number {
  if (!args.sql)
    throw new UserError({
      what: '--dialect needs --sql',
      reason: `trailhound hunts on its own index; --dialect ${dialect} only writes the statements for that engine`,
      help: `add --sql: trailhound hunt --sql --dialect ${dialect}`,
      exitCode: ExitCode.usage,
    });
  const filter = filterPredicate(dialect, args);
  let printed = 0;
  for (const rule of rules) {
    try {
      const predicate = and([huntToPredicate(rule.predicate, rule.aggregation, { dialect, rule: rule.id }), ...filter]);
      const statement = renderPredicateStatement(dialect, predicate, {
        query: `${rule.title} (${rule.id})`,
        command: 'hunt rule',
        from: args.from,
        table: args.table,
        sort: 'oldest',
        limit: 0,
      });
      process.stdout.write(`${statement}\n`);
      printed++;
    } catch (error) {
      if (!(error instanceof DialectError)) throw error;
      process.stderr.write(`warning: ${escapeForTerminal(error.reason)}\n`);
    }
  }
  if (printed === 0)
    throw new UserError({
      what: `no rule could be written for --dialect ${dialect}`,
      reason: `${rules.length} rule(s), none translatable`,
      help: 'see the warnings above',
    });
  return ExitCode.done;
}

/** --filter, --since and --until, with the search language's meaning. */
function filterPredicate(
  dialect: Exclude<DialectName, 'sqlite'>,
  args: {
    readonly filter?: string | undefined;
    readonly since?: string | undefined;
    readonly until?: string | undefined;
  },
): Predicate[] {
  const now = new Date();
  const parts = [
    args.filter?.trim() ? args.filter : null,
    args.since ? `since:${args.since}` : null,
    args.until ? `until:${args.until}` : null,
  ];
  return parts
    .filter((part): part is string => part !== null)
    .map((query) => queryToPredicate(query, { now, dialect }));
}
