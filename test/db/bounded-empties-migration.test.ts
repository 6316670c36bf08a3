// sql/000006: an exchange-empty range recorded with no candle after it (on the present, a delisting, or a proxy's
// `[]`) was remembered on trust alone; the migration forgets such ranges and takes back the watermark they let run
// ahead, so they are asked again. Ranges with a candle after them stay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { createMigrator } from '../../src/db/migrate.ts';
import { createTestDatabase } from '../support/test-database.ts';

const H = 3_600_000;
const T = Date.UTC(2024, 0, 1);

describe('migration 000006: exchange-empty ranges need a candle after them', () => {
  it('forgets unbounded ranges, keeps bounded ones, and brings watermarks back to the newest candle', async () => {
    const db = await createTestDatabase('bounded', { schema: 'empty' });
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    // db.drop() ends from the server side a connection that has not closed yet: not an error of the test.
    pool.on('error', () => undefined);
    const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => undefined);
    try {
      assert.equal((await createMigrator(kysely).migrateTo('000005_prices_as_differences')).error, undefined);
      await client.connect();
      const ts = (ms: number) => new Date(ms);
      const { rows } = await client.query<{ id: number }>(
        `insert into series (symbol, interval, start_time, collected_until) values ('AUSDT', '1h', $1, $2), ('BUSDT', '1h', $1, $3), ('CUSDT', '1h', $1, $4) returning id`,
        [ts(T - 5 * H), ts(T + 10 * H), ts(T + 2 * H), ts(T + 4 * H)],
      );
      const [a, b, c] = rows.map((r) => r.id);
      for (let i = 0; i < 3; i++) {
        await client.query(
          `insert into candle_data (open_time, series_id, trades, open, high_minus_open, low_minus_open, close_minus_open, volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume)
           values ($1, $2, 1, 1, 0, 0, 0, 1, 1, 0, 0)`,
          [ts(T + i * H), a],
        );
      }
      await client.query(
        `insert into exchange_empty (series_id, from_time, to_time) values ($1, $4, $5), ($1, $6, $7), ($2, $4, $6), ($3, $4, $8)`,
        [a, b, c, ts(T - 5 * H), ts(T), ts(T + 3 * H), ts(T + 10 * H), ts(T + 4 * H)],
      );

      assert.equal((await createMigrator(kysely).migrateToLatest()).error, undefined);
      const empties = await client.query<{ series_id: number; from_ms: string; to_ms: string }>(
        `select series_id, (extract(epoch from from_time) * 1000)::int8::text as from_ms, (extract(epoch from to_time) * 1000)::int8::text as to_ms
           from exchange_empty order by series_id, from_time`,
      );
      // A's range before its first candle stays; its range after the last one, and B's and C's (no candle at all), go.
      assert.deepEqual(empties.rows, [{ series_id: a, from_ms: String(T - 5 * H), to_ms: String(T) }]);
      const series = await client.query<{ symbol: string; until_ms: string | null }>(
        `select symbol, (extract(epoch from collected_until) * 1000)::int8::text as until_ms from series order by symbol`,
      );
      assert.deepEqual(series.rows, [
        { symbol: 'AUSDT', until_ms: String(T + 3 * H) },
        { symbol: 'BUSDT', until_ms: String(T - 5 * H) },
        { symbol: 'CUSDT', until_ms: String(T - 5 * H) },
      ]);
    } finally {
      await client.end().catch(() => undefined);
      await kysely.destroy();
      await db.drop();
    }
  });
});
