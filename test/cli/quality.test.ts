// Data quality at ingest: candles breaking a rule are stored as the exchange sent them, recorded with the rule
// they broke, and reported by status (count and a quality figure); repeats of an open time are not stored twice.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type RealKline } from '../support/fake-exchange/index.ts';
import { jsonOf } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines } from '../support/stored-rows.ts';
import { hourlyKline } from '../support/hourly-kline.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 4, 1);
const row = (i: number, over: Partial<Record<number, string | number>> = {}): RealKline => hourlyKline(T0, i, over);
const ROWS: RealKline[] = [
  row(0),
  row(1, { 3: '10.50000000' }), // low above open
  row(2, { 5: '-1.00000000' }), // negative volume
  row(3, { 6: T0 + 3 * H }), // close time not after open time
  row(4),
  row(4, { 4: '11.50000000' }), // the same open time again
  row(5),
];

describeOnEachDb('data quality', (kind) => {
  const scene = scenario({
    db: kind,
    exchange: {
      now: T0 + 6 * H + 60_000,
      symbols: [{ symbol: 'ODDUSDT', baseAsset: 'ODD', quoteAsset: 'USDT', listedAt: T0, replay: { '1h': ROWS } }],
    },
  });

  it('stores flagged candles, records each finding, and status reports them', async () => {
    const res = await scene.run(['backfill', '--since', new Date(T0).toISOString(), '--symbols', 'ODDUSDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(jsonOf<{ series: Array<{ quality_findings: number }> }>(res).series[0]?.quality_findings, 4);

    const stored = await storedKlines(scene.target, 'ODDUSDT', '1h');
    assert.deepEqual(stored, [ROWS[0], ROWS[1], ROWS[2], ROWS[3], ROWS[4], ROWS[6]]);
    const findings = await query<{ rule: string; open_time: Date }>(scene.target, 'select rule, open_time from quality_findings order by open_time, rule');
    assert.deepEqual(
      findings.map((f) => [(new Date(f.open_time).getTime() - T0) / H, f.rule]),
      [
        [1, 'price-range'],
        [2, 'negative-volume'],
        [3, 'close-before-open'],
        [4, 'duplicate-open-time'],
      ],
    );

    const status = jsonOf<{ series: Array<{ quality_findings: number; quality: number; candles: number; gaps: number }> }>(await scene.run(['status', '--json']));
    assert.equal(status.series[0]?.candles, 6);
    assert.equal(status.series[0]?.gaps, 0);
    assert.equal(status.series[0]?.quality_findings, 4);
    assert.equal(status.series[0]?.quality, 0.333333); // 4 of 6 stored candles are flagged
    const human = await scene.run(['status']);
    assert.match(human.stdout, /4 findings/);
  });
});
