// Rows deleted behind the tool's back are gaps wherever they were — at the newest end of a series, a whole series,
// `TRUNCATE candle_data` — reported by `gaps` and fetched again by `gaps --fill` and by `forward`.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { jsonOf } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

interface Gaps {
  gaps: Array<{ symbol: string; interval: string; from: string; to: string; candles: number }>;
}

describeOnEachDb('deleted rows', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW } });
  const expected = (symbol: string) => scene.fake.expectedKlines(symbol, '15m', SINCE, NOW);
  const exact = async () => {
    for (const symbol of SYMBOLS) assert.deepEqual(await storedKlines(scene.target, symbol, '15m'), expected(symbol), symbol);
  };

  before(async () => {
    const res = await scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '15m']);
    assert.equal(res.code, 0, res.stderr);
    await exact();
  });

  it('the newest rows deleted: a gap up to where the series was collected, and forward fetches it', async () => {
    await query(scene.target, `delete from candles where symbol = 'BTCUSDT' and open_time >= '2024-05-20'`);
    const gaps = jsonOf<Gaps>(await scene.run(['gaps', '--json'])).gaps;
    const tail = expected('BTCUSDT').filter((k) => k[0] >= Date.UTC(2024, 4, 20));
    assert.deepEqual(gaps, [{ symbol: 'BTCUSDT', interval: '15m', from: '2024-05-20T00:00:00.000Z', to: '2024-06-01T00:15:00.000Z', candles: tail.length }]);
    const status = jsonOf<{ series: Array<{ symbol: string; completeness: number; gap_candles: number }> }>(await scene.run(['status', '--json']));
    assert.equal(status.series.find((s) => s.symbol === 'BTCUSDT')?.gap_candles, tail.length);
    assert.ok((status.series.find((s) => s.symbol === 'BTCUSDT')?.completeness ?? 1) < 1);

    scene.fake.resetRequests();
    const forward = await scene.run(['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.equal(jsonOf<{ candles_written: number }>(forward).candles_written, tail.length);
    await exact();
    assert.deepEqual(jsonOf<Gaps>(await scene.run(['gaps', '--json'])).gaps, []);
  });

  it('a whole series deleted: everything is a gap, and gaps --fill fetches it', async () => {
    await query(scene.target, `delete from candles where symbol = 'ETHUSDT'`);
    const gaps = jsonOf<Gaps>(await scene.run(['gaps', '--json'])).gaps;
    assert.deepEqual(gaps.map((g) => [g.symbol, g.from, g.candles]), [['ETHUSDT', '2024-05-01T00:00:00.000Z', expected('ETHUSDT').length]]);
    const fill = await scene.run(['gaps', '--fill', '--json']);
    assert.equal(fill.code, 0, fill.stderr);
    assert.deepEqual(jsonOf<{ fill: { remaining: unknown[] } }>(fill).fill.remaining, []);
    await exact();
  });

  it('TRUNCATE candle_data: every series is a gap, and forward fetches them all', async () => {
    await query(scene.target, 'truncate candle_data cascade');
    assert.equal(await countCandles(scene.target), 0);
    const gaps = jsonOf<Gaps>(await scene.run(['gaps', '--json'])).gaps;
    assert.deepEqual(gaps.map((g) => [g.symbol, g.candles]), SYMBOLS.map((s) => [s, expected(s).length]));
    const forward = await scene.run(['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    await exact();
    scene.fake.resetRequests();
    const again = await scene.run(['forward', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(scene.fake.klineRequests().length, 0);
  });
});
