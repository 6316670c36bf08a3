// The collect engine on its own, against real PostgreSQL: a candle source the test controls (which answer comes
// back when, which one fails), so the engine's write order and its handling of run-ending errors are seen directly.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CandleSource } from '../../src/collect/candle-source.js';
import { collectSeries, type CollectJob } from '../../src/collect/collect-series.js';
import { preparePage } from '../../src/collect/prepare-page.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.js';
import { ensureSeries } from '../../src/db/series-repository.js';
import type { Candle, Range, Series, SeriesKey } from '../../src/domain.js';
import { ExchangeError } from '../../src/errors.js';
import type { RunEvent } from '../../src/events/run-events.js';
import { PageCursor } from '../../src/planner/page-cursor.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const M = 60_000;
const T0 = Date.UTC(2024, 0, 1);
const PAGE = 10;

function candle(openTime: number): Candle {
  const p = String(100 + ((openTime - T0) / M) % 7);
  return { openTime, closeTime: openTime + M - 1, open: p, high: `${p}.5`, low: `${Number(p) - 1}`, close: p, volume: '1.5', quoteVolume: '150', trades: 3, takerBuyBaseVolume: '0.5', takerBuyQuoteVolume: '50' };
}

interface Call {
  readonly series: SeriesKey;
  readonly range: Range;
  answer(): void;
  fail(err: unknown): void;
}

/**
 * A `1m` source whose every fetch waits until the test answers it, as the exchange would: the oldest PAGE candles
 * from the page's start (none in `holes`), the still-open candle's time as the answer's own time.
 */
function controlledSource(opts: {
  holes?: readonly Range[];
  emptyAnswers?: CandleSource['emptyAnswers'];
  end: number;
  /** Which fetches (by their order) are answered as soon as they are made. */
  answerAtOnce?: boolean | ((index: number) => boolean);
  /** Called as each fetch is made, before it may be answered. */
  onFetch?: (calls: readonly Call[]) => void;
}) {
  const calls: Call[] = [];
  let arrived: (() => void) | null = null;
  const source: CandleSource = {
    name: 'test',
    emptyAnswers: opts.emptyAnswers ?? 'exchange-empty',
    pageWeight: 0,
    planPages: (interval, missing) => new PageCursor(interval, missing, PAGE),
    countPages: (_interval, missing) => missing.reduce((n, r) => n + Math.ceil((r.to - r.from) / M / PAGE), 0),
    fetchPage: (series, range) =>
      new Promise((resolve, reject) => {
        const call = {
          series,
          range,
          answer: () => {
            const candles: Candle[] = [];
            for (let t = range.from; t < opts.end && candles.length < PAGE; t += M) {
              if (!(opts.holes ?? []).some((h) => t >= h.from && t < h.to)) candles.push(candle(t));
            }
            resolve(preparePage(series, range, candles, opts.end + 5_000, PAGE));
          },
          fail: reject,
        };
        calls.push(call);
        opts.onFetch?.(calls);
        const atOnce = opts.answerAtOnce;
        if (atOnce === true || (typeof atOnce === 'function' && atOnce(calls.length - 1))) call.answer();
        arrived?.();
      }),
  };
  /** Resolves once `n` fetches have been made in all. */
  const fetched = async (n: number): Promise<Call[]> => {
    while (calls.length < n) await new Promise<void>((r) => (arrived = r));
    return calls;
  };
  return { source, calls, fetched };
}

describe('the collect engine', () => {
  let testDb: TestDatabase;
  let handle: DatabaseHandle;
  before(async () => {
    testDb = await createTestDatabase('collect_engine');
    handle = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent', poolSize: 4 });
  });
  after(async () => {
    await handle?.close();
    await testDb?.drop();
  });

  let n = 0;
  const newSeries = async (count = 1): Promise<Series[]> => {
    n++;
    return ensureSeries(handle.db, Array.from({ length: count }, (_, i) => ({ symbol: `T${n}X${i}USDT`, interval: '1m', startTime: T0 })));
  };
  const job = (series: Series, to: number): CollectJob => ({ series, missing: [{ from: T0, to }], watermark: { span: { from: T0, to }, vouched: T0 } });
  const stored = async (s: Series): Promise<number[]> =>
    (await handle.db.selectFrom('candle_data').select('open_time').where('series_id', '=', s.id).orderBy('open_time').execute()).map((r) => r.open_time.getTime());

  const written = (events: readonly RunEvent[]) => events.filter((e): e is Extract<RunEvent, { type: 'page-written' }> => e.type === 'page-written');
  const pageStarts = (count: number) => Array.from({ length: count }, (_, i) => T0 + i * PAGE * M);

  it('writes a series’ pages in the order planned, whatever order their answers come back in', async () => {
    const [s] = await newSeries();
    assert.ok(s);
    const end = T0 + 4 * PAGE * M;
    const ctl = controlledSource({ end: end + M });
    const events: RunEvent[] = [];
    const done = collectSeries({ db: handle.db, source: ctl.source, concurrency: 4, stop: new AbortController().signal, emit: (e) => events.push(e) }, [job(s, end)]);
    const calls = await ctl.fetched(4);
    assert.deepEqual(
      calls.map((c) => c.range.from),
      pageStarts(4),
      'four pages on the wire at once',
    );
    // The newest answer first, the oldest last.
    for (const c of [...calls].reverse()) c.answer();
    const [outcome] = await done;
    assert.deepEqual(
      written(events).map((e) => e.from),
      pageStarts(4),
    );
    assert.deepEqual(
      written(events).map((e) => e.candles),
      [PAGE, PAGE, PAGE, PAGE],
    );
    assert.deepEqual(await stored(s), Array.from({ length: 4 * PAGE }, (_, i) => T0 + i * M));
    assert.equal(outcome?.result.status, 'success');
    assert.equal(outcome?.provenTo, end);
    assert.deepEqual(
      events.filter((e) => e.type === 'series-planned' || e.type === 'series-finished').map((e) => e.type),
      ['series-planned', 'series-finished'],
    );
  });

  const pages = 20;
  /**
   * A series of `pages` pages collected four requests at a time, and at each request the pages asked and not yet
   * written: what a kill then would lose. A series that stalled would wait for its answers forever, so the tests
   * using it have a timeout to fail on instead.
   */
  const deepSeries = async (answerAtOnce?: (index: number) => boolean) => {
    const [s] = await newSeries();
    assert.ok(s);
    const end = T0 + pages * PAGE * M;
    const events: RunEvent[] = [];
    const held: number[] = [];
    const ctl = controlledSource({ end: end + M, ...(answerAtOnce ? { answerAtOnce } : {}), onFetch: (calls) => held.push(calls.length - written(events).length) });
    const done = collectSeries({ db: handle.db, source: ctl.source, concurrency: 4, stop: new AbortController().signal, emit: (e) => events.push(e) }, [job(s, end)]);
    return { s, events, held, ctl, done };
  };

  it('asks no page while a series holds twice the concurrency asked and not written, counting the answer just in', { timeout: 60_000 }, async () => {
    const { s, events, held, ctl, done } = await deepSeries();
    const answered = new Set<number>();
    const answer = (i: number): void => {
      if (answered.has(i)) return;
      answered.add(i);
      ctl.calls[i]?.answer();
    };
    await ctl.fetched(4);
    // Three answers ahead of their turn wait; three more pages go on the wire in their place.
    for (const i of [1, 2, 3]) answer(i);
    await ctl.fetched(7);
    // The page whose turn it is comes in and is being written while three more come in behind it.
    for (const i of [0, 4, 5, 6]) answer(i);
    let finished = false;
    const settled = done.then(
      () => (finished = true),
      () => (finished = true),
    );
    while (!finished) {
      ctl.calls.forEach((_, i) => answer(i));
      await Promise.race([settled, new Promise((r) => setTimeout(r, 2))]);
    }
    const [outcome] = await done;
    assert.equal(outcome?.result.status, 'success');
    assert.equal(ctl.calls.length, pages, 'each page asked once');
    assert.ok(Math.max(...held) <= 8, `held ${Math.max(...held)} pages asked and not written, at most 8`);
    assert.deepEqual(
      written(events).map((e) => e.from),
      pageStarts(pages),
    );
    assert.deepEqual(await stored(s), Array.from({ length: pages * PAGE }, (_, i) => T0 + i * M));
  });

  it('while the page whose turn it is hangs, the pages after it are written out of turn, never more than twice the concurrency held', { timeout: 60_000 }, async () => {
    const { s, events, held, ctl, done } = await deepSeries((i) => i !== 0);
    // Four pages behind the hung one wait for their turn; each one after them is written as it comes.
    while (written(events).length < pages - 5) await new Promise((r) => setTimeout(r, 2));
    assert.equal(ctl.calls.length, pages);
    assert.ok(Math.max(...held) <= 8, `held ${Math.max(...held)} pages asked and not written, at most 8`);
    ctl.calls[0]?.answer();
    const [outcome] = await done;
    assert.equal(outcome?.result.status, 'success');
    const order = written(events).map((e) => e.from);
    assert.deepEqual(
      [...order.slice(0, pages - 5)].sort((a, b) => a - b),
      pageStarts(pages).slice(5),
    );
    assert.deepEqual(order.slice(pages - 5), pageStarts(5), 'the hung page, then those that waited for it, in order');
    assert.deepEqual(await stored(s), Array.from({ length: pages * PAGE }, (_, i) => T0 + i * M));
  });

  it('a run-ending error stops every series: nothing more is asked or stored, and the error is thrown', async () => {
    const [a, b] = await newSeries(2);
    assert.ok(a && b);
    const end = T0 + 10 * PAGE * M;
    const ctl = controlledSource({ end: end + M });
    const events: RunEvent[] = [];
    const done = collectSeries({ db: handle.db, source: ctl.source, concurrency: 2, stop: new AbortController().signal, emit: (e) => events.push(e) }, [job(a, end), job(b, end)]);
    const [first, second] = await ctl.fetched(2);
    assert.ok(first && second);
    first.answer();
    await ctl.fetched(3);
    const banned = new ExchangeError('ip-banned', 'the exchange banned this IP');
    second.fail(banned);
    // The page still on the wire comes back after the ban: it is not stored.
    ctl.calls[2]?.answer();
    await assert.rejects(done, (err) => err === banned);
    assert.equal(ctl.calls.length, 3, 'no request after the ban');
    const writtenBefore = written(events).length;
    assert.equal(writtenBefore, 1, 'only the page answered before the ban is stored');
    assert.equal((await stored(a)).length + (await stored(b)).length, PAGE);
  });

  it('an error of one series fails that series only; the others complete', async () => {
    const [a, b] = await newSeries(2);
    assert.ok(a && b);
    const end = T0 + 2 * PAGE * M;
    const ctl = controlledSource({ end: end + M });
    const events: RunEvent[] = [];
    const done = collectSeries({ db: handle.db, source: ctl.source, concurrency: 1, stop: new AbortController().signal, emit: (e) => events.push(e) }, [job(a, end), job(b, end)]);
    for (let i = 0; ; i++) {
      const calls = await ctl.fetched(i + 1);
      const call = calls[i];
      assert.ok(call);
      if (call.series.symbol === a.symbol) call.fail(new ExchangeError('exchange-unavailable', 'HTTP 503 after 4 attempts'));
      else call.answer();
      if (calls.filter((c) => c.series.symbol === b.symbol).length === 2) break;
    }
    const outcomes = await done;
    assert.deepEqual(
      outcomes.map((o) => [o.result.status, o.result.error, o.provenTo]),
      [
        ['failed', 'HTTP 503 after 4 attempts', null],
        ['success', null, end],
      ],
    );
    assert.deepEqual(await stored(b), Array.from({ length: 2 * PAGE }, (_, i) => T0 + i * M));
    assert.deepEqual(
      events.filter((e) => e.type === 'series-finished').map((e) => (e.type === 'series-finished' ? [e.symbol, e.status] : null)),
      [
        [a.symbol, 'failed'],
        [b.symbol, 'success'],
      ],
    );
  });

  /** Collects 30 minutes whose minutes 12–14 have no candle, from a source whose empty answers mean `emptyAnswers`. */
  const collectAroundHole = async (emptyAnswers: CandleSource['emptyAnswers']) => {
    const [s] = await newSeries();
    assert.ok(s);
    const ctl = controlledSource({ end: END + M, holes: [HOLE], emptyAnswers, answerAtOnce: true });
    const [outcome] = await collectSeries({ db: handle.db, source: ctl.source, concurrency: 1, stop: new AbortController().signal, emit: () => undefined }, [job(s, END)]);
    const empties = await handle.db.selectFrom('exchange_empty').select(['from_time', 'to_time']).where('series_id', '=', s.id).execute();
    return { outcome, empties: empties.map((e) => [e.from_time.getTime(), e.to_time.getTime()]), stored: (await stored(s)).length, requests: ctl.calls.length };
  };
  const END = T0 + 3 * PAGE * M;
  const HOLE = { from: T0 + 12 * M, to: T0 + 15 * M };

  it('from a source that cannot tell empty from unknown, a stretch without candles is neither remembered nor proven', async () => {
    const r = await collectAroundHole('not-known');
    assert.deepEqual(r.empties, []);
    assert.equal(r.outcome?.provenTo, HOLE.from, 'the watermark stops where the source could not vouch');
    assert.equal(r.stored, 3 * PAGE - 3);
    assert.equal(r.requests, 3, 'no second look: asking the same source again tells nothing more');
  });

  it('from a source that speaks for the exchange, the same stretch is confirmed by a second answer and remembered', async () => {
    const r = await collectAroundHole('exchange-empty');
    assert.deepEqual(r.empties, [[HOLE.from, HOLE.to]]);
    assert.equal(r.outcome?.provenTo, END);
    assert.equal(r.stored, 3 * PAGE - 3);
    assert.equal(r.requests, 4, 'three pages and one second look');
  });
});
