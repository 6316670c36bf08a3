// What a cron job sees: a success under --quiet prints zero bytes (the real CLI, a real database, the fake
// exchange); forward without --quiet prints one summary line unless a series failed, then that series' line too;
// forward on a database that tracks nothing fails loudly (exit 2, naming the database, never its password)
// instead of succeeding every hour — and creates no embedded store where there was none.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { createFakeExchange, usdtSymbol, type FakeExchange } from '../support/fake-exchange/index.ts';
import { runCli } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, releaseStore } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';
import { documentOf, runTarget, type InProcessResult } from './run-in-process.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);
const H = 3_600_000;
const START = 'start one with `cryptocollect backfill --since 2024-01-01` (the top 100 USDT symbols; or --symbols BTCUSDT,…)';

interface ErrorDocument {
  error: { code: string; message: string; exit_code: number; details: Record<string, unknown> };
}

/** Exit 2, one line on stderr, and the --json error document saying the same. */
async function assertRefused(run: (args: string[]) => Promise<InProcessResult>, args: string[], line: string, database: string): Promise<void> {
  const res = await run(args);
  assert.equal(res.code, 2, res.stderr);
  assert.equal(res.stdout, '');
  assert.equal(res.stderr, `cryptocollect: ${line}\n`);
  const json = await run([...args, '--json']);
  assert.equal(json.code, 2);
  assert.deepEqual(documentOf<ErrorDocument>(json), { error: { code: 'usage', message: line, exit_code: 2, details: { database } } });
}

describeOnEachDb('cron etiquette', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: [usdtSymbol('BTCUSDT'), usdtSymbol('ETHUSDT')] } });
  const inProcess = async (args: string[]) => {
    await releaseStore(scene.target.dataDir);
    return runTarget(scene.target, args);
  };

  before(async () => {
    const res = await scene.run(['backfill', '--since', '2024-05-30', '--symbols', 'BTCUSDT,ETHUSDT', '--intervals', '1h']);
    assert.equal(res.code, 0, res.stderr);
  });

  it('a --quiet success prints zero bytes on stdout and stderr: forward with work to do, and with none', async () => {
    scene.fake.advance(3 * H);
    const busy = await scene.run(['forward', '--quiet']);
    assert.deepEqual([busy.code, busy.stdout, busy.stderr], [0, '', '']);
    const idle = await scene.run(['forward', '--quiet']);
    assert.deepEqual([idle.code, idle.stdout, idle.stderr], [0, '', '']);
    const [last] = await query<{ status: string; candles_written: string }>(scene.target, 'select status, candles_written::text from runs order by id desc offset 1 limit 1');
    assert.deepEqual(last, { status: 'success', candles_written: '6' });
  });

  it('without --quiet, a forward that went well is one summary line', async () => {
    scene.fake.advance(2 * H);
    const res = await scene.run(['forward']);
    assert.equal(res.code, 0, res.stderr);
    const [run] = await query<{ id: number; candles_written: string; requests: number; weight: number }>(
      scene.target,
      'select id, candles_written::text, requests, weight from runs order by id desc limit 1',
    );
    assert.equal(run?.candles_written, '4');
    const duration = /, (\d+\.\ds|\d+s|\d+m \d+s), run #/.exec(res.stdout)?.[1];
    assert.equal(res.stdout, `forward success: 4 candles written to 2 series, ${run?.requests} requests (weight ${run?.weight}), ${duration}, run #${run?.id}\n`);
  });

  it('a series that failed gets its line under the summary; the others do not; --verbose lists every series', async () => {
    scene.fake.advance(2 * H);
    scene.fake.injectFault({ path: '/api/v3/klines', symbol: 'ETHUSDT', kind: 'status500', times: 1000 });
    try {
      const res = await scene.run(['forward']);
      assert.equal(res.code, 3, res.stderr);
      const lines = res.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 2, res.stdout);
      assert.match(lines[0] ?? '', /^forward partial: 2 candles written to 2 series, \d+ requests \(weight \d+\), .*, run #\d+$/);
      assert.match(lines[1] ?? '', /^ETHUSDT 1h failed: 0 candles written, \d+ requests?; the exchange at .* failed after 4 attempts: HTTP 500/);

      const verbose = await scene.run(['forward', '--verbose']);
      assert.equal(verbose.code, 3, verbose.stderr);
      const rows = verbose.stdout.split('\n');
      assert.deepEqual(rows[0]?.split(/\s{2,}/), ['symbol', 'int', 'status', 'candles', 'requests', 'findings']);
      assert.deepEqual(rows[2]?.split(/\s{2,}/), ['BTCUSDT', '1h', 'success', '0', '0', '0']);
      assert.deepEqual(rows[3]?.split(/\s{2,}/).slice(0, 4), ['ETHUSDT', '1h', 'failed', '0']);
      assert.match(rows[4] ?? '', /^ETHUSDT 1h failed: the exchange at /);
      assert.match(rows[5] ?? '', /^forward partial: 0 candles written to 2 series/);
    } finally {
      scene.fake.clearFaults();
    }
  });

  it('a selection that matches no tracked series: exit 2, naming the database; --allow-empty: exit 0, nothing done', async () => {
    const database = kind === 'postgres' ? redacted(scene.target.databaseUrl ?? '') : `the embedded database in ${scene.target.dataDir}`;
    await assertRefused(
      inProcess,
      ['forward', '--interval', '1d'],
      `no tracked series matches the selection in ${database}; \`cryptocollect status\` lists the tracked ones (or pass --allow-empty if an empty database is expected)`,
      database,
    );
    const allowed = await inProcess(['forward', '--interval', '1d', '--allow-empty', '--quiet']);
    assert.deepEqual([allowed.code, allowed.stdout, allowed.stderr], [0, '', '']);
  });
});

/** postgres://user@host:port/db, as the tool prints a URL. */
function redacted(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
}

describe('forward on a database that tracks no series', { concurrency: false }, () => {
  let fake: FakeExchange;
  const targets: Target[] = [];
  before(async () => {
    fake = await createFakeExchange({ now: NOW, symbols: [usdtSymbol('BTCUSDT')] });
  });
  after(async () => {
    await Promise.all(targets.map((t) => t.cleanup()));
    await fake.close();
  });

  it('PostgreSQL: exit 2 naming the URL without its password; --allow-empty exits 0 with the empty document', async () => {
    const t = await makeTarget('postgres', fake.url);
    targets.push(t);
    const url = new URL(t.databaseUrl ?? '');
    url.password = 'hunter2-s3cret';
    const withPassword = { ...t, databaseUrl: url.toString() };
    const database = redacted(url.toString());
    assert.doesNotMatch(database, /hunter2/);
    const line = `${database} tracks no series: ${START}, or point --database-url/--data-dir at the database that has them (or pass --allow-empty if an empty database is expected)`;
    await assertRefused((args) => runTarget(withPassword, args), ['forward'], line, database);
    // The real CLI, as cron runs it: the same line, and the password nowhere.
    const child = await runCli(withPassword, ['forward', '--quiet']);
    assert.deepEqual([child.code, child.stdout, child.stderr], [2, '', `cryptocollect: ${line}\n`]);
    assert.doesNotMatch(child.stdout + child.stderr, /hunter2/);

    const allowed = await runTarget(withPassword, ['forward', '--allow-empty', '--json']);
    assert.equal(allowed.code, 0, allowed.stderr);
    const doc = documentOf<Record<string, unknown>>(allowed);
    assert.equal(typeof doc.elapsed_seconds, 'number');
    assert.deepEqual(
      { ...doc, elapsed_seconds: 0 },
      { run_id: null, status: 'success', duration_seconds: 0, requests: 0, weight: 0, retries: 0, rate_limited: 0, candles_written: 0, server_time: null, series: [], elapsed_seconds: 0 },
    );
    assert.deepEqual(await query(t, 'select count(*)::int as n from runs'), [{ n: 0 }]);
  });

  it('embedded, a store that exists and tracks nothing: exit 2 naming its data directory', async () => {
    const t = await makeTarget('embedded', fake.url);
    targets.push(t);
    const database = `the embedded database in ${t.dataDir}`;
    const line = `${database} tracks no series: ${START}, or point --database-url/--data-dir at the database that has them (or pass --allow-empty if an empty database is expected)`;
    await assertRefused((args) => runTarget(t, args), ['forward'], line, database);
    const allowed = await runTarget(t, ['forward', '--allow-empty', '--quiet']);
    assert.deepEqual([allowed.code, allowed.stdout, allowed.stderr], [0, '', '']);
  });

  it('embedded, a data directory where no store was ever made: exit 2, and nothing is created there', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'cc-cron-'));
    try {
      const dataDir = path.join(parent, 'typo', 'cryptocollect');
      const t = { baseUrl: fake.url, dataDir, cwd: parent };
      const line = `there is no database yet in ${dataDir} (nothing was created): ${START}, or point --database-url/--data-dir at the database that has the series (or pass --allow-empty if an empty database is expected)`;
      await assertRefused((args) => runTarget(t, args), ['forward'], line, `the embedded database in ${dataDir}`);
      const child = await runCli(t, ['forward']);
      assert.deepEqual([child.code, child.stderr], [2, `cryptocollect: ${line}\n`]);
      assert.equal(existsSync(path.join(parent, 'typo')), false, 'the failing forward created the data directory');
      // Asked for, an empty store is what it was before: made, and nothing to do.
      const allowed = await runTarget(t, ['forward', '--allow-empty', '--quiet']);
      assert.deepEqual([allowed.code, allowed.stdout, allowed.stderr], [0, '', '']);
      assert.equal(existsSync(path.join(dataDir, 'pgdata')), true);
    } finally {
      await releaseStore(path.join(parent, 'typo', 'cryptocollect'));
      await rm(parent, { recursive: true, force: true });
    }
  });
});
