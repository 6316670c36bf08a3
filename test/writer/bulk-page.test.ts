// A page of COPY rows (an archive file's, and a REST page's) through writePage on both stores: stored exactly (the
// compact row, its irregular values), idempotent — written again it stores nothing and changes nothing, and a page
// overlapping stored candles stores only the others (the fallback after the straight COPY fails) — with its
// provenance, and the count it returns is the candles it stored.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import { ensureSeries } from '../../src/db/series-repository.ts';
import type { Candle, Series } from '../../src/domain.ts';
import { CandleCopyRowsBuilder, type CandleCopyRows } from '../../src/writer/candle-copy-rows.ts';
import { restCopyRows } from '../../src/writer/rest-copy-rows.ts';
import { writePage } from '../../src/writer/write-page.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { minuteCandle } from '../support/minute-candle.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const candle = (i: number, over: Partial<Candle> = {}): Candle => minuteCandle(T0, i, over);

function archivePage(candles: readonly Candle[], seriesId: number): CandleCopyRows {
  const b = new CandleCopyRowsBuilder(seriesId);
  for (const c of candles) b.push(c, '1m');
  return b.take();
}

const restPage = (candles: readonly Candle[], seriesId: number): CandleCopyRows => restCopyRows(seriesId, '1m', candles);

for (const [name, symbol, page] of [['an archive', 'BTCUSDT', archivePage], ['a REST', 'ETHUSDT', restPage]] as const) {
  describeOnEachDb(`${name} page of COPY rows through writePage`, (kind) => {
    let target: Target;
    let handle: DatabaseHandle;
    let series: Series;
    before(async () => {
      target = await makeTarget(kind, 'http://127.0.0.1:1');
      handle = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 2 });
      [series] = (await ensureSeries(handle.db, [{ symbol, interval: '1m', startTime: T0 }])) as [Series];
    });
    after(async () => {
      await handle.close();
      await target.cleanup();
    });

    const stored = async (): Promise<string[]> =>
      (
        await sql<{ r: string }>`select concat_ws(' ', (extract(epoch from open_time) * 1000)::int8, (extract(epoch from close_time) * 1000)::int8, open, high, low, close, volume, quote_volume, trades, taker_buy_base_volume, taker_buy_quote_volume) as r
          from candles where symbol = ${symbol} and interval = '1m' order by open_time`.execute(handle.db)
      ).rows.map((x) => x.r);
    const text = (c: Candle): string => [c.openTime, c.closeTime, c.open, c.high, c.low, c.close, c.volume, c.quoteVolume, c.trades, c.takerBuyBaseVolume, c.takerBuyQuoteVolume].join(' ');
    const provenance = { file: 'BTCUSDT-1m-2024-01-01.zip', sha256: 'a'.repeat(64), rows: 1440 };

    it('stores every candle exactly, irregular ones too, then nothing when written again', async () => {
      const candles = [candle(0), candle(1, { closeTime: T0 + M + 30_000 - 1 }), candle(2, { high: '101.5' }), candle(3, { trades: 3_000_000_000 }), candle(4)];
      const rows = page(candles, series.id);
      // The regular candles go straight into candle_data, the three irregular ones through the page statement.
      assert.deepEqual([rows.direct.count, rows.staged.count], [2, 3]);
      const write = { candles: rows, empties: [], findings: [], provenance: { ...provenance, ranges: [{ from: T0, to: T0 + 5 * M }] } };
      assert.equal(await writePage(handle.db, series, write), 5);
      assert.deepEqual(await stored(), candles.map(text));
      assert.equal(await writePage(handle.db, series, write), 0);
      assert.deepEqual(await stored(), candles.map(text));
      const { rows: irregular } = await sql<{ n: number }>`select count(*)::int as n from irregular_candles where series_id = ${series.id}`.execute(handle.db);
      assert.deepEqual(irregular, [{ n: 3 }]);
    });

    it('a page overlapping stored candles stores only the others, and says so', async () => {
      const candles = [candle(3, { trades: 3_000_000_000 }), candle(4), candle(5), candle(6)];
      const rows = page(candles, series.id);
      assert.equal(await writePage(handle.db, series, { candles: rows, empties: [], findings: [], provenance: { ...provenance, ranges: [{ from: T0 + 3 * M, to: T0 + 7 * M }] } }), 2);
      const all = [candle(0), candle(1, { closeTime: T0 + M + 30_000 - 1 }), candle(2, { high: '101.5' }), candle(3, { trades: 3_000_000_000 }), candle(4), candle(5), candle(6)];
      assert.deepEqual(await stored(), all.map(text));
      const regular = page([candle(7), candle(8)], series.id);
      assert.deepEqual([regular.direct.count, regular.staged.count], [2, 0]);
      assert.equal(await writePage(handle.db, series, { candles: regular, empties: [], findings: [] }), 2);
      const { rows: prov } = await sql<{ f: string; t: string }>`select (extract(epoch from from_time) * 1000)::int8::text as f, (extract(epoch from to_time) * 1000)::int8::text as t from archive_provenance where series_id = ${series.id} order by from_time`.execute(handle.db);
      assert.deepEqual(prov, [
        { f: String(T0), t: String(T0 + 5 * M) },
        { f: String(T0 + 3 * M), t: String(T0 + 7 * M) },
      ]);
    });
    it('a regular page overlapping stored candles, all copied straight at first, stores only the others', async () => {
      const before = await stored();
      const rows = page([candle(8), candle(9), candle(10)], series.id);
      assert.deepEqual([rows.direct.count, rows.staged.count], [3, 0]);
      assert.equal(await writePage(handle.db, series, { candles: rows, empties: [], findings: [] }), 2);
      assert.deepEqual(await stored(), [...before, text(candle(9)), text(candle(10))]);
    });

    it('a candle stored again where a delete straight from candle_data left its irregular row comes back regular', async () => {
      // Candle 2 had a high of fewer decimals (an irregular row); deleted from candle_data alone, its irregular row stays.
      await sql`delete from candle_data where series_id = ${series.id} and open_time = ${new Date(T0 + 2 * M)}::timestamptz`.execute(handle.db);
      const { rows: left } = await sql<{ n: number }>`select count(*)::int as n from irregular_candles where series_id = ${series.id} and open_time = ${new Date(T0 + 2 * M)}::timestamptz`.execute(handle.db);
      assert.deepEqual(left, [{ n: 1 }]);
      const rows = page([candle(2)], series.id);
      assert.deepEqual([rows.direct.count, rows.staged.count], [1, 0]);
      assert.equal(await writePage(handle.db, series, { candles: rows, empties: [], findings: [] }), 1);
      const { rows: got } = await sql<{ high: string }>`select high::text from candles where symbol = ${symbol} and interval = '1m' and open_time = ${new Date(T0 + 2 * M)}::timestamptz`.execute(handle.db);
      assert.deepEqual(got, [{ high: '101.00000000' }]);
      const { rows: gone } = await sql<{ n: number }>`select count(*)::int as n from irregular_candles where series_id = ${series.id} and open_time = ${new Date(T0 + 2 * M)}::timestamptz`.execute(handle.db);
      assert.deepEqual(gone, [{ n: 0 }]);
    });
  });
}
