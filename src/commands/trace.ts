import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../errors.js';
import { openReadOnly } from '../store/db.js';
import type { SqliteDatabase } from '../store/db.js';
import { compileQuery } from '../search/compile.js';
import { buildTimeline } from '../forensics/timeline.js';
import { mapRows } from '../forensics/statement.js';
import { TraceLookup } from '../trace/lookup.js';
import { traceBack } from '../trace/backward.js';
import type { TraceChain } from '../trace/backward.js';
import { traceForward } from '../trace/forward.js';
import type { BlastRadius } from '../trace/forward.js';
import { CHAIN_COLUMNS, RADIUS_COLUMNS, RADIUS_DATA_COLUMNS, chainRows, radiusRows } from '../trace/rows.js';
import { writeRows } from '../present/format.js';
import type { OutputFormat } from '../present/format.js';
import { shortIdentity } from '../present/event-row.js';
import { escapeForTerminal } from '../present/safe-text.js';
import { formatUserMessage } from '../present/problem.js';
import { withDatabase, withFormat } from './options.js';
import { terminalWidth } from './terminal.js';

interface TraceArgs {
  readonly target: string;
  readonly db: string;
  readonly format: OutputFormat;
  readonly forward: boolean;
  readonly timeline: boolean;
  readonly query: boolean;
}

export const traceCommand: CommandModule<object, TraceArgs> = {
  command: 'trace <target>',
  describe:
    'Who is really behind an event, key or session (back to the origin), ' +
    'or with --forward everything an identity led to',
  builder: (yargs) =>
    withFormat(withDatabase(yargs as Argv<object>))
      .positional('target', {
        type: 'string',
        demandOption: true,
        describe: 'an eventID, an access key id (AKIA…, ASIA…) or an identity ARN (user, assumed-role session)',
      })
      .option('forward', {
        type: 'boolean',
        default: false,
        describe:
          'the blast radius: every session opened from TARGET (a key or ARN), recursively, across accounts, ' +
          'with per-session counts',
      })
      .option('timeline', {
        type: 'boolean',
        default: false,
        describe: 'with --forward: every event of the radius, oldest first, instead of the session tree',
      })
      .option('query', {
        type: 'boolean',
        default: false,
        describe:
          'with --forward: print only the search-language query for the whole radius ' +
          '(for search, timeline, export) and run nothing else',
      })
      .example('$0 trace 3f6c…-event-id', 'the chain of sessions behind one event, oldest first')
      .example('$0 trace ASIAEXAMPLEKEY0000001', 'which call issued this temporary key, and who was behind that')
      .example('$0 trace --forward AKIAEXAMPLEKEY000001', 'every session opened from a leaked key, and what each did')
      .example(
        '$0 export "$($0 trace --forward AKIAEXAMPLEKEY000001 --query)" --out case-42/radius',
        'the evidence folder for the whole blast radius',
      )
      .epilog(
        'Backwards, one row per hop, oldest first: step 0 says where the chain starts (origin), or why it stops ' +
          '(outside-index: the next link is in logs not indexed, and note says what to fetch; ' +
          'ambiguous: several calls could be the link, each listed as a candidate). ' +
          'Links: an ASIA key to the AssumeRole*, GetSessionToken or GetFederationToken call that issued it; ' +
          'a session ARN or sourceIdentity to the call that created the session; ' +
          "SAML and web identity federation to the identity provider's subject; " +
          'AWSReservedSSO_ roles to the Identity Center user; ' +
          'ECS task, EC2 instance profile and Lambda sessions ' +
          'to the RunTask/StartTask, RunInstances or CreateFunction that started them, and on to its caller. ' +
          'Copies of one request (a cross-account call is logged in both accounts) are one hop.',
      ) as unknown as Argv<TraceArgs>,
  handler: async (args) => {
    process.exitCode = await runTraceCommand(args);
  },
};

export async function runTraceCommand(args: TraceArgs): Promise<number> {
  const db = openReadOnly(args.db);
  try {
    const lookup = new TraceLookup(db);
    warnIfOlderIndex(lookup);
    if (!args.forward) return await writeChain(traceBack(lookup, args.target), args.format);
    const radius = traceForward(lookup, args.target);
    if (args.query) {
      process.stdout.write(`${radius.query}\n`);
      return ExitCode.done;
    }
    if (args.timeline) await writeRadiusTimeline(db, radius, args.format);
    else await writeRadius(radius, args.format);
    return ExitCode.done;
  } finally {
    db.close();
  }
}

async function writeChain(chain: TraceChain, format: OutputFormat): Promise<number> {
  const table = format === 'table';
  if (format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ target: chain.target, end: chain.end, hops: chainRows(chain).slice(1) }, null, 2)}\n`,
    );
    return ExitCode.done;
  }
  await writeRows(format, chainRows(chain), CHAIN_COLUMNS, process.stdout, {
    maxWidth: table ? terminalWidth() : Infinity,
  });
  if (table) process.stdout.write(`\n${describeEnd(chain)}\n`);
  return ExitCode.done;
}

function describeEnd(chain: TraceChain): string {
  const end = chain.end;
  const heading = { origin: 'origin', 'outside-index': 'stops', ambiguous: 'ambiguous', loop: 'stops' }[end.kind];
  const lines = [`${heading}: ${escapeForTerminal(end.reason)}`];
  if (end.fetch) lines.push(`fetch: ${escapeForTerminal(end.fetch)}`);
  return lines.join('\n');
}

async function writeRadius(radius: BlastRadius, format: OutputFormat): Promise<void> {
  const table = format === 'table';
  if (format === 'json') {
    const report = {
      root: radius.root,
      query: radius.query,
      truncated: radius.truncated,
      sessions: radiusRows(radius, { indent: false }),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    await writeRows(
      format,
      radiusRows(radius, { indent: table }),
      table ? RADIUS_COLUMNS : RADIUS_DATA_COLUMNS,
      process.stdout,
      { maxWidth: table ? terminalWidth() : Infinity },
    );
  }
  if (radius.nodes.length === 1 && radius.nodes[0]!.counts.events === 0) {
    process.stderr.write(
      formatUserMessage('warning', {
        headline: `no events of ${escapeForTerminal(radius.root)} in the index`,
        reason: 'nothing was done with it, or its logs are not indexed',
        help: 'check the key or ARN with trailhound search',
      }),
    );
  }
  if (radius.truncated)
    process.stderr.write(
      formatUserMessage('warning', {
        headline: 'the blast radius was cut',
        reason: `more than ${radius.nodes.length} sessions`,
        help: 'trace a session further down on its own',
      }),
    );
  if (table)
    process.stderr.write(
      `every event of the radius: trailhound export ${shellQuote(radius.query)} --out DIR ` +
        '(or trailhound timeline …)\n',
    );
}

const TIMELINE_COLUMNS = ['time', 'identity', 'action', 'target', 'source_ip', 'result', 'event_id'] as const;

async function writeRadiusTimeline(db: SqliteDatabase, radius: BlastRadius, format: OutputFormat): Promise<void> {
  const timeline = buildTimeline(db, compileQuery(radius.query), { limit: null });
  const rows = mapRows(timeline.rows, (entry) => ({
    time: entry.event_time,
    identity: shortIdentity(entry),
    action: entry.action,
    target: entry.target,
    source_ip: entry.source_ip_address,
    result: entry.result,
    event_id: entry.event_id,
  }));
  await writeRows(format, rows, TIMELINE_COLUMNS, process.stdout, {
    maxWidth: format === 'table' ? terminalWidth() : Infinity,
  });
}

function warnIfOlderIndex(lookup: TraceLookup): void {
  if (lookup.eventsWithoutLinks() === 0) return;
  process.stderr.write(
    formatUserMessage('warning', {
      headline: 'this index was built before trace links existed',
      reason: 'events indexed by an older trailhound have no trace links, so chains through them stop early',
      help: 'index the same logs again into a new --db file',
    }),
  );
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
