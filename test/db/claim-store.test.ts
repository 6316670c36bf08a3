// Claims of page ranges on PostgreSQL (db/claim-store.ts, sql/000012): two runs never hold overlapping ground; ground
// found collected is skipped, not claimed; a claim is taken over once its run's session is gone or its lease ran out,
// and the run that lost it learns so when it renews.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { postgresClaimStore, type ClaimStore } from '../../src/db/claim-store.ts';
import type { Database } from '../../src/db/schema.ts';
import { RUN_LOCK_NAMESPACE } from '../../src/db/series-locks.ts';
import type { Range, Series } from '../../src/domain.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const M = 60_000;
const T = Date.UTC(2024, 0, 1);
const at = (minutes: number): number => T + minutes * M;
const span = (from: number, to: number): Range => ({ from: at(from), to: at(to) });
/** Claims of 10,000 minutes from where the free ground starts. */
const tenThousand = (free: readonly Range[]): Range => {
  const first = free[0] as Range;
  return { from: first.from, to: Math.min(first.to, first.from + 10_000 * M) };
};

describe('claims of page ranges', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let kysely: Kysely<Database>;
  let series: Series;
  const sessions: pg.Client[] = [];
  /** A run: its session holds the run's lock, as a collecting run's lock connection does. */
  const run = async (id: number, leaseMs?: number): Promise<{ store: ClaimStore; session: pg.Client }> => {
    const session = new pg.Client({ connectionString: db.url });
    session.on('error', () => undefined);
    await session.connect();
    await session.query('select pg_advisory_lock($1::int4, $2::int4)', [RUN_LOCK_NAMESPACE, id]);
    sessions.push(session);
    return { store: postgresClaimStore(kysely, id, leaseMs), session };
  };
  const rows = async (): Promise<Array<[number, number, number]>> =>
    (
      await pool.query<{ f: string; t: string; run_id: number }>(
        `select (extract(epoch from from_time) * 1000)::int8::text as f, (extract(epoch from to_time) * 1000)::int8::text as t, run_id from series_claims order by from_time`,
      )
    ).rows.map((r) => [(Number(r.f) - T) / M, (Number(r.t) - T) / M, r.run_id]);
  const storeCandles = (from: number, to: number) =>
    pool.query(
      `insert into candle_data (open_time, series_id, trades, open, high_minus_open, low_minus_open, close_minus_open, volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume)
       select t, $1, 1, 1, 0, 0, 0, 1, 1, 0, 0 from generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') t`,
      [series.id, new Date(at(from)), new Date(at(to))],
    );

  before(async () => {
    db = await createTestDatabase('claims');
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    pool.on('error', () => undefined);
    kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const { rows: made } = await pool.query<{ id: number }>(`insert into series (symbol, interval, start_time) values ('BTCUSDT', '1m', $1) returning id`, [new Date(T)]);
    series = { id: made[0]?.id as number, symbol: 'BTCUSDT', interval: '1m', startTime: T, collectedUntil: T };
  });
  after(async () => {
    await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
    await kysely.destroy();
    await db.drop();
  });

  it('claims never overlap, collected ground is skipped, and a dead run’s claims are taken over (its session gone, or its lease run out)', async () => {
    const one = await run(1);
    const two = await run(2);
    const all = [span(0, 100_000)];

    const a = await one.store.claim(series, all, tenThousand);
    assert.deepEqual(a, { claim: { range: span(0, 10_000), missing: [span(0, 10_000)] }, covered: [], foreign: [], tookOver: [] });
    // The same ground wanted by another run: the piece after the first run's.
    const b = await two.store.claim(series, all, tenThousand);
    assert.deepEqual(b, { claim: { range: span(10_000, 20_000), missing: [span(10_000, 20_000)] }, covered: [], foreign: [span(0, 10_000)], tookOver: [] });

    // Stored meanwhile by someone: skipped, and the claim starts where the free ground misses candles again.
    await storeCandles(20_000, 35_000);
    const c = await one.store.claim(series, [span(10_000, 100_000)], tenThousand);
    assert.deepEqual(c, { claim: { range: span(35_000, 45_000), missing: [span(35_000, 45_000)] }, covered: [span(20_000, 35_000)], foreign: [span(10_000, 20_000)], tookOver: [] });
    // A hole in stored ground: the claim is of what it misses.
    await storeCandles(45_000, 46_000);
    await storeCandles(47_000, 60_000);
    const h = await two.store.claim(series, [span(45_000, 60_000)], tenThousand);
    assert.deepEqual(h, { claim: { range: span(46_000, 47_000), missing: [span(46_000, 47_000)] }, covered: [span(45_000, 46_000), span(47_000, 60_000)], foreign: [], tookOver: [] });
    await two.store.release({ seriesId: series.id, ...span(46_000, 47_000) });
    assert.deepEqual(await rows(), [
      [0, 10_000, 1],
      [10_000, 20_000, 2],
      [35_000, 45_000, 1],
    ]);

    // What a run waiting on others reads: their live claims, whether one is dead.
    assert.deepEqual(await two.store.peek([series.id]), new Map([[series.id, { live: [span(0, 10_000), span(35_000, 45_000)], dead: false }]]));
    // Run 1's process dies: its session ends, and with it its lock. Its claims are taken over at the next look.
    await one.session.end();
    assert.deepEqual(await two.store.peek([series.id]), new Map([[series.id, { live: [], dead: true }]]));
    const d = await two.store.claim(series, [span(0, 10_000)], tenThousand);
    assert.deepEqual(d, {
      claim: { range: span(0, 10_000), missing: [span(0, 10_000)] },
      covered: [],
      foreign: [],
      tookOver: [
        { seriesId: series.id, from: at(0), to: at(10_000), runId: 1 },
        { seriesId: series.id, from: at(35_000), to: at(45_000), runId: 1 },
      ],
    });
    // A run that lived on without its session (a lost connection) learns at its next renewal that it lost both.
    assert.deepEqual(await one.store.renew(), [
      { seriesId: series.id, from: at(0), to: at(10_000) },
      { seriesId: series.id, from: at(35_000), to: at(45_000) },
    ]);

    // A run alive but silent: its lease runs out (here at once), so its claim is taken over all the same.
    const three = await run(3, 50);
    const e = await three.store.claim(series, [span(60_000, 70_000)], tenThousand);
    assert.deepEqual(e.claim?.range, span(60_000, 70_000));
    while ((await pool.query<{ over: boolean }>('select now() > max(lease_until) as over from series_claims where run_id = 3')).rows[0]?.over !== true) await new Promise((r) => setTimeout(r, 10));
    const f = await two.store.claim(series, [span(60_000, 70_000)], tenThousand);
    assert.deepEqual([f.claim?.range, f.tookOver.map((x) => x.runId)], [span(60_000, 70_000), [3]]);
    assert.deepEqual(await three.store.renew(), [{ seriesId: series.id, from: at(60_000), to: at(70_000) }]);
    assert.equal(await three.store.narrow({ seriesId: series.id, ...span(60_000, 70_000) }, at(65_000)), false);

    // The run's own claims: given back in part, then done with.
    const mine = two.store.held().find((h) => h.from === at(60_000));
    assert.ok(mine);
    assert.equal(await two.store.narrow(mine, at(62_000)), true);
    await two.store.release({ seriesId: series.id, ...span(0, 10_000) });
    assert.deepEqual(await rows(), [
      [10_000, 20_000, 2],
      [60_000, 62_000, 2],
    ]);
    assert.deepEqual(
      two.store.held().map((h) => [(h.from - T) / M, (h.to - T) / M]),
      [
        [10_000, 20_000],
        [60_000, 62_000],
      ],
    );
  });
});
