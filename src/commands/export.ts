import type { Argv, CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { loadRules, shippedRulesDir } from '../hunt/load.js';
import { findRule, ruleAsQuery } from '../hunt/rule-query.js';
import type { CompiledQuery } from '../search/compile.js';
import { toolVersion } from '../package-file.js';
import { openReadOnly } from '../store/db.js';
import { compileCommandQuery } from './query.js';
import { EXPORT_FILES, exportEvidence } from '../forensics/evidence-export.js';
import type { ExportManifest } from '../forensics/evidence-export.js';
import { escapeForTerminal } from '../present/safe-text.js';
import { withDatabase, withQueryFile } from './options.js';
import { exportParquet } from '../export/parquet-export.js';

interface ExportArgs {
  readonly query: string | undefined;
  readonly rule: string | undefined;
  readonly rules: string[] | undefined;
  readonly db: string;
  readonly out: string | undefined;
  readonly parquet: string | undefined;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export [query]',
  describe: 'Write matching records verbatim to a folder, with a manifest of where each came from',
  builder: (yargs) =>
    withQueryFile(withDatabase(yargs as Argv<object>))
      .positional('query', {
        type: 'string',
        describe: 'the search language, as trailhound search takes it ("" for all events)',
      })
      .option('rule', {
        type: 'string',
        describe:
          "export one detection's evidence: the events the Sigma rule with this id matches " +
          '(ANDed with the query, if any)',
      })
      .option('rules', {
        type: 'string',
        array: true,
        describe: 'rule files or folders to find --rule in (default: the rules that ship with trailhound)',
      })
      .option('out', { type: 'string', describe: 'a new or empty folder to write the evidence into' })
      .option('parquet', {
        type: 'string',
        describe: 'instead: a new or empty folder for Parquet files, Hive-partitioned by account, region and date',
      })
      .example('$0 export "ip:198.51.100.23" --out case-42/evidence', "an incident's records, for the report")
      .example(
        '$0 export --rule 0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2 --rules ~/src/sigma/rules/cloud/aws ' +
          '--out case-42/backdoor-keys',
        'the evidence of one detection (see trailhound hunt)',
      )
      .example('$0 export "" --parquet lake/cloudtrail', 'every event as Parquet, for DuckDB, Athena or Spark')
      .epilog(
        `Writes ${EXPORT_FILES.events} (the original records, oldest first, one per line), ` +
          `${EXPORT_FILES.provenance} (per record: its source file and position, the file's SHA-256, ` +
          'and its trailhound verify verdict) and ' +
          `${EXPORT_FILES.manifest} (query, SQL, time, database, tool version, count, SHA-256 of both files). ` +
          'Refuses a folder that is not empty.',
      ) as unknown as Argv<ExportArgs>,
  handler: (args) => {
    process.exitCode = runExportCommand(args);
  },
};

export function runExportCommand(args: ExportArgs): number {
  if ((args.out === undefined) === (args.parquet === undefined)) {
    throw new UserError({
      what: 'bad usage',
      reason: 'give one of --out DIR (evidence) or --parquet DIR (Parquet)',
      help: 'trailhound export QUERY --out case-42/evidence, or --parquet lake/cloudtrail',
      exitCode: ExitCode.usage,
    });
  }
  const exportedAt = new Date();
  const compiled = compileExport(args, exportedAt);
  const db = openReadOnly(args.db);
  try {
    if (args.parquet !== undefined) {
      const result = exportParquet(db, compiled, args.parquet);
      const events = `${result.events} event${result.events === 1 ? '' : 's'}`;
      const files = `${result.files} Parquet file${result.files === 1 ? '' : 's'}`;
      process.stderr.write(
        `exported ${events} to ${escapeForTerminal(args.parquet)} as ${files} ` +
          '(account=…/region=…/date=…/part-0.parquet)\n',
      );
      return ExitCode.done;
    }
    const out = args.out!;
    const manifest = exportEvidence(db, compiled, {
      dir: out,
      databasePath: resolve(args.db),
      toolVersion: toolVersion(),
      exportedAt,
    });
    process.stderr.write(describeExport(manifest, out));
    return ExitCode.done;
  } finally {
    db.close();
  }
}

function compileExport(args: ExportArgs, now: Date): CompiledQuery {
  const search = args.query === undefined ? null : compileCommandQuery(args.query, { now });
  if (args.rule === undefined) {
    if (search === null)
      throw new UserError({
        what: 'nothing to export',
        reason: 'neither a query nor --rule was given',
        help: 'give a query ("" for all events) or --rule ID',
        exitCode: ExitCode.usage,
      });
    return search;
  }
  const loaded = loadRules(args.rules && args.rules.length > 0 ? args.rules : [shippedRulesDir()]);
  const rule = findRule(loaded.rules, args.rule);
  if (rule === null) {
    const skipped = loaded.skipped.find((skip) => skip.rule === args.rule || skip.file.includes(args.rule!));
    throw new UserError({
      what: `no rule ${args.rule}`,
      reason: skipped
        ? `it was skipped: ${skipped.reason}`
        : `none of the ${loaded.rules.length} rules loaded has this id`,
      help: 'see the rule ids with trailhound hunt, and point --rules at the rule files',
      exitCode: ExitCode.usage,
    });
  }
  return ruleAsQuery(rule, search);
}

function describeExport(manifest: ExportManifest, dir: string): string {
  const statuses = Object.entries(manifest.verification)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const events = `${manifest.count} event${manifest.count === 1 ? '' : 's'}`;
  const lines = [`exported ${events} to ${escapeForTerminal(dir)} (${Object.values(EXPORT_FILES).join(', ')})`];
  if (manifest.count > 0) lines.push(`source files: ${escapeForTerminal(statuses)}`);
  else lines.push('no events matched the query; the files are empty');
  return `${lines.join('\n')}\n`;
}
