// Every failure the exchange can throw, through the real CLI: transient ones are retried until the rows are
// exactly right; persistent ones fail the series (exit 3) or the run (418/451: exit 1) without losing anything.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createFakeExchange, type FakeExchange, type Fault } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 4, 20); // 12 days of 5m candles: 3,456 candles, 4 pages per symbol

describe('exchange faults through the CLI', () => {
  let fake: FakeExchange;
  let t: Target;
  before(async () => {
    fake = await createFakeExchange({ now: NOW });
  });
  beforeEach(async () => {
    await t?.cleanup();
    fake.clearFaults();
    fake.resetRequests();
    t = await makeTarget('postgres', fake.url);
  });
  after(async () => {
    await t.cleanup();
    await fake.close();
  });

  const backfill = (target: Target, ...extra: string[]) =>
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
    for (const f of mix) fake.injectFault(f);
    // Up to eight pages in flight share these faults, so one page may meet several in a row.
    const res = await backfill({ ...t, env: { CRYPTOCOLLECT_RETRIES: '12' } }, '--timeout', '1');
    assert.equal(res.code, 0, res.stderr);
    const out = jsonOf<{ status: string; retries: number; rate_limited: number }>(res);
    assert.equal(out.status, 'success');
    assert.ok(out.retries >= mix.length, `only ${out.retries} retries recorded`);
    assert.equal(out.rate_limited, 1);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.deepEqual(await storedKlines(t, symbol, '5m'), fake.expectedKlines(symbol, '5m', SINCE, NOW));
    assert.equal(fake.rateLimitStats().banned, 0);
  });

  it('exhausted retries fail that series only: exit 3, the other is complete, the next run resumes it', async () => {
    fake.injectFault({ path: '/api/v3/klines', symbol: 'ETHUSDT', kind: 'status500', times: 1000 });
    const res = await backfill(t);
    assert.equal(res.code, 3, res.stderr);
    const out = jsonOf<{ status: string; series: Array<{ symbol: string; status: string; error: string | null }> }>(res);
    assert.equal(out.status, 'partial');
    assert.equal(out.series.find((s) => s.symbol === 'BTCUSDT')?.status, 'success');
    const eth = out.series.find((s) => s.symbol === 'ETHUSDT');
    assert.equal(eth?.status, 'failed');
    assert.match(eth?.error ?? '', /failed after 4 attempts: HTTP 500/);
    assert.deepEqual(await storedKlines(t, 'BTCUSDT', '5m'), fake.expectedKlines('BTCUSDT', '5m', SINCE, NOW));
    const [run] = await query<{ status: string; error: string }>(t, 'select status, error from runs');
    assert.equal(run?.status, 'partial');
    assert.match(run?.error ?? '', /ETHUSDT 5m: /);

    fake.clearFaults();
    fake.resetRequests();
    const again = await backfill(t);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(fake.klineRequests('BTCUSDT').length, 0);
    assert.deepEqual(await storedKlines(t, 'ETHUSDT', '5m'), fake.expectedKlines('ETHUSDT', '5m', SINCE, NOW));
  });

  it('418: the run stops at once with the ban’s end time, exit 1, and what was stored stays', async () => {
    const first = await runCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT', '--interval', '5m']);
    assert.equal(first.code, 0, first.stderr);
    const stored = await countCandles(t);
    fake.setNow(NOW + 86_400_000);
    fake.injectFault({ path: '/api/v3/klines', kind: 'status418', retryAfterSec: 600, times: 1000 });
    fake.resetRequests();
    const res = await runCli(t, ['forward']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^cryptocollect: the exchange banned this IP .* until \d{4}-\d{2}-\d{2}T[\d:.]+Z; wait until then/);
    assert.equal(res.stderr.trim().split('\n').length, 1);
    assert.ok(fake.klineRequests().length <= 8, `${fake.klineRequests().length} requests after a ban`);
    assert.equal(await countCandles(t), stored);
    const runs = await query<{ status: string; error: string }>(t, 'select status, error from runs order by id');
    assert.equal(runs[1]?.status, 'failed');
    assert.match(runs[1]?.error ?? '', /banned/);
    fake.setNow(NOW);
  });

  it('451: not retried; one line pointing at --base-url; exit 1', async () => {
    fake.injectFault({ kind: 'status451', times: 1000 });
    const res = await backfill(t);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /refuses requests from this location \(HTTP 451\); point --base-url .* https:\/\/data-api\.binance\.vision/);
    assert.equal(fake.requests.length, 1);
  });

  it('a hung request is abandoned after --timeout and retried', async () => {
    fake.injectFault({ path: '/api/v3/klines', kind: 'hang', times: 2 });
    const started = Date.now();
    const res = await backfill(t, '--timeout', '1');
    assert.equal(res.code, 0, res.stderr);
    assert.ok(Date.now() - started < 15_000);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.deepEqual(await storedKlines(t, symbol, '5m'), fake.expectedKlines(symbol, '5m', SINCE, NOW));
  });

  it('the exchange unreachable: exit 1 with one line', async () => {
    const res = await runCli({ ...t, baseUrl: 'http://127.0.0.1:1', env: { CRYPTOCOLLECT_RETRIES: '1' } }, ['backfill', '--since', '2024-01-01', '--symbols', 'BTCUSDT']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /^cryptocollect: .*127\.0\.0\.1:1.*connection refused\n$/);
  });
});
