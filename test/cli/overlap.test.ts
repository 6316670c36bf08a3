// Two cryptocollect processes on one PostgreSQL database at once (a slow cron job overlapping the next one): they
// share each series by claims of page ranges, so they never fetch the same range and never duplicate a row; a series
// one process holds alone (gaps --recheck) is left alone by the others, and the reverse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonOf, startCli } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines } from '../support/stored-rows.ts';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 2, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

interface RunJson {
  status: string;
  series: Array<{ symbol: string; status: string; error: string | null }>;
}

describe('overlapping runs', { concurrency: false }, () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, latencyMs: 10 }, env: { CRYPTOCOLLECT_CONCURRENCY: '2' } });

  it('two processes at once share the work without fetching a series twice; one that skipped says so', async () => {
    const args = ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '5m', '--json'];
    // Create the series first so both processes contend for the same two.
    const setup = await scene.run(['backfill', '--since', new Date(SINCE).toISOString(), '--until', new Date(SINCE + 300_000).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '5m']);
    assert.equal(setup.code, 0, setup.stderr);
    scene.fake.resetRequests();

    const [a, b] = await Promise.all([scene.run(args), scene.run(args)]);
    for (const res of [a, b]) {
      const out = jsonOf<RunJson>(res);
      const skipped = out.series.filter((s) => s.status === 'skipped');
      // Exit 3 exactly when the run had to leave a series to the other process, and it names each one it left.
      assert.deepEqual([res.code, out.status], skipped.length > 0 ? [3, 'partial'] : [0, 'success'], res.stderr);
      const named = [...res.stderr.matchAll(/(\w+) 5m: skipped: another cryptocollect process has this series to itself/g)].map((m) => m[1]);
      assert.deepEqual(named.sort(), skipped.map((s) => s.symbol).sort());
    }
    const results = [a, b].flatMap((r) => jsonOf<RunJson>(r).series);
    for (const symbol of SYMBOLS) {
      assert.deepEqual(await storedKlines(scene.target, symbol, '5m'), scene.fake.expectedKlines(symbol, '5m', SINCE, NOW));
      const pages = Math.ceil(scene.fake.expectedKlines(symbol, '5m', SINCE + 300_000, NOW).length / 1000);
      // Either one process fetched the series and the other skipped it, or the second found it complete.
      assert.ok(scene.fake.klineRequests(symbol).length <= pages, `${symbol}: ${scene.fake.klineRequests(symbol).length} requests for ${pages} pages`);
      assert.ok(results.some((r) => r.symbol === symbol && r.status === 'success'));
    }
    const dupes = await query<{ n: number }>(scene.target, 'select count(*)::int as n from (select symbol, interval, open_time from candles group by 1, 2, 3 having count(*) > 1) d');
    assert.equal(dupes[0]?.n, 0);
  });

  it('a backfill from an earlier date while another process collects the series joins it: every candle fetched once, exact, the watermark at the end', async () => {
    // One run collects BTCUSDT 1m from April on, slowly; another asks for it from March while it does.
    const april = Date.UTC(2024, 3, 1);
    const march = Date.UTC(2024, 2, 1);
    const slow = { ...scene.target, env: { CRYPTOCOLLECT_CONCURRENCY: '1' } };
    scene.fake.setLatency(30);
    scene.fake.resetRequests();
    const first = startCli(slow, ['backfill', '--since', new Date(april).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m', '--json']);
    await waitForKlineRequests(scene.fake, 3);
    const early = await scene.run(['backfill', '--since', new Date(march).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m', '--json']);
    const done = await first.done;
    for (const res of [early, done]) assert.deepEqual([res.code, jsonOf<RunJson>(res).status], [0, 'success'], res.stderr);
    // The pages of the two runs never overlap: each range was claimed by one of them.
    const spans = scene.fake
      .klineRequests('BTCUSDT', '1m')
      .map((r) => r.klines)
      .filter((k): k is { first: number; last: number; count: number } => k !== undefined && k.first !== null && k.last !== null)
      .sort((a, b) => a.first - b.first);
    assert.deepEqual(spans.filter((k, i) => i > 0 && k.first <= (spans[i - 1] as { last: number }).last), []);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', march, NOW));
    const series = await query<{ start_time: Date; collected_until: Date | null }>(scene.target, `select start_time, collected_until from series where symbol = 'BTCUSDT' and interval = '1m'`);
    assert.deepEqual(series, [{ start_time: new Date(march), collected_until: new Date(NOW - (NOW % 60_000)) }]);

    scene.fake.setLatency(10);
    scene.fake.resetRequests();
    // Proven to the end: forward has nothing to ask, and no gap is left.
    const forward = await scene.run(['forward', '--symbols', 'BTCUSDT', '--interval', '1m', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.equal(scene.fake.klineRequests('BTCUSDT', '1m').length, 0);
    assert.deepEqual(jsonOf<{ gaps: unknown[] }>(await scene.run(['gaps', '--json'])).gaps, []);
  });

  it('gaps --recheck leaves a series another process is collecting alone: exit 1, one line', async () => {
    const slow = { ...scene.target, env: { CRYPTOCOLLECT_CONCURRENCY: '1' } };
    scene.fake.setLatency(30);
    scene.fake.resetRequests();
    const busy = startCli(slow, ['backfill', '--since', new Date(Date.UTC(2024, 1, 1)).toISOString(), '--symbols', 'ETHUSDT', '--interval', '1m']);
    await waitForKlineRequests(scene.fake, 3);
    const res = await scene.run(['gaps', '--recheck', '--symbols', 'ETHUSDT', '--interval', '1m']);
    assert.equal(res.code, 1, res.stderr);
    assert.equal(res.stderr, 'cryptocollect: ETHUSDT 1m: another cryptocollect process is collecting this series; run --recheck again once it is done\n');
    assert.equal((await busy.done).code, 0);
    scene.fake.setLatency(10);
  });
});
