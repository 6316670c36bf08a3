// Help and version: every command's help shows the options all commands share; the version is package.json's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { runInProcess } from './run-in-process.ts';

const COMMANDS = ['backfill', 'forward', 'gaps', 'refetch', 'status', 'export'];
const SHARED = ['--symbols <list>', '--interval, --intervals <list>', '--json', '--quiet', '--database-url <url>', '--data-dir <dir>', '--base-url <url>', '--concurrency <n>', '--timeout <seconds>', '--local-address <ip>', '--verbose'];

describe('help and version', () => {
  for (const command of COMMANDS) {
    it(`${command} --help shows every shared option and an example`, async () => {
      const res = await runInProcess([command, '--help']);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stderr, '');
      for (const option of SHARED) assert.match(res.stdout, new RegExp(`^\\s+${option.replace(/[<>]/g, '\\$&')}\\s`, 'm'), `${command} --help lacks ${option}`);
      assert.match(res.stdout, /^Examples:\n\s+cryptocollect /m);
    });
  }

  it('the program help lists the commands and the exit codes', async () => {
    const res = await runInProcess(['--help']);
    assert.equal(res.code, 0);
    for (const command of COMMANDS) assert.match(res.stdout, new RegExp(`^\\s+${command} \\[options\\]`, 'm'));
    assert.match(res.stdout, /Exit codes:[\s\S]*130\s+interrupted/);
  });

  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const res = await runInProcess(['--version']);
    assert.equal(res.code, 0);
    assert.equal(res.stdout, `${pkg.version}\n`);
  });
});
