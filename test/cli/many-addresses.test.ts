// Workers on several addresses of one host (--local-address), against one database: the exchange counts weight per
// IP (the fake per client address, as Binance does), so each worker spends a budget of its own at once — together
// more than one address's window holds — without a 429, and every row is exact. Their series do not
// overlap here (workers sharing series by claims of page ranges: shared-series.test.ts).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createFakeExchange, syntheticSymbols, type FakeExchange } from '../support/fake-exchange/index.ts';
import { jsonOf, startCli } from '../support/run-cli.ts';
import { storedKlines } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
// Two months of 1m candles, two series per worker: 176 pages, 352 weight each, some six windows of the budget.
const SINCE = Date.UTC(2024, 3, 1);
const WINDOW_MS = 2000;
const LIMIT = 60;
const WORKERS = [
  { address: '127.0.0.2', symbols: ['BTCUSDT', 'ETHUSDT'] },
  { address: '127.0.0.3', symbols: ['BNBUSDT', 'SOLUSDT'] },
];

describe('workers on their own addresses', () => {
  let fake: FakeExchange | undefined;
  let target: Target | undefined;
  after(async () => {
    await target?.cleanup();
    await fake?.close();
  });

  it('each address has its own budget: together they spend more than one window holds, no 429, every row exact', async () => {
    fake = await createFakeExchange({ now: NOW, latencyMs: 5, symbols: syntheticSymbols(4), rateLimit: { interval: 'SECOND', intervalNum: 2, limit: LIMIT } });
    target = await makeTarget('postgres', fake.url);
    const t = target;
    const runs = WORKERS.map((w) =>
      startCli(t, ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', w.symbols.join(','), '--interval', '1m', '--local-address', w.address, '--json']).done,
    );
    const results = await Promise.all(runs);
    for (const res of results) {
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(jsonOf<{ status: string; rate_limited: number }>(res), { ...jsonOf(res), status: 'success', rate_limited: 0 });
    }
    assert.deepEqual(fake.rateLimitStats(), { throttled: 0, banned: 0 });

    // Each worker's requests came from its address, and only its symbols' pages.
    const requests = fake.requests;
    assert.deepEqual([...new Set(requests.map((r) => r.address))].sort(), WORKERS.map((w) => w.address));
    for (const w of WORKERS) {
      const symbols = new Set(requests.filter((r) => r.address === w.address && r.path === '/api/v3/klines').map((r) => r.query.symbol));
      assert.deepEqual([...symbols].sort(), [...w.symbols].sort());
    }

    // Weight per server window and address, from the fake's log. An address's first and last windows are partial.
    const perWindow = new Map<string, Map<number, number>>(WORKERS.map((w) => [w.address, new Map()]));
    for (const r of requests) {
      const windows = perWindow.get(r.address) as Map<number, number>;
      const w = Math.floor(r.at / WINDOW_MS);
      windows.set(w, (windows.get(w) ?? 0) + r.weight);
    }
    for (const w of WORKERS) {
      const windows = [...(perWindow.get(w.address) as Map<number, number>).values()];
      for (const u of windows) assert.ok(u <= LIMIT, `${w.address}: a window used ${u} > ${LIMIT}`);
    }
    // Windows in which the two together spent more than one address's budget holds: one shared budget would give
    // them ≤ LIMIT between them in any window, and 429s past it (there were none). How much more depends on how fast
    // a loaded machine lets them go, so only "more" is asserted.
    const [a, b] = WORKERS.map((w) => perWindow.get(w.address) as Map<number, number>) as [Map<number, number>, Map<number, number>];
    const over = [...a.keys()].filter((k) => (a.get(k) ?? 0) + (b.get(k) ?? 0) > LIMIT);
    const trace = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y).map((k) => `${a.get(k) ?? 0}+${b.get(k) ?? 0}`);
    assert.ok(over.length >= 2, `only ${over.length} windows in which the two workers together used more than ${LIMIT}: ${trace.join(' ')}`);

    for (const w of WORKERS) {
      for (const symbol of w.symbols) assert.deepEqual(await storedKlines(t, symbol, '1m'), fake.expectedKlines(symbol, '1m', SINCE, NOW));
    }
  });
});
