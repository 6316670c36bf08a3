// The core promises, through the real CLI against the fake exchange, on PostgreSQL and on the embedded database:
// exact values, no still-open candle, ~N/1000 requests, exchange-empty ranges remembered once a second answer
// agrees (and never a stretch with no candle after it), forward after the clock moves, gaps after deleting rows,
// status JSON.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { jsonOf } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';

const H = 3_600_000;
const NOW = Date.UTC(2024, 5, 1, 0, 30); // 2024-06-01T00:30Z: the 00:00 candle is still open
const SINCE = '2024-01-01';
const SINCE_MS = Date.UTC(2024, 0, 1);

describeOnEachDb('core', (kind) => {
  const scene = scenario({
    db: kind,
    exchange: {
      now: NOW,
      symbols: [
        { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17, 4) },
        { symbol: 'ETHBTC', baseAsset: 'ETH', quoteAsset: 'BTC', listedAt: Date.UTC(2017, 7, 17, 4) },
        // Listed in March, halted for a day in April, delisted in May.
        {
          symbol: 'NEWUSDT',
          baseAsset: 'NEW',
          quoteAsset: 'USDT',
          listedAt: Date.UTC(2024, 2, 10, 7, 0),
          delistedAt: Date.UTC(2024, 4, 20, 12, 0),
          halts: [{ from: Date.UTC(2024, 3, 2, 0, 0), to: Date.UTC(2024, 3, 3, 0, 0) }],
        },
      ],
      // An exchange-wide outage of five hours.
      outages: [{ from: Date.UTC(2024, 1, 19, 11, 0), to: Date.UTC(2024, 1, 19, 16, 0) }],
    },
  });

  it('backfill stores exactly the closed candles the exchange has, value by value, in ~N/1000 requests and one per empty range', async () => {
    const res = await scene.run(['backfill', '--since', SINCE, '--symbols', 'btcusdt,ETH/BTC,NEWUSDT', '--interval', '1h', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ status: string; candles_written: number; series: Array<{ symbol: string; status: string }> }>(res);
    assert.equal(out.status, 'success');

    let total = 0;
    for (const symbol of ['BTCUSDT', 'ETHBTC', 'NEWUSDT']) {
      const expected = scene.fake.expectedKlines(symbol, '1h', SINCE_MS, NOW);
      const stored = await storedKlines(scene.target, symbol, '1h');
      assert.deepEqual(stored, expected, `${symbol} rows differ`);
      total += expected.length;
    }
    assert.equal(out.candles_written, total);
    // The still-open 2024-06-01 00:00 candle is not stored.
    assert.equal(await countCandles(scene.target, `open_time >= '2024-06-01T00:00:00Z'`), 0);
    // ETHBTC keeps its tiny decimals exactly (e.g. 0.0000xxxx) — compared above as strings; check the scale too.
    const [row] = await query<{ close: string }>(scene.target, `select close::text as close from candles where symbol = 'ETHBTC' limit 1`);
    assert.match(row?.close ?? '', /^\d+\.\d{8}$/);

    // 2024-01-01..2024-06-01 is 3648 hourly slots: 4 pages for a full series, and one more request to confirm the
    // outage, which only two answers together make an exchange-empty range.
    const requests = (symbol: string) => scene.fake.klineRequests(symbol, '1h').length;
    assert.equal(requests('BTCUSDT'), 5);
    assert.equal(requests('ETHBTC'), 5);
    // NEWUSDT: a first page from 2024-01-01 whose answer runs on to its listing, the pages from there (or the ones
    // already on the wire when that answer came), and one request each to confirm the stretch before the listing
    // (two, if the pages on the wire answered apart) and the halt.
    assert.ok(requests('NEWUSDT') >= 5 && requests('NEWUSDT') <= 7, `NEWUSDT took ${requests('NEWUSDT')} requests`);
    for (const r of scene.fake.klineRequests()) {
      assert.equal(r.query.limit, '1000');
      assert.equal(r.query.endTime, undefined);
    }
    assert.equal(scene.fake.requests.filter((r) => r.path === '/api/v3/exchangeInfo').length, 1);
  });

  it('a second backfill asks nothing again: not the stored candles, not the exchange-empty ranges', async () => {
    scene.fake.resetRequests();
    const res = await scene.run(['backfill', '--since', SINCE, '--symbols', 'BTCUSDT,ETHBTC,NEWUSDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    // Only the stretch after NEWUSDT's delisting: no candle after it vouches that it is empty rather than not yet.
    assert.deepEqual(
      scene.fake.klineRequests().map((r) => [r.query.symbol, Number(r.query.startTime)]),
      [['NEWUSDT', Date.UTC(2024, 4, 20, 12)]],
    );
    assert.equal(jsonOf<{ candles_written: number }>(res).candles_written, 0);
  });

  it('gaps lists listing, halt and outage as exchange-empty, not as gaps; after the delisting is neither', async () => {
    const res = await scene.run(['gaps', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ gaps: unknown[]; exchange_empty: Array<{ symbol: string; from: string; to: string; candles: number }> }>(res);
    assert.deepEqual(out.gaps, []);
    const empties = out.exchange_empty.filter((e) => e.symbol === 'NEWUSDT');
    assert.deepEqual(empties.map((e) => [e.from, e.to, e.candles]), [
      ['2024-01-01T00:00:00.000Z', '2024-03-10T06:00:00.000Z', 1663],
      ['2024-04-02T00:00:00.000Z', '2024-04-02T23:00:00.000Z', 24],
    ]);
    const outage = out.exchange_empty.filter((e) => e.symbol === 'BTCUSDT');
    assert.deepEqual(outage.map((e) => [e.from, e.to, e.candles]), [['2024-02-19T11:00:00.000Z', '2024-02-19T15:00:00.000Z', 5]]);
  });

  it('forward after the clock moves fetches only the new closed candles, one request per series', async () => {
    scene.fake.setNow(NOW + 5 * H); // 05:30: candles 00:00..04:00 closed
    scene.fake.resetRequests();
    const res = await scene.run(['forward', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ candles_written: number; series: Array<{ symbol: string; candles_written: number }> }>(res);
    assert.equal(out.series.find((s) => s.symbol === 'BTCUSDT')?.candles_written, 5);
    // NEWUSDT is delisted (BREAK): the backfills collected all it has, so forward no longer asks for it.
    assert.equal(out.series.find((s) => s.symbol === 'NEWUSDT'), undefined);
    assert.equal(scene.fake.klineRequests().length, 2);
    for (const symbol of ['BTCUSDT', 'ETHBTC', 'NEWUSDT']) {
      assert.deepEqual(await storedKlines(scene.target, symbol, '1h'), scene.fake.expectedKlines(symbol, '1h', SINCE_MS, NOW + 5 * H));
    }
    // Right after a complete run: nothing closed since, so no kline request at all.
    scene.fake.resetRequests();
    const again = await scene.run(['forward', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(scene.fake.klineRequests().map((r) => r.query.symbol), []);
    assert.ok(scene.fake.requests.length <= 4, `forward on a current database made ${scene.fake.requests.length} requests`);
  });

  it('rows deleted behind the tool’s back are gaps, and --fill fetches exactly them', async () => {
    await query(scene.target, `delete from candles where symbol = 'BTCUSDT' and interval = '1h' and open_time >= '2024-03-01T10:00:00Z' and open_time < '2024-03-01T13:00:00Z'`);
    await query(scene.target, `delete from candles where symbol = 'ETHBTC' and open_time = '2024-01-01T00:00:00Z'`);
    const res = await scene.run(['gaps', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ gaps: Array<Record<string, unknown>> }>(res);
    assert.deepEqual(out.gaps, [
      { symbol: 'BTCUSDT', interval: '1h', from: '2024-03-01T10:00:00.000Z', to: '2024-03-01T12:00:00.000Z', candles: 3 },
      { symbol: 'ETHBTC', interval: '1h', from: '2024-01-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z', candles: 1 },
    ]);

    scene.fake.resetRequests();
    const fill = await scene.run(['gaps', '--fill', '--json']);
    assert.equal(fill.code, 0, fill.stderr);
    const filled = jsonOf<{ fill: { status: string; candles_written: number; remaining: unknown[] } }>(fill);
    assert.equal(filled.fill.status, 'success');
    assert.equal(filled.fill.candles_written, 4);
    assert.deepEqual(filled.fill.remaining, []);
    assert.equal(scene.fake.klineRequests().length, 2);
    for (const symbol of ['BTCUSDT', 'ETHBTC']) {
      assert.deepEqual(await storedKlines(scene.target, symbol, '1h'), scene.fake.expectedKlines(symbol, '1h', SINCE_MS, NOW + 5 * H));
    }
  });

  it('status --json reports every series and the runs, newest first', async () => {
    const res = await scene.run(['status', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{
      series: Array<Record<string, unknown>>;
      runs: Array<Record<string, unknown>>;
    }>(res);
    const btc = out.series.find((s) => s.symbol === 'BTCUSDT');
    const expected = scene.fake.expectedKlines('BTCUSDT', '1h', SINCE_MS, NOW + 5 * H);
    assert.equal(btc?.interval, '1h');
    assert.equal(btc?.first_open_time, '2024-01-01T00:00:00.000Z');
    assert.equal(btc?.last_open_time, '2024-06-01T04:00:00.000Z');
    assert.equal(btc?.candles, expected.length);
    assert.equal(btc?.candles_expected, expected.length);
    assert.equal(btc?.completeness, 1);
    assert.equal(btc?.gaps, 0);
    assert.equal(typeof btc?.lag_seconds, 'number');
    assert.deepEqual(out.runs.map((r) => r.command), ['gaps', 'forward', 'forward', 'backfill', 'backfill']);
    for (const r of out.runs) {
      for (const key of ['id', 'command', 'status', 'started_at', 'finished_at', 'duration_seconds', 'candles_written', 'requests', 'error']) {
        assert.ok(key in r, `run lacks ${key}`);
      }
      assert.equal(r.status, 'success');
    }
    const firstBackfill = ['BTCUSDT', 'ETHBTC', 'NEWUSDT'].reduce((n, s) => n + scene.fake.expectedKlines(s, '1h', SINCE_MS, Date.UTC(2024, 5, 1)).length, 0);
    assert.equal(out.runs[4]?.candles_written, firstBackfill);
    assert.equal(out.runs[0]?.candles_written, 4);
  });

  it('human output: a table on stdout, nothing on stderr when not a terminal', async () => {
    const res = await scene.run(['status']);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /BTCUSDT/);
    assert.match(res.stdout, /Recent runs/);
    assert.equal(res.stderr, '');
  });
});
