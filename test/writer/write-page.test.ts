// The page writer on both databases: a page stores its candles, empties and findings in one statement; a page
// overlapping what is stored (a write retried after its commit went unacknowledged) takes the statement that skips
// stored candles, adds only the new ones and changes none; a page stored twice changes nothing.
import assert from 'node:assert/strict';
import { CompiledQuery } from 'kysely';
import { after, before, describe, it } from 'node:test';
import type { Candle, Series } from '../../src/domain.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import { ensureSeries } from '../../src/db/series-repository.ts';
import { candleColumns } from '../../src/writer/candle-columns.ts';
import { writePage, type PageWrite } from '../../src/writer/write-page.ts';
import type { QualityFinding } from '../../src/planner/validate-page.ts';
import type { RealKline } from '../support/fake-exchange/index.ts';
import { klineOf, STORED_KLINES_SQL } from '../support/stored-rows.ts';
import { DB_KINDS, makeTarget, type Target } from '../support/targets.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function candle(i: number, over: Partial<Candle> = {}): Candle {
  return {
    openTime: T0 + i * H,
    closeTime: T0 + (i + 1) * H - 1,
    open: `${100 + i}.10000000`,
    high: `${101 + i}.00000000`,
    low: `${99 + i}.95000000`,
    close: `${100 + i}.50000000`,
    volume: '12.34567800',
    quoteVolume: '1234.56789012',
    trades: 1000 + i,
    takerBuyBaseVolume: '6.00000000',
    takerBuyQuoteVolume: '600.00000000',
    ...over,
  };
}

const page = (candles: Candle[], extra: Partial<Omit<PageWrite, 'candles'>> = {}): PageWrite => ({
  candles: candleColumns(candles),
  empties: [],
  findings: [],
  ...extra,
});

const wire = (c: Candle): RealKline => [
  c.openTime, c.open, c.high, c.low, c.close, c.volume, c.closeTime, c.quoteVolume, c.trades, c.takerBuyBaseVolume, c.takerBuyQuoteVolume, '0',
];

for (const kind of DB_KINDS) {
  describe(`writePage on ${kind}`, { concurrency: false }, () => {
    let t: Target;
    let handle: DatabaseHandle;
    let series: Series;

    before(async () => {
      t = await makeTarget(kind, 'http://127.0.0.1:9');
      handle = await openDatabase({ databaseUrl: t.databaseUrl, dataDir: t.dataDir, poolSize: 2 });
      [series] = (await ensureSeries(handle.db, [{ symbol: 'BTCUSDT', interval: '1h', startTime: T0 }])) as [Series];
    });
    after(async () => {
      await handle.close();
      await t.cleanup();
    });

    it('stores candles, exchange-empty ranges and findings of one page together', async () => {
      const finding: QualityFinding = { openTime: T0 + H, rule: 'price-range', detail: 'low 1 open 2 close 3 high 0' };
      const first = page([0, 1, 2].map((i) => candle(i)), {
        empties: [{ from: T0 + 3 * H, to: T0 + 5 * H }],
        findings: [finding, { ...finding, detail: 'the last finding of a candle and rule stands' }],
      });
      assert.equal(await writePage(handle.db, series, first), 3);
      assert.deepEqual(await stored(), [0, 1, 2].map((i) => wire(candle(i))));
      assert.deepEqual(await q(`select (extract(epoch from from_time) * 1000)::int8::text as f, (extract(epoch from to_time) * 1000)::int8::text as t from exchange_empty`), [
        { f: String(T0 + 3 * H), t: String(T0 + 5 * H) },
      ]);
      assert.deepEqual(await q(`select rule, detail from quality_findings`), [{ rule: 'price-range', detail: 'the last finding of a candle and rule stands' }]);
    });

    it('adds only the new candles of a page overlapping stored ones, changing none, and a repeat changes nothing', async () => {
      // The stored candle 2 and the new candle 3 as a retried write would carry them; candle 2's values differ here
      // only to show that what is stored is kept.
      const overlapping = page([candle(2, { close: '999.00000000' }), candle(3, { high: '104', trades: 3_000_000_000 })]);
      assert.equal(await writePage(handle.db, series, overlapping), 1);
      assert.equal(await writePage(handle.db, series, overlapping), 0);
      assert.deepEqual(await stored(), [candle(0), candle(1), candle(2), candle(3, { high: '104', trades: 3_000_000_000 })].map(wire));
      assert.deepEqual(await q(`select count(*)::int as n from irregular_candles`), [{ n: 1 }]);
    });

    // Read through the writer's own handle: the embedded database admits one process (and one handle) at a time.
    async function q(text: string, params: unknown[] = []): Promise<unknown[]> {
      return (await handle.db.executeQuery(CompiledQuery.raw(text, params))).rows;
    }
    async function stored(): Promise<unknown[]> {
      return (await q(STORED_KLINES_SQL, ['BTCUSDT', '1h'])).map((r) => klineOf(r as Record<string, unknown>));
    }
  });
}
