import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { duckdbReadFiles } from '../src/dialects/duckdb.js';
import { huntToPredicate } from '../src/dialects/from-hunt.js';
import { DialectError } from '../src/dialects/render.js';
import { renderPredicateStatement } from '../src/dialects/statement.js';
import { loadRules, shippedRulesDir } from '../src/hunt/load.js';
import { runHunt } from '../src/hunt/run.js';
import { runCli } from './helpers/run-cli.js';
import { SAMPLE_LOGS, indexSamplesForSuite } from './helpers/samples.js';

/**
 * hunt --sql --dialect: the shipped Sigma rules, through the same predicate tree as the search
 * language, run by DuckDB over samples/AWSLogs, must detect the events trailhound's hunt detects.
 */
describe('hunt rules in other dialects', () => {
  const samples = indexSamplesForSuite();
  const rules = loadRules([shippedRulesDir()]).rules;
  const translatableFor = (dialect: 'duckdb' | 'athena') =>
    rules.filter((rule) => {
      try {
        huntToPredicate(rule.predicate, rule.aggregation, { dialect, rule: rule.id });
        return true;
      } catch (error) {
        if (error instanceof DialectError) return false;
        throw error;
      }
    });
  const translatable = translatableFor('duckdb');
  let duckdb: DuckDBConnection;
  const files = duckdbReadFiles(SAMPLE_LOGS);
  beforeAll(async () => {
    duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    await duckdb.run(`CREATE TABLE sample_files AS SELECT * FROM ${files}`);
  }, 120_000);

  it('translates most shipped rules, and some of them detect something in the samples', () => {
    expect({ translatable: translatable.length, rules: rules.length }).toEqual({ translatable: 28, rules: 35 });
    const detected = runHunt(samples.db, translatable, { where: null, since: null, until: null }).detections;
    expect(new Set(detected.map((detection) => detection.rule.id)).size).toBe(8);
  });

  it('every translatable rule run by DuckDB detects exactly what trailhound hunt detects', async () => {
    const ours = runHunt(samples.db, translatable, { where: null, since: null, until: null });
    for (const rule of translatable) {
      const predicate = huntToPredicate(rule.predicate, rule.aggregation, { dialect: 'duckdb', rule: rule.id });
      const sql = renderPredicateStatement('duckdb', predicate, {
        query: rule.title,
        command: 'hunt rule',
        from: SAMPLE_LOGS,
        sort: 'oldest',
        limit: 0,
      });
      expect(sql.split(files).length).toBe(2);
      const rows = (
        await duckdb.runAndReadAll(
          `SELECT DISTINCT event_id FROM (${sql.replace(files, 'sample_files').replace(/;\s*$/, '')})`,
        )
      ).getRows();
      const expected = [
        ...new Set(
          ours.detections
            .filter((detection) => detection.rule.id === rule.id)
            .map((detection) => String(detection.event['event_id' as keyof typeof detection.event])),
        ),
      ].sort();
      expect({ rule: rule.title, ids: rows.map((row) => String(row[0])).sort() }).toEqual({
        rule: rule.title,
        ids: expected,
      });
    }
  }, 300_000);

  it('hunt --sql --dialect athena prints a statement per translatable rule and names the others', () => {
    const result = runCli(['hunt', '--sql', '--dialect', 'athena', '--since', '2026-03-03']);
    expect(result.status).toBe(0);
    const forAthena = translatableFor('athena');
    expect(forAthena.length).toBe(29);
    expect(result.stdout.match(/^-- trailhound hunt rule /gm)?.length).toBe(forAthena.length);
    expect(result.stdout).toContain(`"timestamp" >= '2026/03/03'`);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('warning: rule '));
    expect(warnings.length).toBe(rules.length - forAthena.length);
    for (const warning of warnings) expect(warning).toMatch(/^warning: rule [0-9a-f-]+: .+ has no translation$/);
  });
});
