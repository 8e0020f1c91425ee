import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode, UserError, messageOf } from '../errors.js';
import { findPackageFile } from '../package-file.js';
import { compileRule } from './rule.js';
import type { HuntRule, SkippedRule } from './rule.js';

/** The rules read from files and folders: those that compiled, and those skipped with the reason. */
export interface LoadedRules {
  readonly rules: readonly HuntRule[];
  readonly skipped: readonly SkippedRule[];
}

/** The rules that ship with trailhound, in rules/ at the package root (beside src/ and dist/). */
export function shippedRulesDir(): string {
  const dir = findPackageFile('rules');
  if (dir === null)
    throw new UserError({
      what: 'cannot find the shipped rules',
      reason: 'no rules/ folder at the package root',
      help: 'reinstall trailhound, or give rule files or folders to hunt',
    });
  return dir;
}

/**
 * Reads every `.yml`/`.yaml` file under `paths` (folders recursively, in name order, as a SigmaHQ
 * clone is laid out). A rule id seen twice keeps its first file; the second is skipped and says so.
 */
export function loadRules(paths: readonly string[]): LoadedRules {
  const rules: HuntRule[] = [];
  const skipped: SkippedRule[] = [];
  const seen = new Map<string, string>();
  for (const file of paths.flatMap((path) => ruleFiles(resolve(path)))) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      skipped.push({ file, line: null, rule: file, reason: `cannot read: ${messageOf(error)}` });
      continue;
    }
    const result = compileRule(text, file);
    if (!result.ok) {
      skipped.push(result.skipped);
    } else if (seen.has(result.rule.id)) {
      skipped.push({
        file,
        line: null,
        rule: result.rule.title,
        reason: `id ${result.rule.id} is also the id of ${seen.get(result.rule.id)}`,
      });
    } else {
      seen.set(result.rule.id, file);
      rules.push(result.rule);
    }
  }
  return { rules, skipped };
}

function ruleFiles(path: string): string[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch (error) {
    throw new UserError({
      what: `cannot read rules from ${path}`,
      reason: messageOf(error),
      help: 'give .yml rule files or folders of them',
      exitCode: ExitCode.usage,
    });
  }
  if (!isFolder) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
