// PostgreSQL going away in the middle of a backfill, on a cluster of this test's own (the shared test cluster
// must not be disturbed): a restart is ridden out (writes retried), a database that stays down fails the run
// cleanly with exit 1, and nothing committed is lost.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { findPostgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.ts';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';
import { jsonOf, runCli, startCli, type CliTarget } from '../support/run-cli.ts';
import { query, storedKlines } from '../support/stored-rows.ts';

const run = promisify(execFile);
const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 3, 1);

async function pgCtl(cluster: PostgresCluster, ...args: string[]): Promise<void> {
  const dir = findPostgresBinDir();
  const bin = dir ? path.join(dir, 'pg_ctl') : 'pg_ctl';
  const cmd = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin]] : [bin, []];
  await run(cmd[0] as string, [...(cmd[1] as string[]), '-D', cluster.dataDir, '-l', cluster.logFile, '-w', ...args], { cwd: '/' });
}

describe('database trouble during a backfill', () => {
  let cluster: PostgresCluster;
  let fake: FakeExchange;
  let target: CliTarget;
  let dataDir: string;

  before(async () => {
    cluster = await startPostgresCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database restart_test');
    await admin.end();
    fake = await createFakeExchange({ now: NOW, latencyMs: 20 });
    dataDir = await mkdtemp(path.join(tmpdir(), 'cc-restart-'));
    target = {
      baseUrl: fake.url,
      databaseUrl: cluster.url.replace(/\/postgres$/, '/restart_test'),
      dataDir,
      env: { CRYPTOCOLLECT_CONCURRENCY: '4' },
    };
  });
  after(async () => {
    await fake.close();
    await cluster.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('rides out a PostgreSQL restart: exit 0, exactly the right rows', async () => {
    const child = startCli(target, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m', '--json']);
    await waitForKlineRequests(fake, 15);
    await pgCtl(cluster, '-m', 'fast', 'restart');
    const res = await child.done;
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(target, 'BTCUSDT', '1m'), fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
  });

  it('a database that stays down fails the run with exit 1 and one line; committed rows are kept and resumed', async () => {
    fake.resetRequests();
    const since = Date.UTC(2024, 1, 1);
    const args = ['backfill', '--since', new Date(since).toISOString(), '--symbols', 'ETHUSDT', '--interval', '1m'];
    const child = startCli(target, args);
    await waitForKlineRequests(fake, 15);
    await pgCtl(cluster, '-m', 'fast', 'stop');
    const res = await child.done;
    // restart (not start) reuses the options of the first start (postmaster.opts), including the port. Before any
    // assertion: the tests after this one need the database back.
    await pgCtl(cluster, 'restart');
    assert.equal(res.code, 1, `${res.stderr}\n${res.stdout}`);
    // Whichever statement met the stopped server first says so: a page's write, or the claim of the next range.
    const failed = /^cryptocollect: (storing ETHUSDT 1m candles|claiming pages) failed: lost the database connection/;
    assert.match(res.stderr, failed);
    assert.equal(res.stderr.trim().split('\n').length, 1);

    const expected = fake.expectedKlines('ETHUSDT', '1m', since, NOW);
    const kept = await storedKlines(target, 'ETHUSDT', '1m');
    assert.ok(kept.length > 0);
    const byOpen = new Map(expected.map((k) => [k[0], k]));
    for (const k of kept) assert.deepEqual(k, byOpen.get(k[0]));

    // The run could not be recorded while the database was down: it is recorded by the next run, as failed with
    // its error and what it stored, not as abandoned by a killed process.
    const again = await runCli(target, args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await storedKlines(target, 'ETHUSDT', '1m'), expected);
    const runs = await query<{ status: string; error: string; candles_written: string; finished_at: Date | null; seconds: number }>(
      target,
      `select status, error, candles_written::text, finished_at, extract(epoch from finished_at - started_at)::float8 as seconds
         from runs where args->>'symbols' like '%ETHUSDT%' order by id`,
    );
    assert.deepEqual(runs.map((r) => r.status), ['failed', 'success']);
    assert.match(runs[0]?.error ?? '', new RegExp(failed.source.slice('^cryptocollect: '.length)));
    assert.ok(runs[0]?.finished_at !== null && (runs[0]?.seconds ?? -1) > 0, `finished ${String(runs[0]?.finished_at)}, ${runs[0]?.seconds} s`);
    // What it stored, as the later run did not have to store it again.
    assert.equal(Number(runs[0]?.candles_written), kept.length);
  });

  it('a signal while the writes wait for the database cuts the wait short: exit 130, recorded once it is back', async () => {
    fake.resetRequests();
    const since = Date.UTC(2024, 1, 1);
    const args = ['backfill', '--since', new Date(since).toISOString(), '--symbols', 'XRPUSDT', '--interval', '1m'];
    fake.addSymbol({ symbol: 'XRPUSDT', baseAsset: 'XRP', quoteAsset: 'USDT', listedAt: Date.UTC(2019, 0, 1) });
    const child = startCli(target, args);
    await waitForKlineRequests(fake, 15);
    await pgCtl(cluster, '-m', 'fast', 'stop');
    // The writes now retry for about 30 s; the first signal must not wait for them.
    await new Promise((r) => setTimeout(r, 500));
    child.child.kill('SIGTERM');
    const res = await child.done;
    assert.equal(res.code, 130, res.stderr);
    assert.match(res.stderr, /SIGTERM received/);
    await pgCtl(cluster, 'restart');
    const again = await runCli(target, args);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await storedKlines(target, 'XRPUSDT', '1m'), fake.expectedKlines('XRPUSDT', '1m', since, NOW));
    const runs = await query<{ status: string }>(target, `select status from runs where args->>'symbols' like '%XRPUSDT%' order by id`);
    assert.deepEqual(runs.map((r) => r.status), ['interrupted', 'success']);
  });

  it('a refused password: exit 1, one line naming the user, never the password', async () => {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`create role collector login password 'correct-horse'`);
    // Password authentication for this role only (the cluster trusts everyone else).
    const hba = await readFile(path.join(cluster.dataDir, 'pg_hba.conf'), 'utf8');
    await writeFile(path.join(cluster.dataDir, 'pg_hba.conf'), `host all collector 127.0.0.1/32 scram-sha-256\n${hba}`);
    await admin.query('select pg_reload_conf()');
    await admin.end();
    const url = new URL(target.databaseUrl as string);
    url.username = 'collector';
    url.password = 'wrong-battery-staple';
    const res = await runCli({ ...target, databaseUrl: url.toString() }, ['status', '--json']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^cryptocollect: PostgreSQL at 127\.0\.0\.1:\d+ refused the credentials for user "collector"\n$/);
    assert.doesNotMatch(res.stderr + res.stdout, /wrong-battery-staple/);
    assert.equal(jsonOf<{ error: { exit_code: number } }>(res).error.exit_code, 1);
  });
});
