// Workers on their own addresses sharing one PostgreSQL database and the same selection (issue 15): they split
// every series by claims of page ranges — one deep series too — so no candle is fetched twice (counted from the fake
// exchange's request log), every worker works, and the rows and watermarks are exact. A worker killed with kill -9
// mid-run leaves its claims to the other, which takes them over once the dead worker's session is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, syntheticSymbols, type FakeExchange, type RequestRecord } from '../support/fake-exchange/index.ts';
import { klinesFetched } from '../support/klines-fetched.ts';
import { jsonOf, startCli } from '../support/run-cli.ts';
import { query, storedKlines } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
// The deep series: 42 days of 1m, 61 pages. The hourly job: 12 symbols of 1h for a year, 9 pages each.
const DEEP = { symbol: 'BTCUSDT', interval: '1m', since: Date.UTC(2024, 3, 20) };
const HOURLY_SINCE = Date.UTC(2023, 5, 1);
const SYMBOLS = syntheticSymbols(12);
// Each address's budget binds: 60 weight (30 pages) per 2 s window.
const RATE = { interval: 'SECOND' as const, intervalNum: 2, limit: 60 };
const CONCURRENCY = 4;

interface RunJson {
  run_id: number;
  status: string;
  candles_written: number;
  series: Array<{ symbol: string; interval: string; status: string; candles_written: number }>;
}

const klines = (records: readonly RequestRecord[], address?: string, symbol?: string): RequestRecord[] =>
  records.filter((r) => r.path === '/api/v3/klines' && (address === undefined || r.address === address) && (symbol === undefined || r.query.symbol === symbol));

describe('workers sharing the series of one database', { concurrency: false }, () => {
  let fake: FakeExchange;
  const targets: Target[] = [];
  before(async () => {
    fake = await createFakeExchange({ now: NOW, latencyMs: 5, symbols: SYMBOLS, rateLimit: RATE });
  });
  after(async () => {
    await Promise.all(targets.map((t) => t.cleanup()));
    await fake.close();
  });
  const target = async (): Promise<Target> => {
    const t = await makeTarget('postgres', fake.url, { CRYPTOCOLLECT_CONCURRENCY: String(CONCURRENCY) });
    targets.push(t);
    return t;
  };
  const backfill = (t: Target, address: string, args: string[], extra: string[] = []) =>
    startCli(t, ['backfill', ...args, '--local-address', address, '--json', ...extra]);
  const deepArgs = ['--since', new Date(DEEP.since).toISOString(), '--symbols', DEEP.symbol, '--interval', DEEP.interval];

  /** Every stored row is the exchange's, every watermark at the newest closed slot, no claim left behind. */
  async function assertExact(t: Target, series: Array<{ symbol: string; interval: string; since: number }>): Promise<void> {
    for (const s of series) assert.deepEqual(await storedKlines(t, s.symbol, s.interval), fake.expectedKlines(s.symbol, s.interval, s.since, NOW), `${s.symbol} ${s.interval}`);
    const marks = await query<{ symbol: string; interval: string; collected_until: Date | null }>(t, 'select symbol, interval, collected_until from series order by symbol, interval');
    const slot = (interval: string): number => (interval === '1m' ? 60_000 : 3_600_000);
    assert.deepEqual(
      marks.map((m) => [m.symbol, m.interval, m.collected_until?.toISOString()]),
      [...series].sort((a, b) => `${a.symbol} ${a.interval}`.localeCompare(`${b.symbol} ${b.interval}`)).map((s) => [s.symbol, s.interval, new Date(Math.floor(NOW / slot(s.interval)) * slot(s.interval)).toISOString()]),
    );
    assert.deepEqual(await query(t, 'select * from series_claims'), []);
  }

  it('three workers started at once split one deep series and then a job of many series: every candle fetched once, each worker working, exact', async () => {
    const t = await target();
    const addresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
    fake.resetRequests();
    const deep = await Promise.all(addresses.map((a) => backfill(t, a, deepArgs).done));
    for (const res of deep) assert.deepEqual([res.code, jsonOf<RunJson>(res).status], [0, 'success'], res.stderr);
    const deepRequests = [...fake.requests];
    // Each worker fetched a share of the one series, and their shares add up to the series: each candle once.
    for (const a of addresses) assert.ok(klines(deepRequests, a, DEEP.symbol).length > 0, `${a} fetched none of the deep series: ${addresses.map((x) => klines(deepRequests, x).length).join(', ')}`);
    assert.equal(deep.reduce((n, r) => n + jsonOf<RunJson>(r).candles_written, 0), fake.expectedKlines(DEEP.symbol, DEEP.interval, DEEP.since, NOW).length);

    fake.resetRequests();
    const hourlyArgs = ['--since', new Date(HOURLY_SINCE).toISOString(), '--symbols', SYMBOLS.map((s) => s.symbol).join(','), '--interval', '1h'];
    const hourly = await Promise.all(addresses.map((a) => backfill(t, a, hourlyArgs).done));
    for (const res of hourly) assert.deepEqual([res.code, jsonOf<RunJson>(res).status], [0, 'success'], res.stderr);
    const hourlyRequests = [...fake.requests];
    for (const a of addresses) assert.ok(klines(hourlyRequests, a).length > 0, `${a} fetched none of the job: ${addresses.map((x) => klines(hourlyRequests, x).length).join(', ')}`);

    assert.deepEqual(fake.rateLimitStats(), { throttled: 0, banned: 0 });
    assert.deepEqual([klinesFetched(deepRequests).twice, klinesFetched(hourlyRequests).twice], [0, 0]);
    await assertExact(t, [DEEP, ...SYMBOLS.map((s) => ({ symbol: s.symbol, interval: '1h', since: HOURLY_SINCE }))]);
  });

  it('a worker killed with kill -9 mid-run: the other takes its claims over and finishes, exact; only the dead worker’s last pages are fetched twice', async () => {
    const t = await target();
    fake.resetRequests();
    const [killed, survivor] = [backfill(t, '127.0.0.5', deepArgs), backfill(t, '127.0.0.6', deepArgs, ['--log-format', 'json'])];
    // Mid-run: both have fetched part of the series.
    while (klines(fake.requests, '127.0.0.5').length < 8 || klines(fake.requests, '127.0.0.6').length < 4) await new Promise((r) => setTimeout(r, 2));
    killed.child.kill('SIGKILL');
    const dead = await killed.done;
    assert.equal(dead.signal, 'SIGKILL');
    const res = await survivor.done;
    assert.deepEqual([res.code, jsonOf<RunJson>(res).status], [0, 'success'], res.stderr);
    await assertExact(t, [DEEP]);

    // The survivor took over what the dead run held: its claims, named in its log.
    const runs = await query<{ id: number; status: string }>(t, `select id, status from runs order by id`);
    const deadRun = runs.find((r) => r.id !== jsonOf<RunJson>(res).run_id);
    assert.ok(deadRun, JSON.stringify(runs));
    const takenOver = res.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { event: string; held_by?: number })
      .filter((e) => e.event === 'claim-taken-over');
    assert.ok(takenOver.length > 0 && takenOver.every((e) => e.held_by === deadRun.id), res.stderr);

    // Fetched twice: only candles of the dead worker's last answers — those on the wire or waiting for their write
    // when it died (at most three times its concurrency) — each at most once more, by the survivor.
    const mine = klines(fake.requests, '127.0.0.6');
    const theirs = klines(fake.requests, '127.0.0.5');
    assert.equal(klinesFetched(mine).twice, 0);
    assert.equal(klinesFetched(theirs).twice, 0);
    const overlaps = (r: RequestRecord): boolean =>
      mine.some((m) => m.klines?.first != null && r.klines?.first != null && m.klines.first <= (r.klines.last as number) && r.klines.first <= (m.klines.last as number));
    const refetched = theirs.map((r, i) => ({ i, again: overlaps(r) })).filter((x) => x.again);
    assert.ok(refetched.every((x) => x.i >= theirs.length - 3 * CONCURRENCY), `the dead worker's answers fetched again: ${refetched.map((x) => x.i).join(', ')} of ${theirs.length}`);
  });
});
