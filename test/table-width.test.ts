import { describe, expect, it } from 'vitest';
import { fitColumns } from '../src/present/column-fit.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import { runCli } from './helpers/run-cli.js';

/**
 * issue 14 item 6: at 80 and 120 columns, search, summary and timeline keep the full date-time and
 * the distinguishing end of the identity (the user or session name), by one rule.
 */
const samples = indexSamplesForSuite();

/** The name that tells an identity apart, from the raw record: what must stay visible. */
function distinguishingName(record: Record<string, any>): string {
  const identity = record.userIdentity ?? {};
  if (identity.type === 'Root') return 'root';
  if (identity.arn) return identity.arn.split('/').pop();
  return identity.invokedBy ?? identity.userName ?? identity.type;
}

function tableAt(width: number, args: string[]) {
  const result = runCli([...args, '--db', samples.dbPath], { env: { COLUMNS: String(width) } });
  expect(result.status).toBe(0);
  const [header, rule, ...rows] = result.stdout.trimEnd().split('\n');
  const starts = [...rule!.matchAll(/-+/g)].map((match) => ({
    start: match.index!,
    end: match.index! + match[0].length,
  }));
  const names = starts.map(({ start, end }) => header!.slice(start, end).trim());
  const cells = rows.map((line) =>
    Object.fromEntries(starts.map(({ start, end }, i) => [names[i], line.slice(start, end).trim()])),
  );
  return { lines: [header!, rule!, ...rows], names, cells, stderr: result.stderr };
}

const FULL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe.each([[80], [120]])('tables at %i columns', (width) => {
  it('search: full time, and the identity ends with the user or session name', () => {
    const query = 'user:alice@example.com OR user:gha-run-8812 OR user:bob OR type:Root OR user:ecs.amazonaws.com';
    const table = tableAt(width, ['search', query, '--limit', '40']);
    const records = runCli(['search', query, '--limit', '40', '--format', 'ndjson', '--db', samples.dbPath])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(table.cells).toHaveLength(records.length);
    for (const line of table.lines) expect(line.length).toBeLessThanOrEqual(width);
    table.cells.forEach((cells, i) => {
      expect(cells['time']).toBe(records[i].eventTime);
      expect(cells['identity']!.endsWith(distinguishingName(records[i]))).toBe(true);
    });
  });

  it('summary: full first and last seen, whole counts, and the identity ends with its name', () => {
    const table = tableAt(width, ['summary', '']);
    for (const line of table.lines) expect(line.length).toBeLessThanOrEqual(width);
    const all = JSON.parse(runCli(['summary', '', '--format', 'json', '--db', samples.dbPath]).stdout) as Record<
      string,
      any
    >[];
    table.cells.forEach((cells, i) => {
      expect(cells['first_seen']).toBe(all[i]!['first_seen']);
      expect(cells['last_seen']).toBe(all[i]!['last_seen']);
      expect(cells['events']).toBe(String(all[i]!['events']));
      expect(all[i]!['identity'].endsWith(cells['identity']!.replace(/^…/, ''))).toBe(true);
      // The name that tells identities apart: a user, session or federated name, `root`, or a service.
      const name = (all[i]!['identity'] as string).split('/').pop()!.split(':').pop()!;
      // …whole, or, when the name alone is wider than the column (an ECS task id), its end only.
      const shown = cells['identity']!.replace(/^…/, '');
      expect(shown.endsWith(name) || (cells['identity']!.startsWith('…') && name.endsWith(shown))).toBe(true);
    });
    if (width === 80)
      expect(table.stderr).toMatch(
        /^note: left out to fit 80 columns: .+ \(widen the terminal, or use --format csv\)\n/,
      );
  });

  it('timeline: full time, and the identity as search shows it', () => {
    const table = tableAt(width, ['timeline', 'user:alice@example.com OR user:partner-auditor', '--limit', '20']);
    for (const line of table.lines) expect(line.length).toBeLessThanOrEqual(width);
    for (const cells of table.cells) {
      expect(cells['time']).toMatch(FULL_TIME);
      expect(cells['identity']).toMatch(/(alice@example\.com|partner-auditor)$/);
    }
  });
});

describe('one rule for every table', () => {
  it('others give way before the identity, times and counts never, and left-out columns are named', () => {
    const fit = fitColumns(
      ['time', 'account', 'identity', 'action', 'events'],
      [20, 12, 60, 30, 6],
      [false, false, false, false, true],
      80,
      2,
    );
    expect(fit.widths[0]).toBe(20);
    expect(fit.widths[4]).toBe(6);
    expect(
      fit.widths.reduce((a, b) => a + b, 0) + 2 * (fit.widths.filter((w) => w > 0).length - 1),
    ).toBeLessThanOrEqual(80);
    expect(fit.widths[2]).toBeGreaterThanOrEqual(18);
    expect(fitColumns(['time', 'identity'], [20, 30], [false, false], 200, 2)).toEqual({
      widths: [20, 30],
      roles: ['time', 'identity'],
      leftOut: [],
    });
  });
});
