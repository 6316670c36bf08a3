// A universe of two thousand symbols: their exchangeInfo no longer fits in one URL (HTTP 431 for the list),
// so the whole exchangeInfo is read instead; unknown symbols among them are still told apart, exit 2.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BINANCE_LAUNCH, createFakeExchange, syntheticSymbols, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { countCandles, query } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 29);

describe('many symbols', { concurrency: false }, () => {
  let fake: FakeExchange;
  let t: Target;
  const symbols = syntheticSymbols(2000).map(({ delistedAt: _d, ...s }) => ({ ...s, listedAt: BINANCE_LAUNCH }));
  before(async () => {
    fake = await createFakeExchange({ now: NOW, symbols });
    t = await makeTarget('postgres', fake.url);
  });
  after(async () => {
    await t.cleanup();
    await fake.close();
  });

  it('2,000 symbols with three unknown ones among them: exit 2 naming them, no kline asked', async () => {
    const names = [...symbols.map((s) => s.symbol).slice(0, 1997), 'NOPE1USDT', 'BTCUSTD', 'NOPE2USDT'];
    const res = await runCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', names.join(','), '--interval', '1d']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /^cryptocollect: unknown symbols on http:\/\/127\.0\.0\.1:\d+: NOPE1USDT( \(did you mean [^)]*\))?; BTCUSTD \(did you mean BTCUSDT\?\); NOPE2USDT( \(did you mean [^)]*\))?\n$/);
    assert.equal(fake.klineRequests().length, 0);
    assert.equal(fake.requests.filter((r) => r.path === '/api/v3/exchangeInfo' && r.query.symbols === undefined).length, 1);
  });

  it('2,000 symbols: every series collected exactly, one request each', async () => {
    const n = 2000;
    fake.resetRequests();
    const names = symbols.slice(0, n).map((s) => s.symbol);
    const res = await runCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', names.join(','), '--interval', '1d', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ status: string; series: unknown[]; candles_written: number }>(res);
    assert.equal(out.series.length, n);
    assert.equal(out.candles_written, 3 * n);
    assert.equal(await countCandles(t), 3 * n);
    assert.equal(fake.klineRequests().length, n);
    assert.equal(fake.rateLimitStats().throttled, 0);
    const sample = names[n - 1] as string;
    const stored = await query<{ close: string }>(t, `select close::text from candles where symbol = $1 order by open_time`, [sample]);
    assert.deepEqual(stored.map((r) => r.close), fake.expectedKlines(sample, '1d', SINCE, NOW).map((k) => k[4]));
  });
});
