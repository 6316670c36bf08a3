// Every failure the exchange can throw, through the real CLI: transient ones are retried until the rows are
// exactly right; persistent ones fail the series (exit 3) or the run (418/451: exit 1) without losing anything.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Fault } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli, type CliTarget } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 20); // 12 days of 5m candles: 3,456 candles, 4 pages per symbol

describe('exchange faults through the CLI', () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW }, fresh: 'each' });

  const backfill = (target: CliTarget, ...extra: string[]) =>
    runCli(target, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT,ETHUSDT', '--interval', '5m', '--json', ...extra]);

  it('a backfill under a mix of every transient fault ends with exactly the right rows and exit 0', async () => {
    const klines = '/api/v3/klines';
    const mix: Fault[] = [
      { path: klines, kind: 'status500' },
      { path: klines, kind: 'reset' },
      { path: klines, kind: 'status502' },
      { path: klines, kind: 'truncated' },
      { path: klines, kind: 'status503', retryAfterSec: 1 },
      { path: klines, kind: 'badjson' },
      { path: klines, kind: 'hang' },
      { path: klines, kind: 'binanceError', code: -1001 },
      { path: klines, kind: 'status429', retryAfterSec: 1 },
      { path: klines, kind: 'binanceError', code: -1008 },
      { path: klines, kind: 'binanceError', code: -1007 },
      { path: '/api/v3/exchangeInfo', kind: 'status503' },
      { path: '/api/v3/exchangeInfo', kind: 'reset' },
    ];
    for (const f of mix) scene.fake.injectFault(f);
    // Up to eight pages in flight share these faults, so one page may meet several in a row.
    const res = await backfill({ ...scene.target, env: { CRYPTOCOLLECT_RETRIES: '12' } }, '--timeout', '1');
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ status: string; retries: number; rate_limited: number }>(res);
    assert.equal(out.status, 'success');
    assert.ok(out.retries >= mix.length, `only ${out.retries} retries recorded`);
    assert.equal(out.rate_limited, 1);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.deepEqual(await storedKlines(scene.target, symbol, '5m'), scene.fake.expectedKlines(symbol, '5m', SINCE, NOW));
    assert.equal(scene.fake.rateLimitStats().banned, 0);
  });

  it('exhausted retries fail that series only: exit 3, the other is complete, the next run resumes it', async () => {
    scene.fake.injectFault({ path: '/api/v3/klines', symbol: 'ETHUSDT', kind: 'status500', times: 1000 });
    const res = await backfill(scene.target);
    assert.equal(res.code, 3, res.stderr);
    const out = jsonOf<{ status: string; series: Array<{ symbol: string; status: string; error: string | null }> }>(res);
    assert.equal(out.status, 'partial');
    assert.equal(out.series.find((s) => s.symbol === 'BTCUSDT')?.status, 'success');
    const eth = out.series.find((s) => s.symbol === 'ETHUSDT');
    assert.equal(eth?.status, 'failed');
    assert.match(eth?.error ?? '', /failed after 4 attempts: HTTP 500/);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '5m'), scene.fake.expectedKlines('BTCUSDT', '5m', SINCE, NOW));
    const [run] = await query<{ status: string; error: string }>(scene.target, 'select status, error from runs');
    assert.equal(run?.status, 'partial');
    assert.match(run?.error ?? '', /ETHUSDT 5m: /);

    scene.fake.clearFaults();
    scene.fake.resetRequests();
    const again = await backfill(scene.target);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(scene.fake.klineRequests('BTCUSDT').length, 0);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '5m'), scene.fake.expectedKlines('ETHUSDT', '5m', SINCE, NOW));
  });

  it('418: the run stops at once with the ban’s end time, exit 1, and what was stored stays', async () => {
    const first = await scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT', '--interval', '5m']);
    assert.equal(first.code, 0, first.stderr);
    const stored = await countCandles(scene.target);
    scene.fake.setNow(NOW + 86_400_000);
    scene.fake.injectFault({ path: '/api/v3/klines', kind: 'status418', retryAfterSec: 600, times: 1000 });
    scene.fake.resetRequests();
    const res = await scene.run(['forward']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^cryptocollect: the exchange banned this IP .* until \d{4}-\d{2}-\d{2}T[\d:.]+Z; wait until then/);
    assert.equal(res.stderr.trim().split('\n').length, 1);
    assert.ok(scene.fake.klineRequests().length <= 8, `${scene.fake.klineRequests().length} requests after a ban`);
    assert.equal(await countCandles(scene.target), stored);
    const runs = await query<{ status: string; error: string }>(scene.target, 'select status, error from runs order by id');
    assert.equal(runs[1]?.status, 'failed');
    assert.match(runs[1]?.error ?? '', /banned/);
    scene.fake.setNow(NOW);
  });

  it('451: not retried; one line pointing at --base-url; exit 1', async () => {
    scene.fake.injectFault({ kind: 'status451', times: 1000 });
    const res = await backfill(scene.target);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /refuses requests from this location \(HTTP 451\); point --base-url .* https:\/\/data-api\.binance\.vision/);
    assert.equal(scene.fake.requests.length, 1);
  });

  it('a hung request is abandoned after --timeout and retried', async () => {
    scene.fake.injectFault({ path: '/api/v3/klines', kind: 'hang', times: 2 });
    const res = await backfill(scene.target, '--timeout', '1');
    assert.equal(res.code, 0, res.stderr);
    // Both hung requests were given up on and asked again, and answered then.
    const asked = scene.fake.klineRequests();
    const hung = asked.filter((r) => r.status === 0);
    assert.equal(hung.length, 2);
    for (const h of hung) {
      const again = asked.filter((r) => r !== h && r.query.symbol === h.query.symbol && r.query.startTime === h.query.startTime && r.status === 200);
      assert.equal(again.length, 1, `${h.query.symbol} ${h.query.startTime} asked again ${again.length} times`);
    }
    assert.equal(jsonOf<{ retries: number }>(res).retries, 2);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.deepEqual(await storedKlines(scene.target, symbol, '5m'), scene.fake.expectedKlines(symbol, '5m', SINCE, NOW));
  });

  it('the exchange unreachable: exit 1 with one line', async () => {
    const res = await runCli({ ...scene.target, baseUrl: 'http://127.0.0.1:1', env: { CRYPTOCOLLECT_RETRIES: '1' } }, ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^cryptocollect: .*127\.0\.0\.1:1.*connection refused\n$/);
  });
});
