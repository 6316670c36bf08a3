// Real recorded Binance candles, with their real holes, replayed by the fake exchange and stored exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRealKlines } from '../support/fake-exchange/index.ts';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { storedKlines } from '../support/stored-rows.ts';

describe('replay of real klines', () => {
  const real2023 = loadRealKlines('BTCUSDT-1h-2023');
  const ada = loadRealKlines('ADABTC-1m');

  const scene = scenario({
    db: 'postgres',
    exchange: {
      now: Date.UTC(2023, 5, 1, 0, 10),
      symbols: [
        { symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2017, 7, 17), replay: { '1h': real2023 } },
        // The recorded sample ends on 2021-11-28: for the exchange to serve nothing after it, the pair must not be trading.
        { symbol: 'ADABTC', baseAsset: 'ADA', quoteAsset: 'BTC', listedAt: Date.UTC(2017, 7, 17), status: 'BREAK', replay: { '1m': ada } },
      ],
    },
  });

  it('stores the recorded rows byte for byte, and the 2023-03-24 halt is exchange-empty, not a gap', async () => {
    const res = await scene.run(['backfill', '--since', '2023-01-01', '--symbols', 'BTCUSDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const stored = await storedKlines(scene.target, 'BTCUSDT', '1h');
    assert.equal(stored.length, 3623);
    assert.deepEqual(stored, real2023);
    assert.ok(!stored.some((k) => k[0] === Date.UTC(2023, 2, 24, 13)), 'the halted hour is not invented');

    const gaps = jsonOf<{ gaps: unknown[]; exchange_empty: Array<{ from: string; to: string; candles: number }> }>(await scene.run(['gaps', '--json']));
    assert.deepEqual(gaps.gaps, []);
    assert.deepEqual(gaps.exchange_empty, [{ symbol: 'BTCUSDT', interval: '1h', from: '2023-03-24T13:00:00.000Z', to: '2023-03-24T13:00:00.000Z', candles: 1 }]);
  });

  it('keeps tiny BTC-quoted prices exact (0.00002853)', async () => {
    const res = await scene.run(['backfill', '--since', '2021-11-27', '--until', '2021-11-29', '--symbols', 'ADA/BTC', '--interval', '1m']);
    assert.equal(res.code, 0, res.stderr);
    const stored = await storedKlines(scene.target, 'ADABTC', '1m');
    assert.deepEqual(stored, ada);
    assert.equal(stored[0]?.[1], '0.00002853');
  });
});
