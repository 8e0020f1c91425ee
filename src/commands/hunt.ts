import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UserError } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import { compileQuery } from '../search/compile.js';
import { BadValueError, parseTimeBound } from '../search/values.js';
import { loadRules, shippedRulesDir } from '../hunt/load.js';
import { LEVELS } from '../hunt/rule.js';
import type { HuntRule, Level } from '../hunt/rule.js';
import { levelRank, runHunt } from '../hunt/run.js';
import { ruleStatement } from '../hunt/sqlite.js';
import type { EventFilter } from '../hunt/sqlite.js';
import { writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { DETECTION_LABELS, describeHunt, toDetectionRow } from '../present/detection-row.js';
import { escapeJsonForTerminal } from '../present/safe-text.js';
import { withDatabase, withFormat } from './options.js';
import { withDialect } from './dialect-options.js';
import type { DialectArgs } from './dialect-options.js';
import { printHuntDialectStatements } from './hunt-dialect.js';
import { terminalWidth } from './terminal.js';

interface HuntArgs extends DialectArgs {
  readonly rules: string[] | undefined;
  readonly db: string;
  readonly format: OutputFormat;
  readonly level: Level;
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly filter: string | undefined;
  readonly sql: boolean;
}

export const huntCommand: CommandModule<object, HuntArgs> = {
  command: 'hunt [rules..]',
  describe: 'Run Sigma rules over the index: a timeline of detections, oldest first',
  builder: (yargs) =>
    withDialect(withFormat(withDatabase(yargs as Argv<object>)))
      .positional('rules', {
        type: 'string',
        array: true,
        describe: 'Sigma rule files or folders of them (default: the rules that ship with trailhound)',
      })
      .option('level', {
        choices: LEVELS,
        default: 'informational' as Level,
        describe: 'run only rules of this level or above',
      })
      .option('since', {
        type: 'string',
        describe: 'only events at or after this time (24h, 7d, 2026-03-01, 2026-03-01T12:00Z)',
      })
      .option('until', {
        type: 'string',
        describe: 'only events at or before this time (a date alone includes the whole day)',
      })
      .option('filter', {
        type: 'string',
        describe: 'only events matching this search (the search language, as trailhound search takes it)',
      })
      .option('sql', {
        type: 'boolean',
        default: false,
        describe: "print each rule's SQL statement and parameters instead of running it",
      })
      .example('$0 hunt', 'the shipped rules over ./trailhound.db')
      .example('$0 hunt ~/src/sigma/rules/cloud/aws --level high', "SigmaHQ's AWS rules, high and critical only")
      .example(
        '$0 hunt --filter "account:111122223333" --since 2026-03-03 --format csv',
        'one account, one day on, for a report',
      )
      .epilog(
        'Columns: time, level, rule (title), identity, action, source_ip, account, region, ' +
          'event_id, rule_id, author. ' +
          'A summary (detections per level and per rule; rules loaded and skipped, with file, line and reason) ' +
          'goes to stderr. ' +
          "Find a detection's record with trailhound sql \"SELECT record FROM events WHERE event_id = 'EVENT_ID'\".",
      ) as unknown as Argv<HuntArgs>,
  handler: async (args) => {
    process.exitCode = await runHuntCommand(args);
  },
};

export async function runHuntCommand(args: HuntArgs): Promise<number> {
  const loaded = loadRules(args.rules && args.rules.length > 0 ? args.rules : [shippedRulesDir()]);
  const rules = loaded.rules.filter((rule) => levelRank(rule.level) >= levelRank(args.level));
  if (loaded.rules.length === 0) {
    process.stderr.write(describeHunt({ detections: [], perRule: new Map() }, [], loaded.skipped, 0));
    throw new UserError({
      what: 'no rule to run',
      reason: `${loaded.skipped.length} rule file(s) skipped, none compiled`,
      help: 'see the reasons above; hunt takes Sigma rules for AWS CloudTrail',
    });
  }
  if (args.dialect !== 'sqlite') return printHuntDialectStatements(args.dialect, rules, args);
  const filter = eventFilter(args);
  if (args.sql) return printStatements(rules, filter, args.format);
  const db = openReadOnly(args.db);
  try {
    const result = runHunt(db, rules, filter);
    const table = args.format === 'table';
    await writeRows(args.format, result.detections.map(toDetectionRow), DETECTION_LABELS, process.stdout, {
      maxWidth: table ? terminalWidth() : Infinity,
    });
    process.stderr.write(describeHunt(result, rules, loaded.skipped, loaded.rules.length - rules.length));
    return ExitCode.done;
  } finally {
    db.close();
  }
}

function eventFilter(args: HuntArgs): EventFilter {
  const now = new Date();
  return {
    where: args.filter === undefined || args.filter.trim() === '' ? null : compileQuery(args.filter, { now }).where,
    since: args.since === undefined ? null : timeBound(args.since, 'since', now),
    until: args.until === undefined ? null : timeBound(args.until, 'until', now),
  };
}

function timeBound(value: string, bound: 'since' | 'until', now: Date): string {
  try {
    return parseTimeBound(value, bound, now);
  } catch (error) {
    if (error instanceof BadValueError)
      throw new UserError({
        what: `bad --${bound}`,
        reason: error.message,
        help: `for example --${bound} 2026-03-01`,
        exitCode: ExitCode.usage,
      });
    throw error;
  }
}

/** Each rule's statement as `trailhound sql --params` takes it, headed by the rule it comes from. */
function printStatements(rules: readonly HuntRule[], filter: EventFilter, format: OutputFormat): number {
  for (const rule of rules) {
    const statement = ruleStatement(rule.predicate, rule.aggregation, filter);
    if (format === 'json' || format === 'ndjson') {
      const json = JSON.stringify({
        rule_id: rule.id,
        rule: rule.title,
        author: rule.author,
        sql: statement.sql,
        params: statement.params,
      });
      process.stdout.write(`${escapeJsonForTerminal(json)}\n`);
    } else {
      const title = JSON.stringify(`${rule.title} (${rule.id}, ${rule.author ?? 'no author'})`);
      const params = escapeJsonForTerminal(JSON.stringify(statement.params)).replace(/'/g, "'\\''");
      process.stdout.write(`-- rule ${escapeJsonForTerminal(title)}\n${statement.sql};\n-- --params '${params}'\n\n`);
    }
  }
  return ExitCode.done;
}
