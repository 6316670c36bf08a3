// The run keeps flowing and stays flat: a hung request holds up neither its series nor the others (pages fetched
// ahead wait in a bounded buffer, and are written out of turn once it is full), pages are planned lazily, and a
// --since long before a symbol's first candle starts there instead of paging through the years with nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { usdtSymbol } from '../support/fake-exchange/index.ts';
import { jsonOf } from '../support/run-cli.ts';
import { scenario } from '../support/scenario.ts';
import { query, storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);
const LISTED = Date.UTC(2024, 4, 25, 12);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'AUSDT', 'BUSDT'];

describe('flow', { concurrency: false }, () => {
  const scene = scenario({
    db: 'postgres',
    exchange: {
      now: NOW,
      symbols: [...SYMBOLS.map((s) => usdtSymbol(s)), usdtSymbol('NEWUSDT', LISTED), usdtSymbol('SECUSDT', NOW - 20 * 60_000)],
    },
    env: { CRYPTOCOLLECT_CONCURRENCY: '4' },
  });

  it('a hung request holds up neither its own series nor the others: pages go on, written out of turn', { timeout: 120_000 }, async () => {
    const since = Date.UTC(2024, 4, 20);
    // BTCUSDT's third page hangs until the client gives up on it (10 s); everything else answers at once.
    scene.fake.injectFault({ path: '/api/v3/klines', symbol: 'BTCUSDT', kind: 'hang', after: 2 });
    const res = await scene.run(['backfill', '--since', new Date(since).toISOString(), '--symbols', SYMBOLS.join(','), '--interval', '1m', '--timeout', '10', '--json']);
    assert.equal(res.code, 0, res.stderr);
    for (const symbol of SYMBOLS) assert.deepEqual(await storedKlines(scene.target, symbol, '1m'), scene.fake.expectedKlines(symbol, '1m', since, NOW), symbol);

    const reqs = scene.fake.klineRequests();
    const hung = reqs.findIndex((r) => r.status === 0);
    const retried = reqs.findIndex((r, i) => i > hung && r.query.symbol === 'BTCUSDT' && r.query.startTime === reqs[hung]?.query.startTime);
    assert.ok(hung >= 0 && retried > hung, `hung at ${hung}, retried at ${retried}`);
    // Every page but the hung one, of every series, was asked for while it hung: only its own retry came after.
    const pages = (symbol: string) => Math.ceil(scene.fake.expectedKlines(symbol, '1m', since, NOW).length / 1000);
    for (const symbol of SYMBOLS) {
      const before = reqs.slice(0, retried).filter((r) => r.query.symbol === symbol && r.status !== 0).length;
      assert.equal(before, symbol === 'BTCUSDT' ? pages(symbol) - 1 : pages(symbol), `${symbol}\n${reqs.map((r) => `${r.at - (reqs[0]?.at ?? 0)} ${r.query.symbol} ${new Date(Number(r.query.startTime)).toISOString()} ${r.status}`).join('\n')}`);
    }
    assert.deepEqual(reqs.slice(retried + 1), []);
  });

  it('--since years before the first candle starts at it: the pages on the wire, a confirmation, then the candles', async () => {
    scene.fake.resetRequests();
    const res = await scene.run(['backfill', '--since', '2017-01-01', '--symbols', 'NEWUSDT', '--interval', '1m', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const expected = scene.fake.expectedKlines('NEWUSDT', '1m', LISTED, NOW);
    assert.deepEqual(await storedKlines(scene.target, 'NEWUSDT', '1m'), expected);
    // 7.4 years of minutes are 3.9 million slots. The first answers run on to the listing, so after the pages
    // already on the wire (at most the concurrency, 4) and one confirmation, only the listing's pages are asked.
    const asked = scene.fake.klineRequests().map((r) => Number(r.query.startTime));
    assert.equal(asked.filter((s) => s >= LISTED).length, Math.ceil(expected.length / 1000));
    assert.ok(asked.filter((s) => s < LISTED).length <= 4 + 1, `${asked.filter((s) => s < LISTED).length} requests before the listing`);
    const empties = await query<{ from_ms: string; to_ms: string }>(
      scene.target,
      `select (extract(epoch from from_time) * 1000)::int8::text as from_ms, (extract(epoch from to_time) * 1000)::int8::text as to_ms from exchange_empty`,
    );
    assert.deepEqual(empties, [{ from_ms: String(Date.UTC(2017, 0, 1)), to_ms: String(LISTED) }]);
  });

  it('1s candles from 1970: pages are planned as they go, so the plan does not hold 1.8 million of them', { timeout: 60_000 }, async () => {
    scene.fake.resetRequests();
    const res = await scene.run(['backfill', '--since', '1970-01-01', '--symbols', 'SECUSDT', '--interval', '1s', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const expected = scene.fake.expectedKlines('SECUSDT', '1s', 0, NOW);
    assert.equal(expected.length, 20 * 60);
    assert.deepEqual(await storedKlines(scene.target, 'SECUSDT', '1s'), expected);
    assert.equal(jsonOf<{ candles_written: number }>(res).candles_written, expected.length);
    assert.ok(scene.fake.klineRequests().length <= 2 + 4 + 1, `${scene.fake.klineRequests().length} requests`);
  });
});
