// With --json, stdout is exactly one JSON document whatever goes wrong: the parser's errors are usage errors like
// those of our own checks, with the same document and exit 2, and stderr has the one line.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { documentOf, runInProcess } from './run-in-process.ts';

interface ErrorDocument {
  error: { code: string; message: string; exit_code: number; details: Record<string, unknown> };
}

describe('--json usage errors', () => {
  let dataDir: string;
  // Nothing here may reach an exchange or a database: both point nowhere.
  let env: Record<string, string | undefined>;
  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cc-contract-'));
    env = { HOME: dataDir, CRYPTOCOLLECT_DATA_DIR: dataDir, BINANCE_BASE_URL: 'http://127.0.0.1:1', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const cases: Array<[string, string[], RegExp]> = [
    ['a missing required option', ['backfill', '--symbols', 'BTCUSDT', '--json'], /required option '--since <date>' not specified/],
    ['an unknown option', ['forward', '--bogus', '--json'], /unknown option '--bogus'/],
    ['an unknown option, with a suggestion', ['forward', '--symbol', 'BTCUSDT', '--json'], /unknown option '--symbol' \(did you mean --symbols\?\)$/],
    ['an option without its value', ['backfill', '--symbols', 'BTCUSDT', '--json', '--since'], /option '--since <date>' argument missing/],
    ['an unknown command', ['backfil', '--json'], /unknown command 'backfil' \(did you mean backfill\?\)/],
    ['an excess argument', ['status', 'BTCUSDT', '--json'], /too many arguments for 'status'/],
    ['no command, --json alone', ['--json'], /^no command given; run `cryptocollect --help` for the commands$/],
    ['--json before the command', ['--json', 'status', '--runs', '0'], /--runs "0" is not a whole number/],
    ['a value the command rejects', ['status', '--runs', 'x', '--json'], /--runs "x" is not a whole number/],
    ['a date that is not one', ['backfill', '--since', 'soon', '--symbols', 'BTCUSDT', '--json'], /--since "soon" is not an ISO 8601 date/],
    ['a bad configuration value', ['status', '--concurrency', '0', '--json'], /--concurrency="0" is not a whole number from 1 to 64/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: one error document, code usage, exit 2`, async () => {
      const res = await runInProcess(args, { env });
      assert.equal(res.code, 2, res.stderr);
      const doc = documentOf<ErrorDocument>(res);
      assert.deepEqual(Object.keys(doc), ['error']);
      assert.deepEqual(Object.keys(doc.error), ['code', 'message', 'exit_code', 'details']);
      assert.equal(doc.error.code, 'usage');
      assert.equal(doc.error.exit_code, 2);
      assert.match(doc.error.message, message);
      assert.deepEqual(doc.error.details, {});
      assert.equal(res.stderr, `cryptocollect: ${doc.error.message}\n`);
    });
  }

  it('without --json the same error is the one line alone', async () => {
    const res = await runInProcess(['status', '--runs', 'x'], { env });
    assert.equal(res.code, 2);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, 'cryptocollect: --runs "x" is not a whole number from 1 to 1,000,000\n');
  });

  it('an argument after -- that reads --json asks for nothing', async () => {
    const res = await runInProcess(['status', '--', '--json'], { env });
    assert.equal(res.code, 2);
    assert.equal(res.stdout, '');
  });
});
