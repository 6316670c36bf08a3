// Several processes on one IP share one weight budget (two cron jobs, or the tool beside a trading bot): started at
// once against one fake exchange advertising 300 weight per 5 seconds, each must get every row right without a
// single 418 and with at most two 429s of its own, whatever the others do.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createFakeExchange, syntheticSymbols, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, startCli } from '../support/run-cli.ts';
import { storedKlines } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
// 78 days of 1m candles: 113 pages, 226 weight per process, so the processes together span several windows.
const SINCE = Date.UTC(2024, 2, 15);
// A round trip like a real one's, so that requests are on the wire when a window fills up.
const LATENCY_MS = 50;

describe('processes sharing one IP', () => {
  const targets: Target[] = [];
  let fake: FakeExchange | undefined;
  after(async () => {
    for (const t of targets) await t.cleanup();
    await fake?.close();
  });

  for (const processes of [2, 4]) {
    it(`${processes} backfills at once under 300 weight / 5 s: no 418, at most two 429s each, every row exact`, async () => {
      await fake?.close();
      const symbols = syntheticSymbols(processes);
      fake = await createFakeExchange({ now: NOW, latencyMs: LATENCY_MS, symbols, rateLimit: { interval: 'SECOND', intervalNum: 5, limit: 300 } });
      const mine: Target[] = [];
      for (let i = 0; i < processes; i++) mine.push(await makeTarget('postgres', fake.url));
      targets.push(...mine);

      const runs = mine.map((t, i) => startCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', symbols[i]?.symbol ?? '', '--interval', '1m', '--json']).done);
      const results = await Promise.all(runs);

      const stats = fake.rateLimitStats();
      assert.equal(stats.banned, 0, `${stats.banned} requests answered 418`);
      assert.ok(stats.throttled <= 2 * processes, `${stats.throttled} requests answered 429`);
      for (const [i, res] of results.entries()) {
        assert.equal(res.code, 0, res.stderr);
        const out = jsonOf<{ status: string; rate_limited: number }>(res);
        assert.equal(out.status, 'success');
        assert.ok(out.rate_limited <= 2, `process ${i + 1} met ${out.rate_limited} 429s`);
        const symbol = symbols[i]?.symbol ?? '';
        assert.deepEqual(await storedKlines(mine[i] as Target, symbol, '1m'), fake.expectedKlines(symbol, '1m', SINCE, NOW));
      }
    });
  }
});
