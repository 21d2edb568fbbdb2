// `anju` runs from a bundle of the sources (bin/anju.mjs), built when the sources change. The
// bundle must behave as the sources do, and find the files beside the code (migrations, the
// password blocklist, package.json) from its own folder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, fromRoot } from '../src/shared/paths.ts';

const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, ['bin/anju.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('the command-line bundle', () => {
  it('says the same as the sources, and is kept under dist/cli by a key of the sources', () => {
    for (const args of [['--help'], ['--version'], ['import', 'roster', '--help'], ['users', '--help'], ['funds', '--help']]) {
      const bundled = run(args);
      const sources = run(args, { ANJU_CLI_SOURCE: '1' });
      assert.equal(bundled.code, 0, bundled.err);
      assert.equal(bundled.out, sources.out, args.join(' '));
    }
    const built = readdirSync(join(ROOT, 'dist', 'cli')).filter((n) => !n.startsWith('.'));
    assert.ok(built.some((n) => existsSync(join(ROOT, 'dist', 'cli', n, 'cli.js'))));
    assert.equal(run(['--version']).out.trim(), JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version);
  });

  it('reads the files beside the code from the project root', () => {
    assert.ok(existsSync(fromRoot('migrations', '0001_core.sql')));
    assert.ok(existsSync(fromRoot('src', 'auth', 'common-passwords.txt')));
    assert.ok(existsSync(fromRoot('src', 'shared', 'worker-entry.mjs')));
  });
});
