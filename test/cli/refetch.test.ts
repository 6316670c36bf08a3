// `refetch` deletes a range of tracked series and fetches it again in one recorded run: the range comes back exactly
// as the exchange has it now (corrected candles, irregular ones in both directions), nothing outside it changes,
// exchange-empty ranges reaching past its bounds keep their parts outside; --dry-run writes nothing; a refetch
// killed after its delete leaves the range as a gap that `gaps --fill` restores exactly.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { usdtSymbol, type RealKline } from '../support/fake-exchange/index.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines } from '../support/stored-rows.ts';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';

const H = 3_600_000;
const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 1);
const R0 = Date.UTC(2024, 4, 11);
const R1 = Date.UTC(2024, 4, 20);
const iso = (t: number): string => new Date(t).toISOString();
const inRange = (k: RealKline): boolean => k[0] >= R0 && k[0] < R1;
/** Halts straddling the range's bounds: remembered as exchange-empty, partly inside the range, partly outside. */
const HALTS = [
  { from: Date.UTC(2024, 4, 10), to: Date.UTC(2024, 4, 12) },
  { from: Date.UTC(2024, 4, 19), to: Date.UTC(2024, 4, 21) },
];
/** Irregular candles: cut short (a close time before the nominal one). */
const cut = (k: RealKline): RealKline => [k[0], k[1], k[2], k[3], k[4], k[5], k[0] + H / 2 - 1, k[7], k[8], k[9], k[10], k[11]];
/** The exchange's correction: other volumes (more decimals, so their scale changes too). */
const corrected = (k: RealKline): RealKline => [k[0], k[1], k[2], k[3], k[4], `${k[5]}7`, k[6], `${k[7]}3`, k[8] + 1, k[9], k[10], k[11]];

interface Deleted {
  symbol: string;
  interval: string;
  from: string | null;
  to: string | null;
  candles: number;
  irregular: number;
  exchange_empty: number;
  quality_findings: number;
}
interface RefetchDoc {
  deleted: Deleted[];
  run: { run_id: number; status: string; candles_written: number; series: Array<{ symbol: string; status: string }> } | null;
  plan: { dry_run: true; command: string; series: Array<{ symbol: string; status: string; ranges: Array<{ from: string; to: string; candles: number }>; candles: number }> } | null;
}
interface Gaps {
  gaps: Array<{ symbol: string; from: string; to: string; candles: number }>;
  exchange_empty: Array<{ symbol: string; from: string; to: string; candles: number }>;
}

describeOnEachDb('refetch', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: [usdtSymbol('BTCUSDT', SINCE, { halts: HALTS }), usdtSymbol('ETHUSDT', SINCE)] } });
  const args = ['refetch', '--symbols', 'BTCUSDT', '--interval', '1h', '--since', iso(R0), '--until', iso(R1)];
  let v1: RealKline[] = [];
  let v2: RealKline[] = [];
  let eth: RealKline[] = [];
  // A, inside the range, is cut short at first and regular after the correction; B, inside, the other way round;
  // C, before the range, is cut short at first (and regular at the exchange later: the stored one must stay).
  const A = Date.UTC(2024, 4, 13, 5);
  const B = Date.UTC(2024, 4, 15, 7);
  const C = Date.UTC(2024, 4, 5, 3);
  const dump = async () => ({
    rows: await query(scene.target, `select series_id, open_time, open::text, volume::text, trades from candle_data order by 1, 2`),
    irregular: await query(scene.target, `select series_id, open_time, close_time, trades from irregular_candles order by 1, 2`),
    empties: await query(scene.target, `select series_id, from_time, to_time from exchange_empty order by 1, 2`),
    findings: await query(scene.target, `select series_id, open_time, rule from quality_findings order by 1, 2, 3`),
    series: await query(scene.target, `select id, start_time, collected_until from series order by id`),
    runs: await query(scene.target, `select count(*)::int as n from runs`),
  });

  before(async () => {
    const base = scene.fake.expectedKlines('BTCUSDT', '1h', SINCE, NOW);
    v1 = base.map((k) => (k[0] === A || k[0] === C ? cut(k) : k));
    v2 = base.map(corrected).map((k) => (k[0] === B ? cut(k) : k));
    scene.fake.addSymbol(usdtSymbol('BTCUSDT', SINCE, { halts: HALTS, replay: { '1h': v1 } }));
    eth = scene.fake.expectedKlines('ETHUSDT', '1h', SINCE, NOW);
    const res = await scene.run(['backfill', '--since', iso(SINCE), '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '1h']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), v1);
  });

  it('--dry-run counts what it would delete and plans the fetch, writing nothing', async () => {
    const before = await dump();
    scene.fake.resetRequests();
    const res = await scene.run([...args, '--dry-run', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = jsonOf<RefetchDoc>(res);
    const within = v1.filter(inRange).length;
    // Exchange-empty: the two halts reaching into the range, and the half hour after A (cut short) closed.
    assert.deepEqual(doc.deleted, [
      { symbol: 'BTCUSDT', interval: '1h', from: iso(R0), to: iso(R1), candles: within, irregular: 1, exchange_empty: 3, quality_findings: 0 },
    ]);
    assert.equal(doc.run, null);
    assert.equal(doc.plan?.command, 'refetch');
    assert.deepEqual(
      doc.plan?.series.map((s) => [s.symbol, s.status, s.ranges, s.candles]),
      [['BTCUSDT', 'fetch', [{ from: iso(R0), to: iso(R1 - H), candles: (R1 - R0) / H }], (R1 - R0) / H]],
    );
    assert.equal(scene.fake.klineRequests().length, 0);
    assert.deepEqual(await dump(), before);
  });

  it('replaces the range exactly as the exchange has it now; nothing outside it changes', async () => {
    const gapsBefore = jsonOf<Gaps>(await scene.run(['gaps', '--json']));
    const before = await dump();
    scene.fake.addSymbol(usdtSymbol('BTCUSDT', SINCE, { halts: HALTS, replay: { '1h': v2 } }));
    const res = await scene.run([...args, '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = jsonOf<RefetchDoc>(res);
    assert.deepEqual(doc.deleted, [
      { symbol: 'BTCUSDT', interval: '1h', from: iso(R0), to: iso(R1), candles: v1.filter(inRange).length, irregular: 1, exchange_empty: 3, quality_findings: 0 },
    ]);
    assert.equal(doc.run?.status, 'success');
    assert.equal(doc.run?.candles_written, v2.filter(inRange).length);
    assert.deepEqual(doc.plan, null);
    const [run] = await query<{ command: string; status: string; args: unknown }>(scene.target, `select command, status, args from runs where id = $1`, [doc.run?.run_id]);
    assert.deepEqual(run, { command: 'refetch', status: 'success', args: { symbols: ['BTCUSDT'], intervals: ['1h'], since: iso(R0), until: iso(R1) } });

    // Inside: the exchange's values now, A regular again, B cut short; outside: as stored before, C still cut short.
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), [...v1.filter((k) => k[0] < R0), ...v2.filter(inRange), ...v1.filter((k) => k[0] >= R1)]);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h').then((ks) => ks.filter((k) => k[6] !== k[0] + H - 1).map((k) => k[0])), [C, B]);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), eth);
    const after = await dump();
    const [{ id: btc } = { id: -1 }] = await query<{ id: number }>(scene.target, `select id from series where symbol = 'BTCUSDT'`);
    const outside = (rows: Array<Record<string, unknown>>) => rows.filter((r) => r.series_id !== btc || !((r.open_time as Date) >= new Date(R0) && (r.open_time as Date) < new Date(R1)));
    assert.deepEqual(outside(after.rows), outside(before.rows));
    assert.deepEqual(after.irregular.map((r) => [r.series_id, (r.open_time as Date).getTime()]), [[btc, C], [btc, B]]);
    // The watermark is where it was: the range was proven again, and what lay past it had been.
    assert.deepEqual(after.series, before.series);
    // The halts' parts outside the range were kept, their parts inside answered empty again: the same ranges.
    const gapsAfter = jsonOf<Gaps>(await scene.run(['gaps', '--json']));
    assert.deepEqual(gapsAfter, gapsBefore);
    assert.deepEqual(
      gapsAfter.exchange_empty.map((e) => [e.symbol, e.from, e.to]),
      HALTS.map((h) => ['BTCUSDT', iso(h.from), iso(h.to - H)]),
    );
    scene.fake.resetRequests();
    assert.equal((await scene.run(['forward'])).code, 0);
    assert.equal(scene.fake.klineRequests().length, 0);
  });

  it('a delete through the candles view removes the irregular values too; one straight from candle_data leaves none that count', async () => {
    await query(scene.target, `delete from candles where symbol = 'BTCUSDT' and open_time = $1`, [new Date(B)]);
    assert.deepEqual(await query(scene.target, `select count(*)::int as n from irregular_candles where open_time = $1`, [new Date(B)]), [{ n: 0 }]);
    // Straight from candle_data: C's irregular row is left behind, and the exchange now has C regular.
    await query(scene.target, `delete from candle_data where open_time = $1 and series_id = (select id from series where symbol = 'BTCUSDT')`, [new Date(C)]);
    const fill = await scene.run(['gaps', '--fill', '--json']);
    assert.equal(fill.code, 0, fill.stderr);
    const stored = await storedKlines(scene.target, 'BTCUSDT', '1h');
    assert.deepEqual(stored.find((k) => k[0] === C), v2.find((k) => k[0] === C));
    assert.deepEqual(stored.find((k) => k[0] === B), v2.find((k) => k[0] === B));
    assert.deepEqual(await query(scene.target, `select count(*)::int as n from irregular_candles where open_time = $1`, [new Date(C)]), [{ n: 0 }]);
  });
});

describe('refetch on postgres: killed after its delete, refused for what it may not touch', () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, latencyMs: 20 } });
  const expected = (symbol: string, to = NOW) => scene.fake.expectedKlines(symbol, '1h', SINCE, to);

  before(async () => {
    // ETHUSDT ends at R1: the range is its newest end; for BTCUSDT it lies in the middle.
    const btc = await scene.run(['backfill', '--since', iso(SINCE), '--symbols', 'BTCUSDT', '--interval', '1h']);
    assert.equal(btc.code, 0, btc.stderr);
    const ethusdt = await scene.run(['backfill', '--since', iso(SINCE), '--until', iso(R1), '--symbols', 'ETHUSDT', '--interval', '1h']);
    assert.equal(ethusdt.code, 0, ethusdt.stderr);
  });

  it('SIGKILL after the delete: the range is a gap `gaps` reports, and `gaps --fill` restores it exactly', async () => {
    scene.fake.resetRequests();
    scene.fake.injectFault({ path: '/api/v3/klines', kind: 'hang', times: 1000 });
    const child = await scene.start(['refetch', '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '1h', '--since', iso(R0), '--until', iso(R1)]);
    // Its first kline request is out: both series' ranges were deleted before any was asked for.
    await waitForKlineRequests(scene.fake, 1);
    child.child.kill('SIGKILL');
    await child.done;
    scene.fake.clearFaults();
    const candles = (R1 - R0) / H;
    const gaps = jsonOf<Gaps>(await scene.run(['gaps', '--json'])).gaps;
    assert.deepEqual(gaps, [
      { symbol: 'BTCUSDT', interval: '1h', from: iso(R0), to: iso(R1 - H), candles },
      { symbol: 'ETHUSDT', interval: '1h', from: iso(R0), to: iso(R1 - H), candles },
    ]);
    // forward would fetch them too: its watermark does not vouch for the deleted ground (BTCUSDT's went back to
    // the range's start; ETHUSDT's newest candle is now before it).
    const plan = jsonOf<{ series: Array<{ symbol: string; ranges: Array<{ from: string; to: string }> }> }>(await scene.run(['forward', '--dry-run', '--json']));
    assert.deepEqual(
      plan.series.map((s) => [s.symbol, s.ranges.map((r) => [r.from, r.to])]),
      [
        ['BTCUSDT', [[iso(R0), iso(R1 - H)]]],
        ['ETHUSDT', [[iso(R0), iso(NOW - H / 2 - H)]]],
      ],
    );
    const fill = await scene.run(['gaps', '--fill', '--json']);
    assert.equal(fill.code, 0, fill.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), expected('BTCUSDT'));
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), expected('ETHUSDT', R1));
    assert.deepEqual(jsonOf<Gaps>(await scene.run(['gaps', '--json'])).gaps, []);
  });

  it('refused: without --until (with an example), and for an untracked series (one line, nothing touched)', async () => {
    const missing = await scene.run(['refetch', '--symbols', 'BTCUSDT', '--since', iso(R0)]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^cryptocollect: .*required option '--until <date>' not specified; for example: cryptocollect refetch --symbols BTCUSDT --interval 1h --since 2024-03-01 --until 2024-03-02\n$/);
    assert.equal((await scene.run(['untrack', '--symbols', 'ETHUSDT'])).code, 0);
    const before = await storedKlines(scene.target, 'ETHUSDT', '1h');
    scene.fake.resetRequests();
    const res = await scene.run(['refetch', '--symbols', 'ETHUSDT', '--since', iso(R0), '--until', iso(R1)]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /^cryptocollect: untracked: ETHUSDT 1h — refetch only re-collects tracked series .*\n$/);
    assert.equal(scene.fake.requests.length, 0);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), before);
  });
});
