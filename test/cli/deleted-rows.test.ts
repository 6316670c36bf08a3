// Rows deleted behind the tool's back are gaps wherever they were — at the newest end of a series, a whole series,
// `TRUNCATE candle_data` — reported by `gaps` and fetched again by `gaps --fill` and by `forward`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';
import { DB_KINDS, makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

interface Gaps {
  gaps: Array<{ symbol: string; interval: string; from: string; to: string; candles: number }>;
}

for (const kind of DB_KINDS) {
  describe(`deleted rows on ${kind}`, { concurrency: false }, () => {
    let fake: FakeExchange;
    let t: Target;
    const expected = (symbol: string) => fake.expectedKlines(symbol, '15m', SINCE, NOW);
    const exact = async () => {
      for (const symbol of SYMBOLS) assert.deepEqual(await storedKlines(t, symbol, '15m'), expected(symbol), symbol);
    };

    before(async () => {
      fake = await createFakeExchange({ now: NOW });
      t = await makeTarget(kind, fake.url);
      const res = await runCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '15m']);
      assert.equal(res.code, 0, res.stderr);
      await exact();
    });
    after(async () => {
      await t.cleanup();
      await fake.close();
    });

    it('the newest rows deleted: a gap up to where the series was collected, and forward fetches it', async () => {
      await query(t, `delete from candles where symbol = 'BTCUSDT' and open_time >= '2024-05-20'`);
      const gaps = jsonOf<Gaps>(await runCli(t, ['gaps', '--json'])).gaps;
      const tail = expected('BTCUSDT').filter((k) => k[0] >= Date.UTC(2024, 4, 20));
      assert.deepEqual(gaps, [{ symbol: 'BTCUSDT', interval: '15m', from: '2024-05-20T00:00:00.000Z', to: '2024-06-01T00:15:00.000Z', candles: tail.length }]);
      const status = jsonOf<{ series: Array<{ symbol: string; completeness: number; gap_candles: number }> }>(await runCli(t, ['status', '--json']));
      assert.equal(status.series.find((s) => s.symbol === 'BTCUSDT')?.gap_candles, tail.length);
      assert.ok((status.series.find((s) => s.symbol === 'BTCUSDT')?.completeness ?? 1) < 1);

      fake.resetRequests();
      const forward = await runCli(t, ['forward', '--json']);
      assert.equal(forward.code, 0, forward.stderr);
      assert.equal(jsonOf<{ candles_written: number }>(forward).candles_written, tail.length);
      await exact();
      assert.deepEqual(jsonOf<Gaps>(await runCli(t, ['gaps', '--json'])).gaps, []);
    });

    it('a whole series deleted: everything is a gap, and gaps --fill fetches it', async () => {
      await query(t, `delete from candles where symbol = 'ETHUSDT'`);
      const gaps = jsonOf<Gaps>(await runCli(t, ['gaps', '--json'])).gaps;
      assert.deepEqual(gaps.map((g) => [g.symbol, g.from, g.candles]), [['ETHUSDT', '2024-05-01T00:00:00.000Z', expected('ETHUSDT').length]]);
      const fill = await runCli(t, ['gaps', '--fill', '--json']);
      assert.equal(fill.code, 0, fill.stderr);
      assert.deepEqual(jsonOf<{ fill: { remaining: unknown[] } }>(fill).fill.remaining, []);
      await exact();
    });

    it('TRUNCATE candle_data: every series is a gap, and forward fetches them all', async () => {
      await query(t, 'truncate candle_data cascade');
      assert.equal(await countCandles(t), 0);
      const gaps = jsonOf<Gaps>(await runCli(t, ['gaps', '--json'])).gaps;
      assert.deepEqual(gaps.map((g) => [g.symbol, g.candles]), SYMBOLS.map((s) => [s, expected(s).length]));
      const forward = await runCli(t, ['forward', '--json']);
      assert.equal(forward.code, 0, forward.stderr);
      await exact();
      fake.resetRequests();
      const again = await runCli(t, ['forward', '--json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(fake.klineRequests().length, 0);
    });
  });
}
