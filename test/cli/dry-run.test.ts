// --dry-run on backfill, forward and gaps --fill: the plan the run then follows — its series, missing ranges,
// candles and requests — with nothing written, checked against the real run that follows it.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { BINANCE_LAUNCH, syntheticSymbols } from '../support/fake-exchange/index.ts';
import { jsonOf } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query } from '../support/stored-rows.ts';
import type { DbTarget } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const HOUR = 3_600_000;

interface Plan {
  dry_run: true;
  command: string;
  series: Array<{ symbol: string; interval: string; status: string; error: string | null; ranges: Array<{ from: string; to: string; candles: number }>; candles: number; requests: number; weight: number }>;
  series_to_fetch: number;
  ranges: number;
  candles: number;
  requests: number;
  weight: number;
  dry_run_requests: number;
  dry_run_weight: number;
  budget: { weight: number; window_seconds: number };
  estimated_seconds: number;
}

interface Run {
  run_id: number | null;
  requests: number;
  weight: number;
  candles_written: number;
  series: Array<{ symbol: string; interval: string; candles_written: number; requests: number }>;
}

/** Everything a dry run must leave as it was. */
async function footprint(target: DbTarget): Promise<{ series: number; runs: number; candles: number; empties: number }> {
  const [row] = await query<{ series: number; runs: number; empties: number }>(
    target,
    'select (select count(*) from series)::int as series, (select count(*) from runs)::int as runs, (select count(*) from exchange_empty)::int as empties',
  );
  return { series: Number(row?.series), runs: Number(row?.runs), empties: Number(row?.empties), candles: await countCandles(target) };
}

const within5 = (estimate: number, actual: number): boolean => Math.abs(estimate - actual) <= 0.05 * actual;

// The headline job's shape (100 symbols, 1h, from 2024-01-01), over two months to keep the suite quick.
describe('dry run of the headline job', () => {
  const symbols = syntheticSymbols(100).map(({ delistedAt: _d, halts: _h, ...s }) => ({ ...s, listedAt: BINANCE_LAUNCH }));
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, symbols } });
  const args = ['backfill', '--since', '2024-01-01', '--until', '2024-03-01', '--symbols', symbols.map((s) => s.symbol).join(','), '--interval', '1h'];

  it('plans every candle and the requests the real run then makes, writing nothing', async () => {
    const before = await footprint(scene.target);
    const res = await scene.run([...args, '--dry-run', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const plan = jsonOf<Plan>(res);
    assert.deepEqual(await footprint(scene.target), before);
    const perSeries = (Date.UTC(2024, 2, 1) - Date.UTC(2024, 0, 1)) / HOUR;
    assert.equal(plan.series.length, 100);
    assert.equal(plan.series_to_fetch, 100);
    assert.equal(plan.candles, 100 * perSeries);
    for (const s of plan.series) {
      assert.deepEqual(s.ranges, [{ from: '2024-01-01T00:00:00.000Z', to: '2024-02-29T23:00:00.000Z', candles: perSeries }], s.symbol);
      assert.equal(s.requests, Math.ceil(perSeries / 1000), s.symbol);
    }
    // One exchangeInfo (weight 20), then a page of 1,000 candles per request at weight 2.
    assert.equal(plan.requests, 1 + 100 * Math.ceil(perSeries / 1000));
    assert.equal(plan.weight, 20 + 2 * 100 * Math.ceil(perSeries / 1000));
    assert.deepEqual(plan.budget, { weight: 6000, window_seconds: 60 });
    assert.equal(plan.estimated_seconds, 0);

    scene.fake.resetRequests();
    const real = await scene.run([...args, '--json']);
    assert.equal(real.code, 0, real.stderr);
    const run = jsonOf<Run>(real);
    assert.equal(run.candles_written, plan.candles);
    assert.ok(within5(plan.requests, run.requests), `planned ${plan.requests} requests, the run made ${run.requests}`);
    assert.ok(within5(plan.weight, run.weight), `planned weight ${plan.weight}, the run spent ${run.weight}`);
    for (const s of run.series) assert.equal(s.candles_written, plan.series.find((p) => p.symbol === s.symbol)?.candles, s.symbol);
  });
});

describeOnEachDb('dry runs', (kind) => {
  // XAABUSDT's listing lies after 2018-01-01 (synthetic-symbols.ts): its plan starts at the listing.
  const symbols = syntheticSymbols(4);
  const late = symbols.find((s) => s.symbol === 'XAAHUSDT') ?? symbols[3];
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols } });

  before(async () => {
    const res = await scene.run(['backfill', '--since', '2024-05-01', '--until', '2024-05-20', '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '1h']);
    assert.equal(res.code, 0, res.stderr);
  });

  it('backfill --dry-run of a new series listed after --since plans from its first candle', async () => {
    assert.ok(late);
    const listed = late.listedAt;
    assert.ok(listed > Date.UTC(2017, 0, 1));
    const before = await footprint(scene.target);
    const res = await scene.run(['backfill', '--since', '2017-01-01', '--symbols', late.symbol, '--interval', '1d', '--dry-run', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const plan = jsonOf<Plan>(res);
    assert.deepEqual(await footprint(scene.target), before);
    const first = Math.ceil(listed / (24 * HOUR)) * 24 * HOUR;
    const last = Math.floor(NOW / (24 * HOUR)) * 24 * HOUR - 24 * HOUR;
    const candles = (last - first) / (24 * HOUR) + 1;
    assert.deepEqual(plan.series[0]?.ranges, [{ from: new Date(first).toISOString(), to: new Date(last).toISOString(), candles }]);
    // The exchangeInfo, and one look at where the series begins.
    assert.equal(plan.dry_run_requests, 2);
    assert.equal(plan.dry_run_weight, 20 + 2);
    const real = jsonOf<Run>(await scene.run(['backfill', '--since', '2017-01-01', '--symbols', late.symbol, '--interval', '1d', '--json']));
    assert.equal(real.candles_written, plan.candles);
    // Alone in its run, a series whose first answer is not back yet has its next pages asked ahead in the idle
    // slots (of the default 8); before a listing they come back as the same first answer.
    assert.ok(real.requests >= plan.requests && real.requests <= plan.requests + 7, `planned ${plan.requests}, made ${real.requests}`);
  });

  it('forward --dry-run plans the tail each series lacks; forward then fetches exactly that', async () => {
    const before = await footprint(scene.target);
    const res = await scene.run(['forward', '--symbols', 'BTCUSDT,ETHUSDT', '--dry-run', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const plan = jsonOf<Plan>(res);
    assert.deepEqual(await footprint(scene.target), before);
    const tail = (Date.UTC(2024, 5, 1) - Date.UTC(2024, 4, 20)) / HOUR;
    assert.deepEqual(
      plan.series.map((s) => [s.symbol, s.interval, s.status, s.ranges]),
      ['BTCUSDT', 'ETHUSDT'].map((symbol) => [symbol, '1h', 'fetch', [{ from: '2024-05-20T00:00:00.000Z', to: '2024-05-31T23:00:00.000Z', candles: tail }]]),
    );
    assert.equal(plan.requests, 1 + 2);
    const run = jsonOf<Run>(await scene.run(['forward', '--symbols', 'BTCUSDT,ETHUSDT', '--json']));
    assert.equal(run.candles_written, plan.candles);
    assert.equal(run.requests, plan.requests);
    // Now current: the plan says so and costs only the exchangeInfo.
    const again = jsonOf<Plan>(await scene.run(['forward', '--symbols', 'BTCUSDT,ETHUSDT', '--dry-run', '--json']));
    assert.deepEqual(
      again.series.map((s) => [s.symbol, s.status, s.candles, s.requests]),
      [
        ['BTCUSDT', 'current', 0, 0],
        ['ETHUSDT', 'current', 0, 0],
      ],
    );
    assert.equal(again.requests, 1);
  });

  it('gaps --fill --dry-run plans exactly the holes and fills nothing; then --fill fetches them', async () => {
    await query(scene.target, `delete from candles where symbol = 'ETHUSDT' and interval = '1h' and open_time >= '2024-05-10' and open_time < '2024-05-11'`);
    const before = await footprint(scene.target);
    const res = await scene.run(['gaps', '--symbols', 'ETHUSDT', '--fill', '--dry-run', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = jsonOf<{ gaps: unknown[]; fill: unknown; plan: Plan }>(res);
    assert.deepEqual(await footprint(scene.target), before);
    assert.equal(doc.fill, null);
    assert.deepEqual(doc.plan.series.map((s) => [s.symbol, s.ranges]), [['ETHUSDT', [{ from: '2024-05-10T00:00:00.000Z', to: '2024-05-10T23:00:00.000Z', candles: 24 }]]]);
    assert.equal(doc.plan.requests, 2);
    const fill = jsonOf<{ fill: Run }>(await scene.run(['gaps', '--symbols', 'ETHUSDT', '--fill', '--json']));
    assert.equal(fill.fill.candles_written, 24);
    assert.equal(fill.fill.requests, doc.plan.requests);
  });

  it('the plan for people: the series to fetch, and a line saying nothing was written', async () => {
    const res = await scene.run(['backfill', '--since', '2024-05-01', '--until', '2024-05-03', '--symbols', 'BNBUSDT', '--interval', '1h', '--dry-run']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(
      res.stdout,
      [
        'symbol   int  missing                              candles  requests',
        '-------  ---  -----------------------------------  -------  --------',
        'BNBUSDT  1h   2024-05-01 00:00 → 2024-05-02 23:00       48         1',
        'dry run of backfill: 48 candles in 1 missing range of 1 series; nothing written',
        '2 requests, weight 22 of 6,000 per minute: fits in one window',
        '',
      ].join('\n'),
    );
  });

  it('bad input is refused as in a real run', async () => {
    const unknown = await scene.run(['backfill', '--since', '2024-05-01', '--symbols', 'NOPEUSDT', '--dry-run']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^cryptocollect: unknown symbol on .*: NOPEUSDT\n$/);
    const noFill = await scene.run(['gaps', '--dry-run']);
    assert.equal(noFill.code, 2);
    assert.equal(noFill.stderr, 'cryptocollect: --dry-run goes with --fill (without it, gaps only reads anyway)\n');
  });
});
