// What one answer may be trusted with. A server whose clock lags serves its still-open candle as its newest and
// lacks the ones after it; a broken proxy answers `[]`; a faulty edge node leaves a stretch out; a body never
// ends. None of these may store a candle that is not final, nor make a stretch with candles "exchange-empty".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSymbols, usdtSymbol } from '../support/fake-exchange/index.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';

const M = 60_000;
const H = 60 * M;
const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);
const SINCE = Date.UTC(2024, 4, 31);
const KLINES = '/api/v3/klines';

/** HALTUSDT, halted for two hours on 2024-05-31. */
const halted = () => usdtSymbol('HALTUSDT', Date.UTC(2020, 0, 1), { halts: [{ from: SINCE + 6 * H, to: SINCE + 8 * H }] });

/** The exchange-empty ranges stored, as epoch-ms strings. */
const emptiesOf = (target: Parameters<typeof query>[0]) =>
  query<{ from_ms: string; to_ms: string }>(
    target,
    `select (extract(epoch from from_time) * 1000)::int8::text as from_ms, (extract(epoch from to_time) * 1000)::int8::text as to_ms from exchange_empty order by from_time`,
  );

interface RunJson {
  status: string;
  series: Array<{ symbol: string; status: string; error: string | null }>;
}

describe('answers that cannot be trusted', { concurrency: false }, () => {
  const scene = scenario({
    db: 'postgres',
    exchange: {
      now: NOW,
      symbols: [...defaultSymbols(), halted()],
    },
    fresh: 'each',
  });

  const backfill = (symbols: string, ...extra: string[]) =>
    scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', symbols, '--interval', '1m', '--json', ...extra]);
  const empties = () => emptiesOf(scene.target);

  it('a server whose clock lags: its open candle is not stored, the newest ones are "not yet", and forward gets them', async () => {
    const lagMs = 5 * M;
    scene.fake.injectFault({ path: KLINES, kind: 'lagging', lagMs, times: 100 });
    const res = await backfill('BTCUSDT');
    assert.equal(res.code, 0, res.stderr);
    // Everything that lagging server had closed, nothing it still had open (00:25), nothing it did not have yet.
    const lagged = Math.floor((NOW - lagMs) / M) * M;
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, lagged));
    assert.deepEqual(await empties(), []);
    const status = jsonOf<{ series: Array<{ collected_until: string }> }>(await scene.run(['status', '--json']));
    assert.equal(status.series[0]?.collected_until, new Date(lagged).toISOString());

    scene.fake.clearFaults();
    const forward = await scene.run(['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
  });

  it('a proxy answering [] once: not remembered as empty; asked again, the rows end exact', async () => {
    scene.fake.injectFault({ path: KLINES, kind: 'empty', times: 1 });
    const res = await backfill('BTCUSDT');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
    assert.deepEqual(await empties(), []);
  });

  it('a proxy answering [] for one symbol always: that series fails (exit 3), nothing is remembered or passed as collected', async () => {
    scene.fake.injectFault({ path: KLINES, symbol: 'ETHUSDT', kind: 'empty', times: 1000 });
    const res = await backfill('BTCUSDT,ETHUSDT');
    assert.equal(res.code, 3, res.stderr);
    const eth = jsonOf<RunJson>(res).series.find((s) => s.symbol === 'ETHUSDT');
    assert.equal(eth?.status, 'failed');
    // Whichever page's stretch was asked three times first is named.
    assert.match(eth?.error ?? '', /^the exchange answered no candles from 2024-05-31T\d\d:\d\d:00\.000Z on 3 times, though ETHUSDT is trading; run again later$/);
    assert.equal(await countCandles(scene.target, `symbol = 'ETHUSDT'`), 0);
    assert.deepEqual(await empties(), []);
    const status = jsonOf<{ series: Array<{ symbol: string; collected_until: string }> }>(await scene.run(['status', '--json']));
    assert.equal(status.series.find((s) => s.symbol === 'ETHUSDT')?.collected_until, new Date(SINCE).toISOString());
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));

    scene.fake.clearFaults();
    const again = await backfill('ETHUSDT');
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1m'), scene.fake.expectedKlines('ETHUSDT', '1m', SINCE, NOW));
  });

  it('a node leaving a stretch out: a second request finds it, so it is stored, not remembered as empty', async () => {
    scene.fake.injectFault({ path: KLINES, kind: 'omit', window: { from: SINCE + 6 * H, to: SINCE + 7 * H }, times: 1 });
    const res = await backfill('BTCUSDT');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
    assert.deepEqual(await empties(), []);
  });

  it('a real halt is remembered once two answers agree on it, and gaps --recheck forgets it for a fresh look', async () => {
    const res = await backfill('HALTUSDT');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await empties(), [{ from_ms: String(SINCE + 6 * H), to_ms: String(SINCE + 8 * H) }]);
    const asked = scene.fake.klineRequests('HALTUSDT').map((r) => Number(r.query.startTime));
    assert.equal(asked.filter((s) => s === SINCE + 6 * H).length, 1, 'one request to confirm the halt');

    // The exchange fills the halt in after all (or the user doubts it): --recheck forgets it within the span.
    scene.fake.addSymbol(usdtSymbol('HALTUSDT', Date.UTC(2020, 0, 1)));
    const span = ['--since', new Date(SINCE + 7 * H).toISOString(), '--until', new Date(SINCE + 9 * H).toISOString()];
    const listed = jsonOf<{ forgotten: Array<{ from: string; to: string; candles: number }>; gaps: Array<{ from: string; candles: number }> }>(
      await scene.run(['gaps', '--recheck', ...span, '--json']),
    );
    assert.deepEqual(listed.forgotten.map((f) => [f.from, f.candles]), [[new Date(SINCE + 7 * H).toISOString(), 60]]);
    assert.deepEqual(listed.gaps.map((g) => [g.from, g.candles]), [[new Date(SINCE + 7 * H).toISOString(), 60]]);
    // The part of the range outside the span stays remembered.
    assert.deepEqual(await empties(), [{ from_ms: String(SINCE + 6 * H), to_ms: String(SINCE + 7 * H) }]);
    const forward = await scene.run(['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.deepEqual(
      await storedKlines(scene.target, 'HALTUSDT', '1m'),
      scene.fake.expectedKlines('HALTUSDT', '1m', SINCE, NOW).filter((k) => k[0] < SINCE + 6 * H || k[0] >= SINCE + 7 * H),
    );
  });

  it('a body that never ends is cut off at its size cap and asked again', { timeout: 60_000 }, async () => {
    scene.fake.injectFault({ path: KLINES, kind: 'endless', times: 1 });
    const res = await backfill('BTCUSDT', '--timeout', '600');
    assert.equal(res.code, 0, res.stderr);
    assert.ok((jsonOf<{ retries: number }>(res).retries ?? 0) >= 1);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
  });
});

// On both stores: the end of time is sent to each as a time it takes (the embedded one refused year +275760).
describeOnEachDb('gaps --recheck over all time', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: [halted()] } });

  it('gaps --recheck without --since and --until forgets every remembered range of the series, to the end of time', async () => {
    const res = await scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'HALTUSDT', '--interval', '1m', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await emptiesOf(scene.target), [{ from_ms: String(SINCE + 6 * H), to_ms: String(SINCE + 8 * H) }]);

    scene.fake.addSymbol(usdtSymbol('HALTUSDT', Date.UTC(2020, 0, 1)));
    const recheck = await scene.run(['gaps', '--recheck', '--symbols', 'HALTUSDT', '--json']);
    assert.equal(recheck.code, 0, recheck.stderr);
    const listed = jsonOf<{ forgotten: Array<{ from: string; to: string; candles: number }> }>(recheck);
    assert.deepEqual(listed.forgotten.map((f) => [f.from, f.to, f.candles]), [[new Date(SINCE + 6 * H).toISOString(), new Date(SINCE + 8 * H - M).toISOString(), 120]]);
    assert.deepEqual(await emptiesOf(scene.target), []);
    const forward = await scene.run(['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'HALTUSDT', '1m'), scene.fake.expectedKlines('HALTUSDT', '1m', SINCE, NOW));
  });
});
