import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRule } from '../src/hunt/rule.js';
import type { HuntRule, RuleResult } from '../src/hunt/rule.js';
import { ruleStatement } from '../src/hunt/sqlite.js';
import { indexSamplesForSuite } from './helpers/samples.js';
import { runCli } from './helpers/run-cli.js';
import { tempDir } from './helpers/temp-index.js';

function ruleText(detection: string, extra = ''): string {
  return (
    'title: Test rule\nid: 11111111-2222-4333-8444-555555555555\nauthor: Someone Else\nlevel: high\n' +
    `logsource:\n    product: aws\n    service: cloudtrail\n${extra}detection:\n${detection}`
  );
}

function compiled(detection: string, extra = ''): HuntRule {
  const result = compileRule(ruleText(detection, extra), 'test.yml');
  if (!result.ok) throw new Error(result.skipped.reason);
  return result.rule;
}

function skippedOf(result: RuleResult) {
  return result.ok ? null : { line: result.skipped.line, reason: result.skipped.reason };
}

const NO_FILTER = { where: null, since: null, until: null };

describe('compiling Sigma rules', () => {
  it.each([
    [
      'an unknown modifier',
      '    sel:\n        eventName|wide: X\n    condition: sel\n',
      '',
      {
        line: 10,
        reason:
          'modifier "wide" is not supported (contains, startswith, endswith, all, re, cidr, exists,' +
          ' gt, gte, lt, lte, fieldref, base64, base64offset)',
      },
    ],
    [
      'an aggregation other than count',
      '    sel:\n        eventName: X\n    condition: sel | max(x) > 3\n',
      '',
      { line: 11, reason: 'aggregation "max(x) > 3" is not supported (only count() [by FIELD] > N, with a timeframe)' },
    ],
    [
      'a count without a timeframe',
      '    sel:\n        eventName: X\n    condition: sel | count() > 3\n',
      '',
      { line: 11, reason: 'aggregation "count() > 3" needs a timeframe' },
    ],
    [
      'a condition naming no selection',
      '    sel:\n        eventName: X\n    condition: sel and other\n',
      '',
      { line: 11, reason: 'the condition names "other", which the detection does not define' },
    ],
    [
      'an unclosed parenthesis',
      '    sel:\n        eventName: X\n    condition: (sel\n',
      '',
      { line: 11, reason: 'condition "(sel": a "(" is not closed' },
    ],
    [
      'a pattern matching no selection',
      '    sel:\n        eventName: X\n    condition: 1 of filter_*\n',
      '',
      { line: 11, reason: '"filter_*" in the condition matches no selection' },
    ],
    [
      'a CIDR on another field',
      '    sel:\n        userAgent|cidr: 10.0.0.0/8\n    condition: sel\n',
      '',
      { line: 10, reason: '"|cidr" works on sourceIPAddress only, not "userAgent"' },
    ],
    [
      'a regular expression that does not compile',
      "    sel:\n        userAgent|re: '(a'\n    condition: sel\n",
      '',
      {
        line: 10,
        reason: 'regular expression /(a/ does not compile: Invalid regular expression: /(a/: Unterminated group',
      },
    ],
    [
      'a correlation rule',
      '    sel:\n        eventName: X\n    condition: sel\n',
      'correlation:\n    type: event_count\n',
      { line: 8, reason: 'correlation rules are not supported' },
    ],
  ])('skips %s, saying why and where', (_name, detection, extra, expected) => {
    expect(skippedOf(compileRule(ruleText(detection, extra), 'test.yml'))).toEqual(expected);
  });

  it('skips a rule for another log source, with its logsource line', () => {
    const text =
      'title: Windows\nid: w-1\nlogsource:\n    product: windows\n    service: security\n' +
      'detection:\n    sel:\n        EventID: 4624\n    condition: sel\n';
    expect(skippedOf(compileRule(text, 'w.yml'))).toEqual({
      line: 3,
      reason: 'logsource (product: windows, service: security) is not AWS CloudTrail',
    });
  });

  it('keeps every value from the rule out of the SQL text, field paths included', () => {
    const hostile = "x'); DROP TABLE events; --";
    const rule = compiled(
      `    sel:\n        requestParameters.a|contains: "${hostile}"\n` +
        `        eventName: "${hostile}"\n    condition: sel\n`,
    );
    const statement = ruleStatement(rule.predicate, rule.aggregation, NO_FILTER);
    expect(statement.sql).not.toContain('DROP');
    expect(statement.sql).not.toContain('requestParameters');
    expect(statement.params).toContain('$."requestParameters"."a"');
    expect(statement.params).toContain(`%${hostile}%`);
  });

  it('renders the predicate tree with bound values, stored columns first and the record parsed once', () => {
    const rule = compiled(
      '    sel:\n        eventSource: ecs.amazonaws.com\n        eventName: RunTask\n' +
        '        requestParameters.count|gte: 10\n' +
        '    filter:\n        sourceIPAddress|cidr: 10.0.0.0/8\n' +
        '    condition: sel and not filter\n',
    );
    expect(ruleStatement(rule.predicate, null, NO_FILTER)).toEqual({
      sql:
        'SELECT e.row_id, e.event_id, e.event_time, e.user_identity_type, e.user_identity_arn,' +
        ' e.user_identity_user_name, e.user_identity_invoked_by, e.session_issuer_arn,' +
        ' e.event_source, e.event_name, e.source_ip_address, e.recipient_account_id, e.aws_region\n' +
        'FROM events e\n' +
        'WHERE (NOT coalesce(((e.source_ipv4_int BETWEEN ? AND ? AND e.source_ip = e.source_ip_address)), 0)' +
        ' AND ((e.event_name_base = ? COLLATE NOCASE AND e.event_name = ? COLLATE NOCASE)' +
        ' AND e.event_source = ? COLLATE NOCASE' +
        ' AND EXISTS (SELECT 1 FROM (SELECT jsonb(e.record) AS rec LIMIT 1) r' +
        " WHERE (json_type(r.rec, ?) IN ('integer', 'real') AND json_extract(r.rec, ?) >= ?))))\n" +
        'ORDER BY e.event_time, e.row_id',
      params: [
        167772160,
        184549375,
        'RunTask',
        'RunTask',
        'ecs.amazonaws.com',
        '$."requestParameters"."count"',
        '$."requestParameters"."count"',
        10,
      ],
    });
  });

  it('turns base64offset into the three encodings a value can have inside base64 text', () => {
    const rule = compiled(
      '    sel:\n        requestParameters.userData|base64offset|contains: "curl "\n    condition: sel\n',
    );
    const params = ruleStatement(rule.predicate, null, NO_FILTER).params.filter(
      (p) => typeof p === 'string' && p.startsWith('%'),
    );
    expect(params).toEqual(['%Y3VybC%', '%N1cmwg%', '%jdXJsI%']);
  });

  it('reads `1 of them`, `all of x*`, N of, not and parentheses with Sigma precedence', () => {
    const rule = compiled(
      '    a1:\n        eventName: A\n    a2:\n        eventName: B\n' +
        '    _helper:\n        eventName: C\n' +
        '    condition: not 1 of them or (all of a* and 2 of a*)\n',
    );
    expect(rule.condition).toEqual({
      kind: 'or',
      items: [
        { kind: 'not', item: { kind: 'of', quantifier: 1, pattern: 'them' } },
        {
          kind: 'and',
          items: [
            { kind: 'of', quantifier: 'all', pattern: 'a*' },
            { kind: 'of', quantifier: 2, pattern: 'a*' },
          ],
        },
      ],
    });
    expect(rule.predicate.kind).toBe('or');
  });
});

describe('trailhound hunt', () => {
  const suite = indexSamplesForSuite();

  it('finds the story in samples/ with the shipped rules, oldest first, and sums up per level and rule', () => {
    const result = runCli(['hunt', '--db', suite.dbPath, '--level', 'high', '--format', 'csv']);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\r\n');
    expect(lines[0]).toBe('time,level,rule,identity,action,source_ip,account,region,event_id,rule_id,author');
    const story = lines
      .filter((line) => line.includes('198.51.100.23'))
      .map((line) => line.split(',').slice(0, 5).join(','));
    const offensiveToolRule = 'API Call From an Offensive Security Distribution or Tool';
    expect(story).toEqual([
      `2026-03-03T14:02:11Z,high,${offensiveToolRule},ci-deploy,sts:GetCallerIdentity`,
      `2026-03-03T14:03:02Z,high,${offensiveToolRule},ci-deploy,iam:ListUsers`,
      `2026-03-03T14:03:09Z,high,${offensiveToolRule},ci-deploy,iam:ListRoles`,
      `2026-03-03T14:03:30Z,high,${offensiveToolRule},ci-deploy,s3:ListBuckets`,
      `2026-03-03T14:04:12Z,high,${offensiveToolRule},ci-deploy,secretsmanager:ListSecrets`,
      `2026-03-03T14:04:40Z,high,${offensiveToolRule},ci-deploy,ssm:DescribeParameters`,
      `2026-03-03T14:05:05Z,high,${offensiveToolRule},ci-deploy,ecs:ListClusters`,
      `2026-03-03T14:05:21Z,high,${offensiveToolRule},ci-deploy,ec2:DescribeRegions`,
      `2026-03-03T14:09:48Z,high,${offensiveToolRule},ci-deploy,ecs:RegisterTaskDefinition`,
      '2026-03-03T14:09:48Z,high,ECS Task Definition Reading the Task Credentials Endpoint,' +
        'ci-deploy,ecs:RegisterTaskDefinition',
      '2026-03-03T14:09:48Z,high,ECS Task Definition Running a Cryptocurrency Miner,' +
        'ci-deploy,ecs:RegisterTaskDefinition',

      `2026-03-03T14:10:30Z,high,${offensiveToolRule},ci-deploy,ecs:CreateCluster`,
      `2026-03-03T14:11:02Z,high,${offensiveToolRule},ci-deploy,ecs:CreateService`,
      `2026-03-03T14:12:15Z,high,${offensiveToolRule},ci-deploy,ecs:RunTask`,
      '2026-03-03T14:14:40Z,high,Access Key Created for Another IAM User,ci-deploy,iam:CreateAccessKey',
      `2026-03-03T14:14:40Z,high,${offensiveToolRule},ci-deploy,iam:CreateAccessKey`,
      `2026-03-03T14:15:55Z,high,${offensiveToolRule},ci-deploy,cloudtrail:DeleteTrail`,
      '2026-03-03T14:15:55Z,high,CloudTrail Logging Stopped or Trail Deleted,ci-deploy,cloudtrail:DeleteTrail',
    ]);
    expect(result.stderr).toContain('by level: high ');
    expect(result.stderr).toMatch(/rules: 35 loaded, \d+ below --level not run, 0 skipped/);
  });

  it('credits the author, title and id of a third-party rule in every format', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.yml'), ruleText('    sel:\n        eventName: DeleteTrail\n    condition: sel\n'));
    for (const format of ['table', 'json', 'ndjson', 'csv']) {
      const result = runCli(['hunt', dir, '--db', suite.dbPath, '--format', format]);
      expect({ format, status: result.status }).toEqual({ format, status: 0 });
      for (const credit of ['Someone Else', 'Test rule', '11111111-2222-4333-8444-555555555555'])
        expect({ format, credit, found: result.stdout.includes(credit) }).toEqual({ format, credit, found: true });
    }
    const json = JSON.parse(runCli(['hunt', dir, '--db', suite.dbPath, '--format', 'json']).stdout);
    expect(json).toEqual([
      {
        time: '2026-03-03T14:15:55Z',
        level: 'high',
        rule: 'Test rule',
        identity: 'ci-deploy',
        action: 'cloudtrail:DeleteTrail',
        source_ip: '198.51.100.23',
        account: '111122223333',
        region: 'us-east-1',
        event_id: expect.any(String),
        rule_id: '11111111-2222-4333-8444-555555555555',
        author: 'Someone Else',
      },
    ]);
  });

  it('narrows with --filter, --since and --until, and lists skipped rules with file, line and reason', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'sub', 'ok.yml'),
      ruleText('    sel:\n        eventSource: ecs.amazonaws.com\n        eventName: RunTask\n    condition: sel\n'),
    );
    writeFileSync(join(dir, 'sub', 'bad.yml'), ruleText('    sel:\n        eventName|utf16: X\n    condition: sel\n'));
    const all = runCli(['hunt', dir, '--db', suite.dbPath, '--format', 'ndjson']);
    const narrowed = runCli([
      'hunt',
      dir,
      '--db',
      suite.dbPath,
      '--format',
      'ndjson',
      '--filter',
      'ip:198.51.100.23',
      '--since',
      '2026-03-03',
      '--until',
      '2026-03-03',
    ]);
    expect(all.stdout.trim().split('\n').length).toBe(
      suite.records.filter((r) => r['eventSource'] === 'ecs.amazonaws.com' && r['eventName'] === 'RunTask').length,
    );
    expect(
      narrowed.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).time),
    ).toEqual(['2026-03-03T14:12:15Z']);
    expect(narrowed.stderr).toContain(
      `skipped ${join(dir, 'sub', 'bad.yml')}:10: Test rule: modifier "utf16" is not supported`,
    );
    const late = runCli([
      'hunt',
      dir,
      '--db',
      suite.dbPath,
      '--format',
      'ndjson',
      '--filter',
      'ip:198.51.100.23',
      '--since',
      '2026-03-04',
    ]);
    expect(late.stdout).toBe('');
    expect(late.stderr).toContain('0 detections from 0 of 1 rules run');
  });

  it("prints each rule's statement with --sql, and fails with exit 1 when no rule compiles", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yml'), 'title: x\n');
    const failed = runCli(['hunt', dir, '--db', suite.dbPath]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('error: no rule to run');
    writeFileSync(join(dir, 'bad.yml'), ruleText('    sel:\n        eventName: DeleteTrail\n    condition: sel\n'));
    const sql = runCli(['hunt', dir, '--sql', '--format', 'ndjson']);
    expect(JSON.parse(sql.stdout)).toEqual({
      rule_id: '11111111-2222-4333-8444-555555555555',
      rule: 'Test rule',
      author: 'Someone Else',
      sql: expect.stringContaining('FROM events e'),
      params: ['DeleteTrail', 'DeleteTrail'],
    });
  });
});
