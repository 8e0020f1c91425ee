import type { Argv, CommandModule } from 'yargs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import { findPackageFile } from '../package-file.js';
import { openReadOnly } from '../store/db.js';
import { compileCommandQuery } from './query.js';
import { EXPORT_FILES, exportEvidence } from '../forensics/evidence-export.js';
import type { ExportManifest } from '../forensics/evidence-export.js';
import { escapeForTerminal } from '../present/safe-text.js';
import { withDatabase } from './options.js';

interface ExportArgs {
  readonly query: string;
  readonly db: string;
  readonly out: string;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export <query>',
  describe: 'Write matching records verbatim to a folder, with a manifest of where each came from',
  builder: (yargs) =>
    withDatabase(yargs as Argv<object>)
      .positional('query', { type: 'string', demandOption: true, describe: 'the search language, as trailhound search takes it ("" for all events)' })
      .option('out', { type: 'string', demandOption: true, describe: 'a new or empty folder to write into' })
      .example('$0 export "ip:198.51.100.23" --out case-42/evidence', 'an incident\'s records, for the report')
      .epilog(
        `Writes ${EXPORT_FILES.events} (the original records, oldest first, one per line), ${EXPORT_FILES.provenance} ` +
        '(per record: its source file and position, the file\'s SHA-256, and its trailhound verify verdict) and ' +
        `${EXPORT_FILES.manifest} (query, SQL, time, database, tool version, count, SHA-256 of both files). ` +
        'Refuses a folder that is not empty.',
      ) as unknown as Argv<ExportArgs>,
  handler: (args) => {
    process.exitCode = runExportCommand(args);
  },
};

export function runExportCommand(args: ExportArgs): number {
  const exportedAt = new Date();
  const compiled = compileCommandQuery(args.query, { now: exportedAt });
  const db = openReadOnly(args.db);
  try {
    const manifest = exportEvidence(db, compiled, { dir: args.out, databasePath: resolve(args.db), toolVersion: toolVersion(), exportedAt });
    process.stderr.write(describeExport(manifest, args.out));
    return ExitCode.done;
  } finally {
    db.close();
  }
}

function describeExport(manifest: ExportManifest, dir: string): string {
  const statuses = Object.entries(manifest.verification).map(([status, count]) => `${count} ${status}`).join(', ');
  const lines = [`exported ${manifest.count} event${manifest.count === 1 ? '' : 's'} to ${escapeForTerminal(dir)} (${Object.values(EXPORT_FILES).join(', ')})`];
  if (manifest.count > 0) lines.push(`source files: ${escapeForTerminal(statuses)}`);
  else lines.push('no events matched the query; the files are empty');
  return `${lines.join('\n')}\n`;
}

/** The version in package.json. */
function toolVersion(): string {
  const path = findPackageFile('package.json');
  if (path === null) return 'unknown';
  return String((JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version ?? 'unknown');
}
