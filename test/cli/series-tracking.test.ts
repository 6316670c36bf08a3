// Tracked series are first-class: `series` lists them; `untrack` stops forward's requests and keeps the data (or, with
// --purge --yes, deletes it); a later backfill tracks a series again; a delisted symbol (BREAK, or absent from
// exchangeInfo) is collected up to its end once, then no longer asked for, until it trades again; `forward --top`
// ranks the universe again: entrants backfilled from its start, leavers kept unless --drop-leavers.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { usdtSymbol, type FakeSymbol } from '../support/fake-exchange/index.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { jsonOf } from '../support/run-cli.ts';
import { scenario, type Scenario } from '../support/scenario.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';

const H = 3_600_000;
const NOW = Date.UTC(2024, 6, 1, 0, 30);
const LAUNCH = Date.UTC(2019, 0, 1);
const SINCE = '2024-06-29';
const SINCE_MS = Date.UTC(2024, 5, 29);
const LUNA_END = NOW + 3 * H + 30 * 60_000; // 04:00
/** The open time up to which a run at NOW + k hours has stored every candle (the one opening then is still open). */
const upTo = (k: number): number => NOW - 30 * 60_000 + k * H;

interface SeriesDoc {
  series: Array<{ symbol: string; interval: string; state: string; tracked_by: string; universe_rank: number | null; untrack_reason: string | null; delisted_at: string | null; delisted_status: string | null }>;
}

async function seriesOf(scene: Scenario): Promise<SeriesDoc['series']> {
  const res = await scene.run(['series', '--json']);
  assert.equal(res.code, 0, res.stderr);
  return jsonOf<SeriesDoc>(res).series;
}

const stateOf = async (scene: Scenario) => Object.fromEntries((await seriesOf(scene)).map((s) => [s.symbol, s.state]));
const polled = (scene: Scenario) => [...new Set(scene.fake.klineRequests().map((r) => r.query.symbol))].sort();

describeOnEachDb('series tracking', (kind) => {
  const luna = usdtSymbol('LUNAUSDT', LAUNCH, { delistedAt: LUNA_END });
  const eth = usdtSymbol('ETHUSDT', LAUNCH);
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: [usdtSymbol('BTCUSDT', LAUNCH), eth, luna] } });

  it('`series` lists the series a backfill tracks by name', async () => {
    const res = await scene.run(['backfill', '--since', SINCE, '--symbols', 'BTCUSDT,ETHUSDT,LUNAUSDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(
      (await seriesOf(scene)).map((s) => [s.symbol, s.interval, s.state, s.tracked_by, s.universe_rank]),
      [
        ['BTCUSDT', '1h', 'active', 'name', null],
        ['ETHUSDT', '1h', 'active', 'name', null],
        ['LUNAUSDT', '1h', 'active', 'name', null],
      ],
    );
    const text = await scene.run(['series']);
    assert.match(text.stdout, /ETHUSDT +│? *1h +│? *2024-06-29 00:00 +│? *name +│? *active/);
  });

  it('untrack: forward no longer asks for the series, and its candles stay', async () => {
    const res = await scene.run(['untrack', '--symbols', 'ethusdt', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(jsonOf(res), { untracked: [{ symbol: 'ETHUSDT', interval: '1h' }], purged: null });
    scene.fake.setNow(NOW + 2 * H);
    scene.fake.resetRequests();
    const fwd = await scene.run(['forward', '--json']);
    assert.equal(fwd.code, 0, fwd.stderr);
    assert.deepEqual(polled(scene), ['BTCUSDT', 'LUNAUSDT']);
    assert.deepEqual(jsonOf<{ series: Array<{ symbol: string }> }>(fwd).series.map((s) => s.symbol), ['BTCUSDT', 'LUNAUSDT']);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), scene.fake.expectedKlines('ETHUSDT', '1h', SINCE_MS, upTo(0)));
    const eth1h = (await seriesOf(scene)).find((s) => s.symbol === 'ETHUSDT');
    assert.deepEqual([eth1h?.state, eth1h?.untrack_reason], ['untracked', 'untrack']);
    const status = jsonOf<{ series: Array<{ symbol: string; state: string }> }>(await scene.run(['status', '--json']));
    assert.equal(status.series.find((s) => s.symbol === 'ETHUSDT')?.state, 'untracked');
    // An untracked series is counted apart, not as tracked by name too.
    assert.match((await scene.run(['status'])).stdout, /^tracked by name: 2; by universe: 0; untracked: 1 \(cryptocollect series\)$/m);
    // Naming it to forward says how to track it again.
    const named = await scene.run(['forward', '--symbols', 'ETHUSDT']);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /^cryptocollect: untracked: ETHUSDT — `cryptocollect backfill --since <date> --symbols ETHUSDT` tracks it again\n$/);
  });

  it('untrack --purge is refused without --yes (exit 2, one line, nothing touched); with --yes the data is gone', async () => {
    const before = await countCandles(scene.target, `symbol = 'ETHUSDT'`);
    assert.equal(before, scene.fake.expectedKlines('ETHUSDT', '1h', SINCE_MS, upTo(0)).length);
    const refused = await scene.run(['untrack', '--symbols', 'ETHUSDT', '--purge']);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr, 'cryptocollect: --purge deletes the stored candles of these series: add --yes to confirm\n');
    assert.equal(refused.stdout, '');
    assert.equal(await countCandles(scene.target, `symbol = 'ETHUSDT'`), before);

    // Something of each kind to delete: an exchange-empty range and a quality finding of its own.
    const [eth1h] = await query<{ id: number }>(scene.target, `select id from series where symbol = 'ETHUSDT'`);
    const id = eth1h?.id;
    await query(scene.target, `insert into exchange_empty (series_id, from_time, to_time) values ($1, '2020-01-01', '2020-01-02')`, [id]);
    await query(scene.target, `insert into quality_findings (series_id, open_time, rule, detail) values ($1, '2024-06-29T01:00:00Z', 'test', 'planted')`, [id]);
    // And irregular values of a candle: no cascade from candle_data removes them (sql/000008), the purge must.
    await query(scene.target, `insert into irregular_candles (series_id, open_time, trades) values ($1, '2024-06-29T02:00:00Z', 3000000000)`, [id]);
    const btcBefore = await storedKlines(scene.target, 'BTCUSDT', '1h');

    const res = await scene.run(['untrack', '--symbols', 'ETHUSDT', '--purge', '--yes', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(jsonOf(res), { untracked: [{ symbol: 'ETHUSDT', interval: '1h' }], purged: { candles: before, exchange_empty: 1, quality_findings: 1 } });
    for (const table of ['candle_data', 'irregular_candles', 'exchange_empty', 'quality_findings']) {
      assert.deepEqual(await query(scene.target, `select count(*)::int as n from ${table} where series_id = $1`, [id]), [{ n: 0 }], table);
    }
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1h'), btcBefore);
  });

  it('a later backfill of an untracked series tracks it again, and collects it afresh', async () => {
    const res = await scene.run(['backfill', '--since', SINCE, '--symbols', 'ETHUSDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal((await stateOf(scene)).ETHUSDT, 'active');
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), scene.fake.expectedKlines('ETHUSDT', '1h', SINCE_MS, upTo(2)));
  });

  it('a delisted symbol (BREAK) is collected to its end once, marked delisted, then never asked for again', async () => {
    scene.fake.setNow(NOW + 5 * H);
    const res = await scene.run(['forward', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'LUNAUSDT', '1h'), scene.fake.expectedKlines('LUNAUSDT', '1h', SINCE_MS, upTo(5)));
    const l = (await seriesOf(scene)).find((s) => s.symbol === 'LUNAUSDT');
    assert.deepEqual([l?.state, l?.delisted_status, l?.delisted_at], ['delisted', 'BREAK', new Date(NOW + 5 * H).toISOString()]);
    const status = jsonOf<{ series: Array<{ symbol: string; state: string }> }>(await scene.run(['status', '--json']));
    assert.equal(status.series.find((s) => s.symbol === 'LUNAUSDT')?.state, 'delisted');
    assert.match((await scene.run(['status'])).stdout, /; delisted: 1 \(cryptocollect series\)$/m);

    scene.fake.setNow(NOW + 7 * H);
    scene.fake.resetRequests();
    const again = await scene.run(['forward', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(polled(scene), ['BTCUSDT', 'ETHUSDT']);
  });

  it('trading again, it is polled again from its watermark; a symbol gone from exchangeInfo is delisted without a request', async () => {
    // Relisted at 06:00: the time in between is a halt, with no candles.
    scene.fake.addSymbol({ ...luna, delistedAt: undefined, halts: [{ from: LUNA_END, to: NOW + 5 * H + 30 * 60_000 }] });
    const ethStored = await storedKlines(scene.target, 'ETHUSDT', '1h');
    assert.deepEqual(ethStored, scene.fake.expectedKlines('ETHUSDT', '1h', SINCE_MS, upTo(7)));
    scene.fake.addSymbol({ ...eth, removed: true });
    scene.fake.setNow(NOW + 9 * H);
    scene.fake.resetRequests();
    const res = await scene.run(['forward', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(polled(scene), ['BTCUSDT', 'LUNAUSDT']);
    assert.deepEqual(await storedKlines(scene.target, 'LUNAUSDT', '1h'), scene.fake.expectedKlines('LUNAUSDT', '1h', SINCE_MS, upTo(9)));
    const rows = Object.fromEntries((await seriesOf(scene)).map((s) => [s.symbol, [s.state, s.delisted_status]]));
    assert.deepEqual(rows, { BTCUSDT: ['active', null], ETHUSDT: ['delisted', 'ABSENT'], LUNAUSDT: ['active', null] });
    // The removed symbol's data stays.
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1h'), ethStored);
  });

  it('forward --top with no universe, and --drop-leavers without --top, are usage errors', async () => {
    const res = await scene.run(['forward', '--top', '5']);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, 'cryptocollect: forward --top: no universe to rank again; start one with `cryptocollect backfill --since <date>` (without --symbols)\n');
    const drop = await scene.run(['forward', '--drop-leavers']);
    assert.equal(drop.code, 2);
    assert.equal(drop.stderr, 'cryptocollect: --drop-leavers needs --top (the ranking that tells who left)\n');
  });
});

describeOnEachDb('universe refresh', (kind) => {
  const vol = (symbol: string, quoteVolume24h: string): FakeSymbol => usdtSymbol(symbol, LAUNCH, { quoteVolume24h });
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: [vol('AAAUSDT', '300'), vol('BBBUSDT', '200'), vol('CCCUSDT', '100')] } });
  const ranking = async (runId: number) =>
    (await query<{ symbol: string; rank: number }>(scene.target, `select m.symbol, m.rank from universe_members m join universe_rankings r on r.id = m.ranking_id where r.run_id = $1 order by m.rank`, [runId])).map(
      (m) => `${m.rank} ${m.symbol}`,
    );
  const complete = async (symbol: string, k: number) => assert.deepEqual(await storedKlines(scene.target, symbol, '1h'), scene.fake.expectedKlines(symbol, '1h', SINCE_MS, upTo(k)), symbol);

  it('forward --top: an entrant is backfilled from the universe start; a leaver stays tracked and polled', async () => {
    const res = await scene.run(['backfill', '--since', SINCE, '--top', '2', '--json']);
    assert.equal(res.code, 0, res.stderr);
    scene.fake.addSymbol(vol('CCCUSDT', '400'));
    scene.fake.setNow(NOW + H);
    scene.fake.resetRequests();
    const fwd = await scene.run(['forward', '--top', '2', '--json']);
    assert.equal(fwd.code, 0, fwd.stderr);
    assert.deepEqual(await ranking(jsonOf<{ run_id: number }>(fwd).run_id), ['1 CCCUSDT', '2 AAAUSDT']);
    assert.equal(scene.fake.requests.filter((r) => r.path === '/api/v3/ticker/24hr').length, 1);
    assert.deepEqual(polled(scene), ['AAAUSDT', 'BBBUSDT', 'CCCUSDT']);
    for (const s of ['AAAUSDT', 'BBBUSDT', 'CCCUSDT']) await complete(s, 1);
    const b = (await seriesOf(scene)).find((s) => s.symbol === 'BBBUSDT');
    assert.deepEqual([b?.state, b?.tracked_by, b?.universe_rank], ['active', 'universe', null]);
  });

  it('--drop-leavers untracks who left (not polled, data kept); a leaver back in the top is tracked and caught up', async () => {
    scene.fake.addSymbol(vol('BBBUSDT', '500'));
    scene.fake.setNow(NOW + 2 * H);
    scene.fake.resetRequests();
    const fwd = await scene.run(['forward', '--top', '2', '--drop-leavers', '--json']);
    assert.equal(fwd.code, 0, fwd.stderr);
    assert.deepEqual(await ranking(jsonOf<{ run_id: number }>(fwd).run_id), ['1 BBBUSDT', '2 CCCUSDT']);
    assert.deepEqual(polled(scene), ['BBBUSDT', 'CCCUSDT']);
    const a = (await seriesOf(scene)).find((s) => s.symbol === 'AAAUSDT');
    assert.deepEqual([a?.state, a?.untrack_reason], ['untracked', 'left-universe']);
    await complete('AAAUSDT', 1);

    scene.fake.addSymbol(vol('AAAUSDT', '900'));
    scene.fake.setNow(NOW + 3 * H);
    const back = await scene.run(['forward', '--top', '2', '--drop-leavers', '--json']);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(await ranking(jsonOf<{ run_id: number }>(back).run_id), ['1 AAAUSDT', '2 BBBUSDT']);
    assert.deepEqual(await stateOf(scene), { AAAUSDT: 'active', BBBUSDT: 'active', CCCUSDT: 'untracked' });
    await complete('AAAUSDT', 3);
  });

  it('a series the user untracked stays untracked when its symbol is back in the top', async () => {
    const res = await scene.run(['untrack', '--symbols', 'BBBUSDT']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^untracked 1 series: BBBUSDT 1h; forward no longer polls it \(data kept; a backfill tracks it again\)\n$/);
    scene.fake.setNow(NOW + 4 * H);
    scene.fake.resetRequests();
    const fwd = await scene.run(['forward', '--top', '3', '--json']);
    assert.equal(fwd.code, 0, fwd.stderr);
    assert.deepEqual(await ranking(jsonOf<{ run_id: number }>(fwd).run_id), ['1 AAAUSDT', '2 BBBUSDT', '3 CCCUSDT']);
    // CCCUSDT left the universe and is back: tracked again. BBBUSDT was untracked by the user: left alone.
    assert.deepEqual(await stateOf(scene), { AAAUSDT: 'active', BBBUSDT: 'untracked', CCCUSDT: 'active' });
    assert.deepEqual(polled(scene), ['AAAUSDT', 'CCCUSDT']);
    await complete('CCCUSDT', 4);
  });
});
