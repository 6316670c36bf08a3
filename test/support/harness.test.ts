/** Self-test of the test infrastructure: per-test databases and throwaway clusters. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgresCluster } from './postgres-cluster.ts';
import { query } from './stored-rows.ts';
import { makeTarget } from './targets.ts';
import { createTestDatabase, testClusterUrl, TEST_PG_URL_ENV, type TestDatabase } from './test-database.ts';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return withClient(testClusterUrl(), async (c) => {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return r.rowCount === 1;
  });
}

describe('createTestDatabase', () => {
  const created: TestDatabase[] = [];
  after(async () => {
    await Promise.all(created.map((d) => d.drop()));
  });

  it('gives a working, isolated database that drop() removes', async () => {
    const a = await createTestDatabase('harness_a', { schema: 'empty' });
    const b = await createTestDatabase('harness_b', { schema: 'empty' });
    created.push(a, b);
    assert.notEqual(a.name, b.name);
    assert.ok(a.url.endsWith(`/${a.name}`), a.url);

    await withClient(a.url, async (c) => {
      const db = await c.query<{ db: string }>('SELECT current_database() AS db');
      assert.equal(db.rows[0]?.db, a.name);
      await c.query('CREATE TABLE candles (open_time bigint PRIMARY KEY, close numeric NOT NULL)');
      await c.query('INSERT INTO candles VALUES ($1, $2), ($3, $4)', [1, '1.5', 2, '2.25']);
      const r = await c.query<{ open_time: string; close: string }>('SELECT open_time, close FROM candles ORDER BY open_time');
      assert.deepEqual(r.rows, [
        { open_time: '1', close: '1.5' },
        { open_time: '2', close: '2.25' },
      ]);
    });

    // Isolation: b does not see a's table.
    await withClient(b.url, async (c) => {
      const r = await c.query("SELECT to_regclass('public.candles') AS t");
      assert.equal(r.rows[0]?.t, null);
    });

    // drop() terminates open connections and removes the database; it is idempotent.
    const lingering = new pg.Client({ connectionString: a.url });
    lingering.on('error', () => undefined);
    await lingering.connect();
    await a.drop();
    await a.drop();
    assert.equal(await databaseExists(a.name), false);
    assert.equal(await databaseExists(b.name), true);
    await assert.rejects(lingering.query('SELECT 1'));
    await lingering.end().catch(() => undefined);
    await assert.rejects(withClient(a.url, (c) => c.query('SELECT 1')), /does not exist/);
  });

  it('clones the migrated template by default: every migration in sql/ applied, no rows yet', async () => {
    const d = await createTestDatabase('harness_migrated');
    created.push(d);
    const files = (await readdir(new URL('../../sql/', import.meta.url))).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
    await withClient(d.url, async (c) => {
      const applied = await c.query<{ name: string }>('SELECT name FROM cryptocollect_migration ORDER BY name');
      assert.deepEqual(applied.rows.map((r) => r.name), files.sort());
      const series = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM series');
      assert.equal(series.rows[0]?.n, 0);
    });
  });

  it('sanitises and length-limits the prefix', async () => {
    const d = await createTestDatabase('Weird Prefix/"quoted"-' + 'x'.repeat(80));
    created.push(d);
    assert.match(d.name, /^[a-z0-9_]+$/);
    assert.ok(d.name.length <= 63, d.name);
    assert.equal(await databaseExists(d.name), true);
  });

  it('explains how to run tests when the cluster URL is missing', async () => {
    const saved = process.env[TEST_PG_URL_ENV];
    delete process.env[TEST_PG_URL_ENV];
    try {
      await assert.rejects(createTestDatabase(), new RegExp(`${TEST_PG_URL_ENV} is not set.*npm test`));
    } finally {
      process.env[TEST_PG_URL_ENV] = saved;
    }
  });
});

describe('makeTarget on embedded', () => {
  it('copies the migrated store and nothing else into a new data directory, or leaves it empty', async () => {
    const migrated = await makeTarget('embedded', 'http://127.0.0.1:9');
    const empty = await makeTarget('embedded', 'http://127.0.0.1:9', {}, { store: 'empty' });
    try {
      assert.deepEqual(await readdir(migrated.dataDir), ['pgdata']);
      assert.deepEqual(await readdir(empty.dataDir), []);
      const applied = await query<{ n: number }>(migrated, 'SELECT count(*)::int AS n FROM cryptocollect_migration');
      const files = (await readdir(new URL('../../sql/', import.meta.url))).filter((f) => f.endsWith('.sql'));
      assert.equal(applied[0]?.n, files.length);
    } finally {
      await migrated.cleanup();
      await empty.cleanup();
    }
  });
});

describe('startPostgresCluster', () => {
  it('starts a working cluster and stop() removes it', async () => {
    const cluster = await startPostgresCluster();
    try {
      assert.equal(cluster.url, `postgres://postgres@127.0.0.1:${cluster.port}/postgres`);
      assert.ok(existsSync(cluster.dataDir));
      process.kill(cluster.pid, 0); // alive
      await withClient(cluster.url, async (c) => {
        const r = await c.query<{ fsync: string }>('SHOW fsync');
        assert.equal(r.rows[0]?.fsync, 'off');
        const mc = await c.query<{ max_connections: string }>('SHOW max_connections');
        assert.equal(mc.rows[0]?.max_connections, '200');
      });
    } finally {
      await cluster.stop();
    }
    await cluster.stop(); // idempotent
    assert.throws(() => process.kill(cluster.pid, 0), { code: 'ESRCH' });
    assert.equal(existsSync(cluster.rootDir), false);
  });
});
