// The compact storage layout (sql/000004, sql/000005): candle_data keeps no close time, an integer trade count and
// high, low and close as differences from open; the rare candle that does not fit keeps the values it would lose in
// irregular_candles, and the `candles` view gives back exactly what the
// exchange sent — whatever the session time zone, on both databases, and across the migration of an existing
// database from the old layout.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createMigrator } from '../../src/db/migrate.ts';
import { createFakeExchange, type FakeExchangeOptions, type RealKline } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines, type DbTarget } from '../support/stored-rows.ts';
import { type DbKind } from '../support/targets.ts';
import { createTestDatabase } from '../support/test-database.ts';

const H = 3_600_000;
const DAY = 24 * H;

const row = (open: number, close: number, trades = 100): RealKline => [
  open, '8000.00000000', '8100.00000000', '7900.00000000', '8050.00000000', '10.00000000', close, '80500.00000000', trades,
  '5.00000000', '40250.00000000', '0',
];

// BTCUSDT around the 2018-02-08 halt: a candle cut short, a 32-hour hole, off-grid opens (HH:28:14.789) whose
// close is still open + 1 h − 1 ms, a candle 1 ms longer than an hour, one trade count beyond 2^31 − 1, and a
// candle whose high and low have fewer decimals than its open (open + difference would add trailing zeros).
const t0 = Date.UTC(2018, 1, 8);
const offGrid = Date.UTC(2018, 1, 9, 9, 28, 14, 789);
const t5 = Date.UTC(2018, 1, 11, 1);
const shortScales: RealKline = [
  t5, '8000.00000000', '8100.5', '7900', '8050.00000000', '10.00000000', t5 + H - 1, '80500.00000000', 100, '5.00000000', '40250.00000000', '0',
];
const hourly: RealKline[] = [
  row(t0, t0 + H - 1),
  row(t0 + H, Date.UTC(2018, 1, 8, 1, 28, 14, 788)),
  row(offGrid, offGrid + H - 1),
  row(offGrid + H, offGrid + 2 * H - 1, 3_000_000_000),
  row(Date.UTC(2018, 1, 11), Date.UTC(2018, 1, 11, 1)),
  shortScales,
  row(t5 + H, t5 + 2 * H - 1),
];
// Each irregular row holds only what the compact row cannot give back.
const IRREGULAR_ROWS = [
  { o: String(hourly[1]?.[0]), c: String(hourly[1]?.[6]), trades: null, high: null, low: null, close: null },
  { o: String(hourly[3]?.[0]), c: null, trades: '3000000000', high: null, low: null, close: null },
  { o: String(hourly[4]?.[0]), c: String(hourly[4]?.[6]), trades: null, high: null, low: null, close: null },
  { o: String(t5), c: null, trades: null, high: '8100.5', low: '7900', close: null },
];

async function irregularRows(t: DbTarget): Promise<Array<Record<string, string | null>>> {
  return query(
    t,
    `select (extract(epoch from open_time) * 1000)::int8::text as o, (extract(epoch from close_time) * 1000)::int8::text as c,
            trades::text, high::text, low::text, close::text
       from irregular_candles order by open_time`,
  );
}

// Daily candles across the US daylight-saving change, and calendar months across February of a leap year.
const daily: RealKline[] = [0, 1, 2, 3].map((i) => row(Date.UTC(2024, 2, 9) + i * DAY, Date.UTC(2024, 2, 9) + (i + 1) * DAY - 1));
const monthly: RealKline[] = [0, 1, 2].map((m) => row(Date.UTC(2024, m, 1), Date.UTC(2024, m + 1, 1) - 1));

const replays: FakeExchangeOptions = {
  now: Date.UTC(2024, 4, 1, 0, 30),
  // The replays are samples with nothing after them, as the exchange serves a pair that is no longer trading.
  symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17), status: 'BREAK', replay: { '1h': hourly, '1d': daily, '1M': monthly } }],
};

// On PostgreSQL every session runs in a time zone with daylight saving: close times must not depend on it. The
// embedded database always runs in GMT (PGlite names it Etc/GMT0, whatever TZ says).
const SESSION_ZONE: Record<DbKind, { zone: string; setUp(t: DbTarget): Promise<unknown> }> = {
  postgres: {
    zone: 'America/New_York',
    setUp: (t) => query(t, `do $$ begin execute format('alter database %I set timezone = %L', current_database(), 'America/New_York'); end $$`),
  },
  embedded: { zone: 'Etc/GMT0', setUp: async () => undefined },
};

describeOnEachDb('compact storage', (kind) => {
  const scene = scenario({ db: kind, exchange: replays });

  before(async () => {
    await SESSION_ZONE[kind].setUp(scene.target);
    assert.deepEqual(await query(scene.target, 'show timezone'), [{ TimeZone: SESSION_ZONE[kind].zone }]);
  });

  it('gives back cut-short, off-grid, overlong and huge-trade-count candles exactly', async () => {
    const res = await scene.run(['backfill', '--since', '2018-02-08', '--until', '2018-02-12', '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), hourly);
    assert.deepEqual(await irregularRows(scene.target), IRREGULAR_ROWS);
    const stored = await query<Record<string, string | null>>(
      scene.target,
      `select trades::text, open::text, high_minus_open::text as h, low_minus_open::text as l, close_minus_open::text as c
         from candle_data where open_time = $1`,
      [new Date(offGrid + H)],
    );
    assert.deepEqual(stored, [{ trades: null, open: '8000.00000000', h: '100.00000000', l: '-100.00000000', c: '50.00000000' }]);
  });

  it('measures holes from the real close time, so the halt is asked once and then remembered', async () => {
    const gaps = jsonOf<{ gaps: unknown[]; exchange_empty: unknown[] }>(
      await scene.run(['gaps', '--symbols', 'BTCUSDT', '--interval', '1h', '--json']),
    );
    assert.deepEqual(gaps.gaps, []);
    // The halt and the stretch before the return to the grid; after the last candle is not empty but not yet.
    assert.equal(gaps.exchange_empty.length, 2);
    const empties = await query<{ from_ms: string }>(scene.target, `select (extract(epoch from from_time) * 1000)::int8::text as from_ms from exchange_empty order by from_time`);
    assert.equal(Number(empties[0]?.from_ms), Date.UTC(2018, 1, 8, 1, 28, 14, 789), 'the halt starts where the cut-short candle closed');
    const before = scene.fake.requests.length;
    const again = await scene.run(['backfill', '--since', '2018-02-08', '--until', '2018-02-12', '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(again.code, 0, again.stderr);
    // Only what lies after the last candle: nothing after it shows that the exchange has no candles there.
    const asked = scene.fake.requests.slice(before).filter((r) => r.path === '/api/v3/klines');
    assert.deepEqual(asked.map((r) => Number(r.query.startTime)), [t5 + 2 * H]);
  });

  it('computes daily and monthly close times in UTC whatever the session time zone', async () => {
    const res = await scene.run(['backfill', '--since', '2024-01-01', '--until', '2024-04-01', '--symbols', 'BTCUSDT', '--interval', '1d,1M']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1d'), daily.filter((k) => k[0] < Date.UTC(2024, 3, 1)));
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1M'), monthly);
    const n = await query<{ n: number }>(scene.target, `select count(*)::int as n from irregular_candles where open_time >= '2024-01-01'`);
    assert.deepEqual(n, [{ n: 0 }]);
  });

  it('deleting through the view removes the irregular values too, and a backfill restores both', async () => {
    const cut = new Date(t0 + H);
    await query(scene.target, `delete from candles where symbol = 'BTCUSDT' and interval = '1h' and open_time = $1`, [cut]);
    assert.deepEqual(await query(scene.target, `select 1 from irregular_candles where open_time = $1`, [cut]), []);
    const res = await scene.run(['gaps', '--fill', '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), hourly);
  });
});

describe('migration of a database stored in the old layout', () => {
  it('keeps every value, moves irregular close times and trade counts aside, and packs the rows', async () => {
    const fake = await createFakeExchange(replays);
    const db = await createTestDatabase('migrate', { schema: 'empty' });
    const dir = await mkdtemp(path.join(tmpdir(), 'cc-migrate-'));
    const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: db.url, max: 1 }) }) });
    try {
      const { error } = await createMigrator(kysely).migrateTo('000003_series_collected_until');
      assert.equal(error, undefined);
      const old = new pg.Client({ connectionString: db.url });
      await old.connect();
      try {
        const s = await old.query<{ id: number }>(`insert into series (symbol, interval, start_time) values ('BTCUSDT', '1h', $1) returning id`, [new Date(t0)]);
        for (const k of hourly) {
          await old.query(
            `insert into candle_data (series_id, open_time, close_time, trades, open, high, low, close, volume, quote_volume,
                                      taker_buy_base_volume, taker_buy_quote_volume)
             values ($1, 'epoch'::timestamptz + $2 * interval '1 ms', 'epoch'::timestamptz + $3 * interval '1 ms', $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [s.rows[0]?.id, k[0], k[6], k[8], k[1], k[2], k[3], k[4], k[5], k[7], k[9], k[10]],
          );
        }
      } finally {
        await old.end();
      }
      const target = { baseUrl: fake.url, dataDir: dir, databaseUrl: db.url, env: {} };
      const res = await runCli(target, ['status', '--json']);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(await storedKlines(target, 'BTCUSDT', '1h'), hourly);
      assert.deepEqual(await irregularRows(target), IRREGULAR_ROWS, 'the same irregular rows as the writer keeps');
      const columns = await query<{ column_name: string }>(target, `select column_name from information_schema.columns where table_name = 'candle_data' order by ordinal_position`);
      assert.deepEqual(
        columns.map((c) => c.column_name),
        ['open_time', 'series_id', 'trades', 'open', 'high_minus_open', 'low_minus_open', 'close_minus_open', 'volume', 'quote_volume', 'taker_buy_base_volume', 'taker_buy_quote_volume'],
      );
    } finally {
      await kysely.destroy();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
      await fake.close();
    }
  });
});
