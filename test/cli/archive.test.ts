// The data.binance.vision archive as a candle source (`--source auto`): files first, REST for the rest, every
// stored candle equal to what REST serves — across the 2025-01-01 switch to microseconds and through the archive's
// defects, none of which may make a range exchange-empty.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadRealKlines } from '../support/fake-exchange/index.ts';
import { jsonOf, type CliResult } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines, type DbTarget } from '../support/stored-rows.ts';

const DAY = 86_400_000;
// 2025-01-05 03:00: December 2024's monthly file is out (2 days after the month), the daily files of 1–3 January
// are (9 h after their day), the 4th's is not yet, and cryptocollect expects it only 12 h after the day anyway.
const NOW = Date.UTC(2025, 0, 5, 3);
const SINCE = Date.UTC(2024, 11, 30);
const AUTO = { CRYPTOCOLLECT_SOURCE: 'auto' };

interface Status {
  series: Array<{ candles: number; candles_by_source: { archive: number; rest: number }; archive_files: number; gaps: number }>;
}

async function sources(run: (args: string[]) => Promise<CliResult>): Promise<Status['series'][number]> {
  const status = jsonOf<Status>(await run(['status', '--json']));
  assert.equal(status.series.length, 1);
  return status.series[0]!;
}

const empties = async (t: DbTarget): Promise<number> => Number((await query<{ n: string }>(t, 'select count(*) as n from exchange_empty'))[0]!.n);

describe('archive source on postgres', () => {
  const scene = scenario({ db: 'postgres', fresh: 'each', env: AUTO, exchange: { now: NOW } });
  const backfill = (): Promise<CliResult> =>
    scene.run(['backfill', '--since', '2024-12-30', '--symbols', 'BTCUSDT', '--interval', '1m', '--json']);

  it('stores from the monthly and daily files what REST would, value by value, around the µs switch; REST only for the days not published', async () => {
    const res = await backfill();
    assert.equal(res.code, 0, res.stderr);
    const expected = scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW);
    assert.equal(expected.length, 6 * 1440 + 180);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), expected);
    const files = scene.fake.archiveRequests().filter((r) => r.status === 200 && r.path.endsWith('.zip')).map((r) => r.path.split('/').pop());
    assert.deepEqual(files.sort(), ['BTCUSDT-1m-2024-12.zip', 'BTCUSDT-1m-2025-01-01.zip', 'BTCUSDT-1m-2025-01-02.zip', 'BTCUSDT-1m-2025-01-03.zip']);
    assert.ok(!scene.fake.archiveRequests().some((r) => r.path.includes('2025-01-04')), 'a day inside the publication lag is not asked of the archive');
    const klines = scene.fake.klineRequests('BTCUSDT', '1m').filter((r) => r.query.limit !== '1');
    assert.ok(klines.length > 0 && klines.every((r) => Number(r.query.startTime) >= Date.UTC(2025, 0, 4)), 'REST asked only for 4–5 January');
    const s = await sources((a) => scene.run(a));
    assert.deepEqual(s.candles_by_source, { archive: 5 * 1440, rest: 1440 + 180 });
    assert.equal(s.archive_files, 4);
    assert.equal(s.gaps, 0);
    const prov = await query<{ file_name: string; file_rows: number; from_time: Date; to_time: Date }>(scene.target, 'select file_name, file_rows, from_time, to_time from archive_provenance order by from_time');
    assert.deepEqual(
      prov.map((p) => [p.file_name, p.file_rows, p.from_time.getTime(), p.to_time.getTime()]),
      [
        ['BTCUSDT-1m-2024-12.zip', 31 * 1440, SINCE, SINCE + 2 * DAY],
        ['BTCUSDT-1m-2025-01-01.zip', 1440, SINCE + 2 * DAY, SINCE + 3 * DAY],
        ['BTCUSDT-1m-2025-01-02.zip', 1440, SINCE + 3 * DAY, SINCE + 4 * DAY],
        ['BTCUSDT-1m-2025-01-03.zip', 1440, SINCE + 4 * DAY, SINCE + 5 * DAY],
      ],
    );
    assert.equal(await empties(scene.target), 0);
    const human = await scene.run(['status']);
    assert.match(human.stdout, /^Sources: 7,200 candles from 4 archive files, 1,620 from REST$/m);
    for (const line of human.stdout.split('\n')) assert.ok(line.length <= 80, line);

    // A refetch asks REST again: the stretch it cuts keeps its parts outside, and its candles count as REST's.
    const refetch = await scene.run(['refetch', '--symbols', 'BTCUSDT', '--interval', '1m', '--since', '2025-01-02T06:00:00Z', '--until', '2025-01-02T18:00:00Z', '--json']);
    assert.equal(refetch.code, 0, refetch.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), expected);
    const cut = await query<{ from_time: Date; to_time: Date }>(scene.target, `select from_time, to_time from archive_provenance where file_name = 'BTCUSDT-1m-2025-01-02.zip' order by from_time`);
    assert.deepEqual(
      cut.map((p) => [p.from_time.getTime(), p.to_time.getTime()]),
      [
        [SINCE + 3 * DAY, SINCE + 3 * DAY + DAY / 4],
        [SINCE + 3 * DAY + (3 * DAY) / 4, SINCE + 4 * DAY],
      ],
    );
    assert.deepEqual((await sources((a) => scene.run(a))).candles_by_source, { archive: 5 * 1440 - 720, rest: 1440 + 180 + 720 });
  });

  it('a missing day, a truncated day and a checksum mismatch: REST fills exactly what the files lack, and nothing becomes exchange-empty', async () => {
    scene.fake.archive.inject({ kind: 'checksum', file: 'BTCUSDT-1m-2024-12.zip' });
    scene.fake.archive.inject({ kind: 'missing', file: 'BTCUSDT-1m-2025-01-02.zip' });
    scene.fake.archive.inject({ kind: 'truncated', file: 'BTCUSDT-1m-2025-01-03.zip', keepRows: 420 });
    try {
      const res = await scene.run(['backfill', '--since', '2024-12-30', '--symbols', 'BTCUSDT', '--interval', '1m', '--json', '--log-format', 'json', '--log-level', 'debug']);
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
      const outcomes = res.stderr
        .split('\n')
        .filter((l) => l.includes('"outcome"'))
        .map((l) => JSON.parse(l) as { file: string; outcome: string; candles: number; expected: number })
        .map((e) => [e.file, e.outcome, e.candles, e.expected]);
      assert.deepEqual(outcomes.sort(), [
        ['BTCUSDT-1m-2024-12.zip', 'checksum-mismatch', 0, 2 * 1440],
        ['BTCUSDT-1m-2025-01-01.zip', 'stored', 1440, 1440],
        ['BTCUSDT-1m-2025-01-02.zip', 'not-published', 0, 1440],
        ['BTCUSDT-1m-2025-01-03.zip', 'short', 420, 1440],
      ]);
      const s = await sources((a) => scene.run(a));
      assert.deepEqual(s.candles_by_source, { archive: 1440 + 420, rest: 6 * 1440 + 180 - 1860 });
      assert.equal(s.gaps, 0);
      assert.equal(await empties(scene.target), 0);
    } finally {
      scene.fake.archive.clearDefects();
    }
  });

  it('a publication stall: the days the archive should hold but does not are asked of REST in the same run', async () => {
    scene.fake.archive.setOptions({ dailyLagMs: 60 * 3_600_000 });
    try {
      const res = await backfill();
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
      const s = await sources((a) => scene.run(a));
      assert.deepEqual(s.candles_by_source, { archive: 3 * 1440, rest: 2 * 1440 + 1440 + 180 });
      assert.equal(await empties(scene.target), 0);
    } finally {
      scene.fake.archive.setOptions({ dailyLagMs: 9 * 3_600_000 });
    }
  });

  it('--source rest asks nothing of the archive and stores the same', async () => {
    const res = await scene.run(['backfill', '--since', '2024-12-30', '--symbols', 'BTCUSDT', '--interval', '1m', '--source', 'rest']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(scene.fake.archiveRequests().length, 0);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
    assert.deepEqual((await sources((a) => scene.run(a))).candles_by_source, { archive: 0, rest: 6 * 1440 + 180 });
  });
});

describe('archive source replaying the real archive files', () => {
  const real = loadRealKlines('BTCUSDT-1m-2020');
  const scene = scenario({
    db: 'postgres',
    env: AUTO,
    exchange: {
      now: Date.UTC(2020, 0, 10),
      symbols: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', listedAt: Date.UTC(2020, 0, 1), status: 'BREAK', replay: { '1m': real } }],
    },
  });

  it('stores the three real daily zips (their own CHECKSUMs) exactly as the recorded candles', async () => {
    scene.fake.archive.serveRealFiles(['01', '02', '03'].map((d) => `BTCUSDT-1m-2020-01-${d}.zip`));
    const res = await scene.run(['backfill', '--since', '2020-01-01', '--until', '2020-01-04', '--symbols', 'BTCUSDT', '--interval', '1m']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), real);
    assert.equal(scene.fake.klineRequests('BTCUSDT', '1m').filter((r) => r.query.limit !== '1').length, 0, 'nothing left for REST');
    assert.deepEqual((await sources((a) => scene.run(a))).candles_by_source, { archive: 4320, rest: 0 });
  });
});

describe('archive source on the embedded store', () => {
  const scene = scenario({ db: 'embedded', env: AUTO, exchange: { now: NOW } });

  it('a monthly 1m file and daily ones (copied into PGlite from a blob), then REST, exact', async () => {
    const res = await scene.run(['backfill', '--since', '2024-12-30', '--symbols', 'ETHUSDT', '--interval', '1m']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1m'), scene.fake.expectedKlines('ETHUSDT', '1m', SINCE, NOW));
    assert.deepEqual((await sources((a) => scene.run(a))).candles_by_source, { archive: 5 * 1440, rest: 1440 + 180 });
  });
});
