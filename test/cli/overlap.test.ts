// Two cryptocollect processes on one PostgreSQL database at once (a slow cron job overlapping the next one):
// they never fetch the same series at the same time and never duplicate a row; both exit 0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, runCli } from '../support/run-cli.ts';
import { query, storedKlines } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 2, 1);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

describe('overlapping runs', () => {
  let fake: FakeExchange;
  let t: Target;
  before(async () => {
    fake = await createFakeExchange({ now: NOW, latencyMs: 10 });
    t = await makeTarget('postgres', fake.url, { CRYPTOCOLLECT_CONCURRENCY: '2' });
  });
  after(async () => {
    await t.cleanup();
    await fake.close();
  });

  it('two processes at once share the work without fetching a series twice', async () => {
    const args = ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '5m', '--json'];
    // Create the series first so both processes contend for the same two.
    const setup = await runCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--until', new Date(SINCE + 300_000).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '5m']);
    assert.equal(setup.code, 0, setup.stderr);
    fake.resetRequests();

    const [a, b] = await Promise.all([runCli(t, args), runCli(t, args)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const results = [a, b].flatMap((r) => jsonOf<{ series: Array<{ symbol: string; status: string }> }>(r).series);
    for (const symbol of SYMBOLS) {
      assert.deepEqual(await storedKlines(t, symbol, '5m'), fake.expectedKlines(symbol, '5m', SINCE, NOW));
      const pages = Math.ceil(fake.expectedKlines(symbol, '5m', SINCE + 300_000, NOW).length / 1000);
      // Either one process fetched the series and the other skipped it, or the second found it complete.
      assert.ok(fake.klineRequests(symbol).length <= pages, `${symbol}: ${fake.klineRequests(symbol).length} requests for ${pages} pages`);
      assert.ok(results.some((r) => r.symbol === symbol && r.status === 'success'));
    }
    const dupes = await query<{ n: number }>(t, 'select count(*)::int as n from (select symbol, interval, open_time from candles group by 1, 2, 3 having count(*) > 1) d');
    assert.equal(dupes[0]?.n, 0);
  });
});
