// The database side: one process at a time on the embedded database, concurrent first starts on PostgreSQL
// migrate once, and unreachable databases fail with exit 1 and no password in sight.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli, startCli } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';
import { query, storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);

describe('database handling', () => {
  const scene = scenario({ exchange: { now: NOW } });

  it('a second process on the embedded database gets a clear message, not corruption', async () => {
    const t = await scene.makeTarget('embedded');
    try {
      scene.fake.setLatency(40);
      const first = startCli(t, ['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--interval', '1m']);
      // Wait until the first process holds the lock and is fetching.
      await waitForKlineRequests(scene.fake, 1);
      const second = await runCli(t, ['status']);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^cryptocollect: the embedded database in .* is in use by process \d+/);
      const res = await first.done;
      assert.equal(res.code, 0, res.stderr);
      scene.fake.setLatency(0);
      assert.deepEqual(await storedKlines(t, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', Date.UTC(2024, 4, 1), NOW));
    } finally {
      scene.fake.setLatency(0);
    }
  });

  it('a stale embedded lock left by a dead process is taken over', async () => {
    const t = await scene.makeTarget('embedded');
    await writeFile(path.join(t.dataDir, 'cryptocollect.lock'), JSON.stringify({ pid: 2 ** 22 + 1, host: (await import('node:os')).hostname(), procStart: null, since: 'earlier' }));
    const res = await runCli(t, ['status', '--json']);
    assert.equal(res.code, 0, res.stderr);
  });

  it('two processes starting at once on a fresh PostgreSQL database migrate once and both succeed', async () => {
    const t = await scene.makeTarget('postgres', {}, { store: 'empty' });
    const [a, b] = await Promise.all([
      runCli(t, ['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT']),
      runCli(t, ['backfill', '--since', '2024-05-01', '--symbols', 'ETHUSDT']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const migrations = await query<{ name: string }>(t, 'select name from cryptocollect_migration');
    const files = (await readdir(new URL('../../sql/', import.meta.url))).filter((f) => f.endsWith('.sql')).sort();
    assert.deepEqual(migrations.map((m) => m.name).sort(), files.map((f) => f.replace(/\.sql$/, '')));
  });

  const unreachable: Array<[string, (url: URL) => string, RegExp]> = [
    ['refused connection', (u) => `postgres://postgres:s3cretpw@127.0.0.1:1/${u.pathname.slice(1)}`, /cannot reach PostgreSQL at 127\.0\.0\.1:1: connection refused/],
    ['missing database', (u) => `postgres://postgres:s3cretpw@${u.host}/no_such_db_here`, /has no database "no_such_db_here"/],
  ];
  for (const [name, makeUrl, message] of unreachable) {
    it(`${name}: exit 1, one line, no password`, async () => {
      const t = await scene.makeTarget('postgres');
      const res = await runCli({ ...t, databaseUrl: makeUrl(new URL(t.databaseUrl as string)) }, ['status']);
      assert.equal(res.code, 1);
      assert.match(res.stderr, message);
      assert.equal(res.stderr.trim().split('\n').length, 1);
      assert.doesNotMatch(res.stderr + res.stdout, /s3cretpw/);
    });
  }
});
