// A universe of two thousand symbols: their exchangeInfo no longer fits in one URL (HTTP 431 for the list),
// so the whole exchangeInfo is read instead; unknown symbols among them are still told apart, exit 2.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BINANCE_LAUNCH, syntheticSymbols } from '../support/fake-exchange/index.ts';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 29);

describe('many symbols', { concurrency: false }, () => {
  const symbols = syntheticSymbols(2000).map(({ delistedAt: _d, ...s }) => ({ ...s, listedAt: BINANCE_LAUNCH }));
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, symbols } });

  it('2,000 symbols with three unknown ones among them: exit 2 naming them, no kline asked', async () => {
    const names = [...symbols.map((s) => s.symbol).slice(0, 1997), 'NOPE1USDT', 'BTCUSTD', 'NOPE2USDT'];
    const res = await scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', names.join(','), '--interval', '1d']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^cryptocollect: unknown symbols on http:\/\/127\.0\.0\.1:\d+: NOPE1USDT( \(did you mean [^)]*\))?; BTCUSTD \(did you mean BTCUSDT\?\); NOPE2USDT( \(did you mean [^)]*\))?\n$/);
    assert.equal(scene.fake.klineRequests().length, 0);
    assert.equal(scene.fake.requests.filter((r) => r.path === '/api/v3/exchangeInfo' && r.query.symbols === undefined).length, 1);
  });

  it('2,000 symbols: every series collected exactly, one request each', async () => {
    const n = 2000;
    scene.fake.resetRequests();
    const names = symbols.slice(0, n).map((s) => s.symbol);
    const res = await scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', names.join(','), '--interval', '1d', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ status: string; series: unknown[]; candles_written: number }>(res);
    assert.equal(out.series.length, n);
    assert.equal(out.candles_written, 3 * n);
    assert.equal(await countCandles(scene.target), 3 * n);
    assert.equal(scene.fake.klineRequests().length, n);
    assert.equal(scene.fake.rateLimitStats().throttled, 0);
    const sample = names[n - 1] as string;
    const stored = await query<{ close: string }>(scene.target, `select close::text from candles where symbol = $1 order by open_time`, [sample]);
    assert.deepEqual(stored.map((r) => r.close), scene.fake.expectedKlines(sample, '1d', SINCE, NOW).map((k) => k[4]));
  });
});
