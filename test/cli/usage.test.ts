// Bad input gets one clear line on stderr and exit 2, and writes nothing. Run in-process (runCli with fake streams),
// but for the warning test: Node's process-wide warnings are the real CLI's to fold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { documentOf, runTarget } from '../contract/run-in-process.ts';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { runCli as spawnCli } from '../support/run-cli.ts';
import { query } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

describe('usage errors', () => {
  let fake: FakeExchange;
  let t: Target;
  before(async () => {
    fake = await createFakeExchange();
    t = await makeTarget('postgres', fake.url);
  });
  after(async () => {
    await t.cleanup();
    await fake.close();
  });

  const cases: Array<[string, string[], RegExp]> = [
    ['a date that is not one', ['backfill', '--since', 'notadate', '--symbols', 'BTCUSDT'], /--since "notadate" is not an ISO 8601 date/],
    ['--until before --since', ['backfill', '--since', '2024-02-01', '--until', '2024-01-01', '--symbols', 'BTCUSDT'], /--until must be after --since/],
    ['--since in the future', ['backfill', '--since', '2030-01-01', '--symbols', 'BTCUSDT'], /is in the future/],
    ['an unknown option', ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT', '--bogus'], /unknown option '--bogus'/],
    ['a missing required option', ['backfill', '--symbols', 'BTCUSDT'], /required option '--since <date>' not specified/],
    ['an invalid interval', ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT', '--interval', '1H'], /"1H" is not a Binance interval \(did you mean 1h\?\)/],
    ['an injection attempt', ['backfill', '--since', '2024-01-01', '--symbols', "BTCUSDT'; drop table candles;--"], /is not a valid symbol/],
    ['an unknown symbol, with a suggestion', ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSTD'], /unknown symbol .*BTCUSTD \(did you mean BTCUSDT\?\)/],
    ['a bad environment value', ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT', '--concurrency', 'abc'], /--concurrency="abc" is not a whole number/],
    ['forward on an untracked symbol', ['forward', '--symbols', 'ETHUSDT'], /not tracked: ETHUSDT/],
    ['a UTC offset beyond +14:00', ['backfill', '--since', '2024-01-01T00:00+15:00', '--symbols', 'BTCUSDT'], /invalid UTC offset \(from -14:00 to \+14:00\)/],
    ['a UTC offset with 60 minutes', ['backfill', '--since', '2024-01-01T00:00-05:60', '--symbols', 'BTCUSDT'], /invalid UTC offset/],
    ['--runs 0', ['status', '--runs', '0'], /--runs "0" is not a whole number from 1/],
    ['--runs in exponent form', ['status', '--runs', '1e1'], /--runs "1e1" is not a whole number/],
    ['--runs negative', ['status', '--runs', '-3'], /--runs "-3" is not a whole number/],
    ['--runs with blanks', ['status', '--runs', ' 5'], /--runs " 5" is not a whole number/],
    ['no command at all', [], /^cryptocollect: no command given; run `cryptocollect --help` for the commands$/m],
    ['--since without --recheck', ['gaps', '--since', '2024-01-01'], /--since and --until go with --recheck/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2, one line, nothing stored`, async () => {
      fake.resetRequests();
      const res = await runTarget(t, args);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, message);
      assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
      assert.doesNotMatch(res.stderr, /\n\s+at /);
      assert.equal(res.stdout, '');
      assert.equal(fake.klineRequests().length, 0);
    });
  }

  it('wrote nothing at all', async () => {
    // Forward on an untracked symbol opened the database above, so its schema is there: only rows would be writes.
    const tables = await query<{ n: number }>(t, `select count(*)::int as n from pg_tables where tablename in ('series', 'runs')`);
    assert.equal(tables[0]?.n, 2);
    assert.deepEqual(await query(t, 'select * from series'), []);
    assert.deepEqual(await query(t, 'select * from runs'), []);
  });

  it('--json errors are one JSON document on stdout too', async () => {
    const res = await runTarget(t, ['backfill', '--since', '2024-01-01', '--symbols', 'NOPE', '--json']);
    assert.equal(res.code, 2);
    assert.deepEqual(Object.keys(documentOf<{ error: object }>(res).error), ['code', 'message', 'exit_code', 'details']);
  });

  it('credentials in BINANCE_BASE_URL are never echoed, valid or not', async () => {
    const bad = await runTarget({ ...t, baseUrl: 'ftp://trader:s3cr/et@exchange.example' }, ['status']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^cryptocollect: invalid configuration: BINANCE_BASE_URL="ftp:\/\/\*\*\*@exchange\.example" is not an http\(s\) URL/);
    const unreachable = await runTarget({ ...t, baseUrl: 'http://trader:s3cret@127.0.0.1:1', env: { CRYPTOCOLLECT_RETRIES: '0' } }, ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT']);
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.stderr, /^cryptocollect: .*http:\/\/127\.0\.0\.1:1.*connection refused\n$/);
    for (const res of [bad, unreachable]) assert.doesNotMatch(res.stdout + res.stderr, /trader|s3cr/);
  });

  it('the driver’s sslmode warning is one line', async () => {
    const url = new URL(t.databaseUrl as string);
    url.port = '1';
    url.searchParams.set('sslmode', 'require');
    const res = await spawnCli({ ...t, databaseUrl: url.toString() }, ['status']);
    assert.equal(res.code, 1);
    assert.deepEqual(res.stderr.trim().split('\n'), [
      "cryptocollect: warning: SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.",
      'cryptocollect: cannot reach PostgreSQL at 127.0.0.1:1: connection refused',
    ]);
  });

  it('help lists the exit codes', async () => {
    const res = await runTarget(t, ['--help']);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /Exit codes:[\s\S]*130\s+interrupted/);
  });
});
