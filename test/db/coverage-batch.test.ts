// Many series' coverage read at once (loadCoverages, and the batching reader planning uses) is what each series'
// own read finds, on both databases: nothing stored, one candle, holes, an irregular newest candle, exchange-empty
// ranges before and after where the read starts, and a read starting part way into a series.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Candle, Series } from '../../src/domain.ts';
import { coverageLoader } from '../../src/db/coverage-loader.ts';
import { loadCoverage, loadCoverages, newestCandleEnd, newestCandleEnds } from '../../src/db/coverage-repository.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import { ensureSeries } from '../../src/db/series-repository.ts';
import { candleColumns } from '../../src/writer/candle-columns.ts';
import { writePage } from '../../src/writer/write-page.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const H = 3_600_000;
const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);

function candle(openTime: number, slot: number, closeTime = openTime + slot - 1): Candle {
  return {
    openTime,
    closeTime,
    open: '100.10000000',
    high: '101.00000000',
    low: '99.95000000',
    close: '100.50000000',
    volume: '12.34567800',
    quoteVolume: '1234.56789012',
    trades: 1000,
    takerBuyBaseVolume: '6.00000000',
    takerBuyQuoteVolume: '600.00000000',
  };
}

describeOnEachDb('coverage of many series at once', (kind) => {
  let target: Target;
  let handle: DatabaseHandle;
  let none: Series;
  let one: Series;
  let holes: Series;
  let minutes: Series;

  before(async () => {
    target = await makeTarget(kind, 'http://127.0.0.1:1');
    handle = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 2 });
    [none, one, holes, minutes] = (await ensureSeries(handle.db, [
      { symbol: 'AAAUSDT', interval: '1h', startTime: T0 },
      { symbol: 'BBBUSDT', interval: '1h', startTime: T0 },
      { symbol: 'CCCUSDT', interval: '1h', startTime: T0 },
      { symbol: 'DDDUSDT', interval: '1m', startTime: T0 },
    ])) as [Series, Series, Series, Series];
    const write = (s: Series, candles: Candle[], empties: Array<{ from: number; to: number }> = []): Promise<number> =>
      writePage(handle.db, s, { candles: candleColumns(candles), empties, findings: [] });
    await write(one, [candle(T0 + 5 * H, H)]);
    // Slots 0–9 less 3, 6 and 7; 1 and the newest (9) close half an hour early (what 1 leaves before 2 opens is a hole
    // too); the exchange had nothing in 12–14, 20–22.
    const kept = [0, 1, 2, 4, 5, 8].map((i) => (i === 1 ? candle(T0 + H, H, T0 + H + 30 * M - 1) : candle(T0 + i * H, H)));
    await write(holes, [...kept, candle(T0 + 9 * H, H, T0 + 9 * H + 30 * M - 1)], [
      { from: T0 + 12 * H, to: T0 + 14 * H },
      { from: T0 + 20 * H, to: T0 + 22 * H },
    ]);
    await write(
      minutes,
      Array.from({ length: 120 }, (_, i) => i)
        .filter((i) => i !== 70)
        .map((i) => candle(T0 + i * M, M)),
      [{ from: T0 + 200 * M, to: T0 + 210 * M }],
    );
  });
  after(async () => {
    await handle.close();
    await target.cleanup();
  });

  it('reads what each series’ own read finds, value by value', async () => {
    const wants = [{ series: none }, { series: one }, { series: holes }, { series: minutes, from: T0 + 60 * M }, { series: holes, from: T0 + 13 * H }];
    const batch = await loadCoverages(handle.db, wants);
    const single = await Promise.all(wants.map((w) => loadCoverage(handle.db, w.series, w.from)));
    assert.deepEqual(batch, single);
    // And what that is, so two wrong reads cannot agree.
    assert.deepEqual(batch[0], { startTime: T0, candleCount: 0, firstOpen: null, lastOpen: null, candlesEnd: null, holes: [], empties: [], watermark: T0 });
    assert.deepEqual(batch[1], { startTime: T0, candleCount: 1, firstOpen: T0 + 5 * H, lastOpen: T0 + 5 * H, candlesEnd: T0 + 6 * H, holes: [], empties: [], watermark: T0 });
    assert.deepEqual(batch[2], {
      startTime: T0,
      candleCount: 7,
      firstOpen: T0,
      lastOpen: T0 + 9 * H,
      candlesEnd: T0 + 9 * H + 30 * M,
      holes: [
        { from: T0 + H + 30 * M, to: T0 + 2 * H },
        { from: T0 + 3 * H, to: T0 + 4 * H },
        { from: T0 + 6 * H, to: T0 + 8 * H },
      ],
      empties: [
        { from: T0 + 12 * H, to: T0 + 14 * H },
        { from: T0 + 20 * H, to: T0 + 22 * H },
      ],
      watermark: T0,
    });
    assert.deepEqual(batch[3], {
      startTime: T0 + 60 * M,
      candleCount: 59,
      firstOpen: T0 + 60 * M,
      lastOpen: T0 + 119 * M,
      candlesEnd: T0 + 120 * M,
      holes: [{ from: T0 + 70 * M, to: T0 + 71 * M }],
      empties: [{ from: T0 + 200 * M, to: T0 + 210 * M }],
      watermark: T0,
    });
    // From inside the first empty range: it still counts; nothing stored from there.
    assert.deepEqual(batch[4], {
      startTime: T0 + 13 * H,
      candleCount: 0,
      firstOpen: null,
      lastOpen: null,
      candlesEnd: null,
      holes: [],
      empties: [
        { from: T0 + 12 * H, to: T0 + 14 * H },
        { from: T0 + 20 * H, to: T0 + 22 * H },
      ],
      watermark: T0,
    });
    assert.deepEqual(await loadCoverages(handle.db, []), []);
  });

  it('the newest candle’s end of many series: the irregular one’s own close, none where nothing is stored', async () => {
    const all = [none, one, holes, minutes];
    const ends = await newestCandleEnds(handle.db, all);
    assert.deepEqual(ends, [null, T0 + 6 * H, T0 + 9 * H + 30 * M, T0 + 120 * M]);
    assert.deepEqual(ends, await Promise.all(all.map((s) => newestCandleEnd(handle.db, s))));
    assert.deepEqual(await newestCandleEnds(handle.db, []), []);
  });

  it('the batching reader: reads asked together each get their own series’ answer', async () => {
    const read = coverageLoader(handle.db);
    const order = [minutes, none, holes, one, holes, minutes];
    const [got, ends] = await Promise.all([Promise.all(order.map((series) => read.coverage({ series }))), Promise.all(order.map((s) => read.newestEnd(s)))]);
    assert.deepEqual(got, await Promise.all(order.map((s) => loadCoverage(handle.db, s))));
    assert.deepEqual(
      got.map((c) => c.candleCount),
      [119, 0, 7, 1, 7, 119],
    );
    assert.deepEqual(ends, [T0 + 120 * M, null, T0 + 9 * H + 30 * M, T0 + 6 * H, T0 + 9 * H + 30 * M, T0 + 120 * M]);
  });
});
