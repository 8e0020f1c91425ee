import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers/temp-index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * issue 14 item 9: the README's `npm install -g .` puts `trailhound` on the PATH. Installed into a
 * temporary prefix, offline: a folder installs as a link to the clone, with no download and no build.
 */
describe('installing the command from the clone', () => {
  it('npm install -g . --prefix DIR gives a trailhound that runs from any folder', () => {
    const prefix = tempDir('trailhound-prefix-');
    const install = spawnSync(
      'npm',
      ['install', '-g', '.', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
      { cwd: repo, encoding: 'utf8', timeout: 120_000 },
    );
    expect(install.status, install.stderr).toBe(0);
    const elsewhere = tempDir();
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env['PATH']}`, TRAILHOUND_DB: '' };
    const version = spawnSync('trailhound', ['--version'], { cwd: elsewhere, env, encoding: 'utf8' });
    const printVersion = 'JSON.stringify(require("./package.json").version)';
    const packageVersionJson = spawnSync('node', ['-p', printVersion], { cwd: repo, encoding: 'utf8' }).stdout;
    expect(version.stdout).toBe(`${JSON.parse(packageVersionJson)}\n`);
    const search = spawnSync('trailhound', ['search', 'x'], { cwd: elsewhere, env, encoding: 'utf8' });
    expect(search.status).toBe(1);
    expect(search.stderr).toBe(
      `error: cannot open database trailhound.db\n reason: no such file\n` +
        `   help: index some logs first: trailhound index PATH --db FILE\n`,
    );
    expect(realpathSync(join(prefix, 'bin', 'trailhound'))).toBe(join(realpathSync(repo), 'bin', 'trailhound.js'));
  }, 150_000);
});
