// Choosing what to collect: `backfill` without --symbols tracks the top N TRADING symbols of the quote assets by 24 h
// quote volume (the fake exchange's ticker), leaving out leveraged tokens, stablecoin pairs, what is not trading and
// what --exclude names; the ranking is recorded with the run, value by value, and shown by `series` and `status`.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { usdtSymbol, type FakeSymbol } from '../support/fake-exchange/index.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const LAUNCH = Date.UTC(2019, 0, 1);
const SINCE_MS = Date.UTC(2024, 0, 1);
const SINCE = '2024-01-01';

const sym = (symbol: string, quoteVolume24h: string, more: Partial<FakeSymbol> = {}): FakeSymbol => usdtSymbol(symbol, LAUNCH, { quoteVolume24h, ...more });

/** The market: volumes chosen so that every rule of the ranking decides something. */
const MARKET: FakeSymbol[] = [
  sym('BTCUSDT', '9000000.50000000'),
  sym('ETHUSDT', '5000000.00000000'),
  // A tie: equal volumes (written with different scales) rank by symbol name.
  sym('XRPUSDT', '2000000.00000000'),
  sym('SOLUSDT', '2000000.0'),
  // Not a leveraged token: its base ends with UP, but there is no JDOWN (and no J).
  sym('JUPUSDT', '1500000.12345678'),
  sym('DOGEUSDT', '3000000.00000000'),
  // Leveraged tokens, as exchangeInfo marks them; a stablecoin pair; a symbol in BREAK; another quote asset.
  sym('BTCUPUSDT', '8000000.00000000', { permissionSets: [['LEVERAGED']] }),
  sym('BTCDOWNUSDT', '7000000.00000000', { permissionSets: [['LEVERAGED']] }),
  sym('USDCUSDT', '99999999.00000000'),
  sym('OLDUSDT', '6000000.00000000', { status: 'BREAK' }),
  { symbol: 'ETHBTC', baseAsset: 'ETH', quoteAsset: 'BTC', listedAt: LAUNCH, quoteVolume24h: '4000.00000000' },
  sym('GONEUSDT', '50000000.00000000', { removed: true }),
];

interface Member {
  symbol: string;
  rank: number;
  quote_volume: string;
}

async function recordedRanking(target: Parameters<typeof query>[0], runId: number) {
  const [ranking] = await query<{ id: number; universe_id: number; ranked_at: string; top: number; eligible: number }>(
    target,
    `select id, universe_id, to_char(ranked_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ranked_at, top, eligible from universe_rankings where run_id = $1`,
    [runId],
  );
  assert.ok(ranking, `no ranking recorded for run ${runId}`);
  const members = await query<Member>(target, `select symbol, rank, quote_volume::text as quote_volume from universe_members where ranking_id = $1 order by rank`, [ranking.id]);
  const [universe] = await query<{ quote_assets: string[]; exclude: string[]; top: number; intervals: string[]; start_time: string }>(
    target,
    `select quote_assets, exclude, top, intervals, to_char(start_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as start_time from universes where id = $1`,
    [ranking.universe_id],
  );
  return { ranking, members, universe };
}

describeOnEachDb('universe', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, symbols: MARKET } });

  it('`backfill --since …` exactly as written: every eligible USDT symbol (fewer than 100), ranked, recorded, collected', async () => {
    const res = await scene.run(['backfill', '--since', SINCE]);
    assert.equal(res.code, 0, res.stderr);
    const expected = ['BTCUSDT', 'ETHUSDT', 'DOGEUSDT', 'SOLUSDT', 'XRPUSDT', 'JUPUSDT'];
    const series = await query<{ symbol: string; interval: string; by_universe: boolean }>(
      scene.target,
      `select symbol, interval, universe_id is not null as by_universe from series order by symbol`,
    );
    assert.deepEqual(series, [...expected].sort().map((symbol) => ({ symbol, interval: '1h', by_universe: true })));
    for (const symbol of expected) assert.deepEqual(await storedKlines(scene.target, symbol, '1h'), scene.fake.expectedKlines(symbol, '1h', SINCE_MS, NOW), symbol);

    // One ticker request for all symbols (weight 80), one exchangeInfo for all, and nothing for what was left out.
    const tickers = scene.fake.requests.filter((r) => r.path === '/api/v3/ticker/24hr');
    assert.deepEqual(tickers.map((r) => [r.query, r.weight]), [[{ type: 'MINI' }, 80]]);
    assert.deepEqual(scene.fake.requests.filter((r) => r.path === '/api/v3/exchangeInfo').map((r) => r.query), [{}]);
    assert.deepEqual([...new Set(scene.fake.klineRequests().map((r) => r.query.symbol))].sort(), [...expected].sort());

    const [run] = await query<{ id: number; args: { symbols: string[]; universe: unknown } }>(scene.target, `select id, args from runs order by id desc limit 1`);
    assert.ok(run);
    assert.deepEqual(run.args.symbols, expected);
    assert.deepEqual(run.args.universe, { top: 100, quote_assets: ['USDT'], exclude: [] });
    const { ranking, members, universe } = await recordedRanking(scene.target, run.id);
    assert.deepEqual(
      { ranked_at: ranking.ranked_at, top: ranking.top, eligible: ranking.eligible },
      { ranked_at: new Date(NOW).toISOString(), top: 100, eligible: 6 },
    );
    assert.deepEqual(members, [
      { symbol: 'BTCUSDT', rank: 1, quote_volume: '9000000.50000000' },
      { symbol: 'ETHUSDT', rank: 2, quote_volume: '5000000.00000000' },
      { symbol: 'DOGEUSDT', rank: 3, quote_volume: '3000000.00000000' },
      { symbol: 'SOLUSDT', rank: 4, quote_volume: '2000000.0' },
      { symbol: 'XRPUSDT', rank: 5, quote_volume: '2000000.00000000' },
      { symbol: 'JUPUSDT', rank: 6, quote_volume: '1500000.12345678' },
    ]);
    assert.deepEqual(universe, { quote_assets: ['USDT'], exclude: [], top: 100, intervals: ['1h'], start_time: new Date(SINCE_MS).toISOString() });
  });

  it('`series` and `status` say why each series is tracked: its universe, rank and volume', async () => {
    const res = await scene.run(['series', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = jsonOf<{ series: Array<Record<string, unknown>>; universes: Array<Record<string, unknown>> }>(res);
    const sol = doc.series.find((s) => s.symbol === 'SOLUSDT');
    const [u] = doc.universes;
    assert.ok(u);
    assert.deepEqual(sol, {
      symbol: 'SOLUSDT',
      interval: '1h',
      since: new Date(SINCE_MS).toISOString(),
      state: 'active',
      tracked_by: 'universe',
      universe_id: u.id,
      universe_rank: 4,
      universe_quote_volume: '2000000.0',
      untracked_at: null,
      untrack_reason: null,
      delisted_at: null,
      delisted_status: null,
    });
    assert.deepEqual({ ...u, id: 0, run_id: 0 }, {
      id: 0,
      top: 100,
      quote_assets: ['USDT'],
      exclude: [],
      intervals: ['1h'],
      since: new Date(SINCE_MS).toISOString(),
      ranked_at: new Date(NOW).toISOString(),
      run_id: 0,
      eligible: 6,
      members: [
        { rank: 1, symbol: 'BTCUSDT', quote_volume: '9000000.50000000' },
        { rank: 2, symbol: 'ETHUSDT', quote_volume: '5000000.00000000' },
        { rank: 3, symbol: 'DOGEUSDT', quote_volume: '3000000.00000000' },
        { rank: 4, symbol: 'SOLUSDT', quote_volume: '2000000.0' },
        { rank: 5, symbol: 'XRPUSDT', quote_volume: '2000000.00000000' },
        { rank: 6, symbol: 'JUPUSDT', quote_volume: '1500000.12345678' },
      ],
    });
    const text = await scene.run(['series']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /JUPUSDT .*universe \d+ #6 .*active/);

    const status = await scene.run(['status', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const btc = jsonOf<{ series: Array<Record<string, unknown>> }>(status).series.find((s) => s.symbol === 'BTCUSDT');
    assert.deepEqual(
      { state: btc?.state, tracked_by: btc?.tracked_by, universe_rank: btc?.universe_rank, universe_quote_volume: btc?.universe_quote_volume },
      { state: 'active', tracked_by: 'universe', universe_rank: 1, universe_quote_volume: '9000000.50000000' },
    );
  });

  it('--top N with --quote and --exclude: ties at the cut go by symbol; the ranking is recorded as chosen', async () => {
    const t = await scene.makeTarget(kind);
    const res = await runCli(t, ['backfill', '--since', SINCE, '--top', '2', '--quote', 'usdt', '--exclude', 'DOGE,BTC/USDT', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ run_id: number; series: Array<{ symbol: string }> }>(res);
    // SOLUSDT and XRPUSDT have the same volume: SOLUSDT comes first, and XRPUSDT is left below the cut.
    assert.deepEqual(out.series.map((s) => s.symbol).sort(), ['ETHUSDT', 'SOLUSDT']);
    const { ranking, members, universe } = await recordedRanking(t, out.run_id);
    assert.deepEqual(members, [
      { symbol: 'ETHUSDT', rank: 1, quote_volume: '5000000.00000000' },
      { symbol: 'SOLUSDT', rank: 2, quote_volume: '2000000.0' },
    ]);
    assert.equal(ranking.eligible, 4);
    assert.deepEqual({ quote_assets: universe?.quote_assets, exclude: universe?.exclude, top: universe?.top }, { quote_assets: ['USDT'], exclude: ['BTCUSDT', 'DOGE'], top: 2 });
    assert.deepEqual(await query(t, `select symbol from series order by symbol`), [{ symbol: 'ETHUSDT' }, { symbol: 'SOLUSDT' }]);
    for (const symbol of ['ETHUSDT', 'SOLUSDT']) assert.deepEqual(await storedKlines(t, symbol, '1h'), scene.fake.expectedKlines(symbol, '1h', SINCE_MS, NOW), symbol);
  });

  it('--quote BTC: only its pairs; a quote asset nothing trades in is a usage error', async () => {
    const t = await scene.makeTarget(kind);
    const res = await runCli(t, ['backfill', '--since', SINCE, '--quote', 'BTC', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(jsonOf<{ series: Array<{ symbol: string }> }>(res).series.map((s) => s.symbol), ['ETHBTC']);
    const none = await runCli(t, ['backfill', '--since', SINCE, '--quote', 'XYZ']);
    assert.equal(none.code, 2);
    assert.equal(none.stderr, `cryptocollect: no symbol of quote asset XYZ is trading on ${t.baseUrl} (--quote, --exclude)\n`);
  });

  it('--symbols wins: combined with --top, --quote or --exclude it is a usage error, before anything is asked', async () => {
    scene.fake.resetRequests();
    for (const flag of [['--top', '5'], ['--quote', 'USDT'], ['--exclude', 'DOGE']]) {
      const res = await scene.run(['backfill', '--since', SINCE, '--symbols', 'BTCUSDT', ...flag]);
      assert.equal(res.code, 2);
      assert.equal(res.stderr, `cryptocollect: ${flag[0]} chooses a universe; it cannot be combined with --symbols (which names the series to track)\n`);
    }
    assert.deepEqual(scene.fake.requests, []);
  });
});
