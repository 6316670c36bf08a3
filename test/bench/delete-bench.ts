// `node --import tsx test/bench/delete-bench.ts [rows]`: how long the set-based deletes take — `untrack --purge`'s
// (a whole series) and `refetch`'s (a range of one) — on the embedded store and on a throwaway PostgreSQL cluster,
// for a series of `rows` (default 300,000) 1m candles of which 1% are irregular, beside a neighbour series that
// must be left alone. Also times the same range deleted through the `candles` view, as a user would. Not part of the
// test suite: it prints numbers, it asserts only that each delete removed what it should.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import type { Database } from '../../src/db/schema.ts';
import { purgeSeriesData } from '../../src/db/tracking-repository.ts';
import { startPostgresCluster } from '../support/postgres-cluster.ts';

const ROWS = Number(process.argv[2] ?? 300_000);
const START = Date.UTC(2023, 0, 1);
const MINUTE = 60_000;

type Db = Kysely<Database>;

async function seriesId(db: Db, symbol: string): Promise<number> {
  const r = await db
    .insertInto('series')
    .values({ symbol, interval: '1m', start_time: new Date(START) })
    .onConflict((oc) => oc.columns(['symbol', 'interval']).doUpdateSet({ collected_until: null }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

/** `rows` 1m candles from START, every 100th irregular (a close time cut short), and a finding per 1,000. */
async function fill(db: Db, id: number, rows: number): Promise<void> {
  await sql`
    insert into candle_data (open_time, series_id, trades, open, high_minus_open, low_minus_open, close_minus_open,
                             volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume)
    select ${new Date(START)}::timestamptz + g * interval '1 minute', ${id}::int4, 100 + g % 50, 42000.12000000 + g % 997,
           5.10000000, -3.20000000, 1.00000000, 12.34567800, 518000.12345678, 6.17283900, 259000.06172839
      from generate_series(0, ${rows - 1}::int4) g`.execute(db);
  await sql`
    insert into irregular_candles (series_id, open_time, close_time)
    select ${id}::int4, ${new Date(START)}::timestamptz + g * interval '1 minute', ${new Date(START)}::timestamptz + g * interval '1 minute' + interval '30 seconds'
      from generate_series(0, ${rows - 1}::int4, 100) g`.execute(db);
  await sql`
    insert into quality_findings (series_id, open_time, rule, detail)
    select ${id}::int4, ${new Date(START)}::timestamptz + g * interval '1 minute', 'bench', 'x'
      from generate_series(0, ${rows - 1}::int4, 1000) g`.execute(db);
  await sql`update series set collected_until = ${new Date(START + rows * MINUTE)} where id = ${id}`.execute(db);
  await sql`analyze candle_data`.execute(db);
}

async function count(db: Db, table: 'candle_data' | 'irregular_candles', id: number): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)} where series_id = ${id}`.execute(db);
  return Number(r.rows[0]?.n);
}

async function timed(what: string, fn: () => Promise<unknown>): Promise<number> {
  const begun = performance.now();
  await fn();
  const ms = performance.now() - begun;
  console.log(`  ${what.padEnd(44)} ${(ms / 1000).toFixed(3)} s  (${((ms * 1000) / ROWS).toFixed(2)} µs/row)`);
  return ms;
}

/** The refetch's range delete, when this checkout has it (src/db/refetch-repository.ts). */
async function rangeDelete(): Promise<((db: Db, s: { id: number }, r: { from: number; to: number }) => Promise<unknown>) | null> {
  try {
    const mod = (await import('../../src/db/' + 'refetch-repository.ts')) as { deleteSeriesRange?: (db: Db, s: { id: number }, r: { from: number; to: number }) => Promise<unknown> };
    return mod.deleteSeriesRange ?? null;
  } catch {
    return null;
  }
}

async function bench(kind: string, handle: DatabaseHandle): Promise<void> {
  const { db } = handle;
  const fk = await sql<{ n: string }>`select count(*)::text as n from pg_constraint where conrelid = 'irregular_candles'::regclass and contype = 'f'`.execute(db);
  console.log(`${kind}: ${ROWS.toLocaleString('en-US')} rows, irregular_candles foreign keys: ${fk.rows[0]?.n}`);
  const target = await seriesId(db, 'BENCHUSDT');
  const neighbour = await seriesId(db, 'OTHERUSDT');
  await fill(db, neighbour, 10_000);

  await fill(db, target, ROWS);
  await timed('untrack --purge (purgeSeriesData)', () => purgeSeriesData(db, [target]));
  assert.equal(await count(db, 'candle_data', target), 0);
  assert.equal(await count(db, 'irregular_candles', target), 0);

  const refetchDelete = await rangeDelete();
  if (refetchDelete) {
    await fill(db, target, ROWS);
    await timed('refetch range delete (deleteSeriesRange)', () => refetchDelete(db, { id: target }, { from: START, to: START + ROWS * MINUTE }));
    assert.equal(await count(db, 'candle_data', target), 0);
    assert.equal(await count(db, 'irregular_candles', target), 0);
  }

  await fill(db, target, ROWS);
  await timed('delete from candles (the view, per row)', () =>
    sql`delete from candles where symbol = 'BENCHUSDT' and interval = '1m' and open_time >= ${new Date(START)}`.execute(db),
  );
  assert.equal(await count(db, 'candle_data', target), 0);
  assert.equal(await count(db, 'irregular_candles', target), 0);
  assert.equal(await count(db, 'candle_data', neighbour), 10_000);
}

const dir = await mkdtemp(path.join(tmpdir(), 'cc-delete-bench-'));
try {
  const embedded = await openDatabase({ dataDir: dir, poolSize: 2 });
  try {
    await bench('embedded (PGlite)', embedded);
  } finally {
    await embedded.close();
  }
  const cluster = await startPostgresCluster();
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query('create database cc_delete_bench');
    await admin.end();
    const url = cluster.url.replace(/\/postgres$/, '/cc_delete_bench');
    const postgres = await openDatabase({ databaseUrl: url, dataDir: dir, poolSize: 2 });
    try {
      await bench('PostgreSQL', postgres);
    } finally {
      await postgres.close();
    }
  } finally {
    await cluster.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
