import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PageFacts } from '../../src/collect/prepare-page.js';
import { MAX_RECHECKS, SeriesJob, type CollectJob, type Task, type WriteBuffer } from '../../src/collect/series-job.js';
import type { Range } from '../../src/domain.js';
import { PageCursor } from '../../src/planner/page-cursor.js';

const H = 3_600_000;
const series = { id: 1, symbol: 'BTCUSDT', interval: '1h', startTime: 0, collectedUntil: 0 };
/** A series' job with pages of `slots` candles, as a source that plans them so would make. */
const pagesOf = (j: CollectJob, slots: number): PageCursor => new PageCursor(j.series.interval, j.missing, slots);
const seriesJob = (j: CollectJob, slots: number, b: WriteBuffer): SeriesJob => new SeriesJob(j, pagesOf(j, slots), b);
const buffer = (perSeries = 2): WriteBuffer => ({ waiting: 0, perSeries, total: 2 * perSeries });
const job = (over: Partial<CollectJob> = {}): CollectJob => ({ series, missing: [{ from: 0, to: 30 * H }], watermark: { span: { from: 0, to: 30 * H }, vouched: 0 }, ...over });
const facts = (range: Range, over: Partial<PageFacts> = {}): PageFacts => ({
  empties: [],
  answeredTo: range.to,
  rest: null,
  notYet: null,
  nextOpen: null,
  firstCandle: range.from,
  ...over,
});

/** Answers a task as the exchange would, stores it, and lets the next one in order go. */
function complete(j: SeriesJob, task: Task, page: PageFacts, newestOpen: number | null = page.answeredTo - H): void {
  const sorted = j.sort(task, page);
  j.answered(task, sorted, newestOpen);
  j.fetched(task);
  j.stored(task, sorted);
  j.release(task);
}

describe('SeriesJob', () => {
  it('asks a head range’s first page alone, unless the request slots would idle', () => {
    const j = seriesJob(job({ head: true }), 10, buffer());
    const head = j.take();
    assert.deepEqual([head?.kind, head?.head, head?.range], ['page', true, { from: 0, to: 10 * H }]);
    assert.equal(j.take(), null, 'nothing else until the head is answered');
    const speculative = j.take(true);
    assert.deepEqual(speculative?.range, { from: 10 * H, to: 20 * H }, 'unless the slot would idle');
    // The answer runs on to the listing at 25 h: the pages up to it are skipped, the stretch is to be confirmed —
    // once no page is on the wire, together with what the one still there shows empty.
    complete(j, head as Task, facts({ from: 0, to: 10 * H }, { empties: [{ from: 0, to: 10 * H }], firstCandle: null, nextOpen: 25 * H }), 25 * H);
    const listing = j.take() as Task;
    assert.deepEqual([listing.kind, listing.range], ['page', { from: 25 * H, to: 30 * H }]);
    assert.equal(j.take(), null);
    complete(j, speculative as Task, facts({ from: 10 * H, to: 20 * H }, { empties: [{ from: 10 * H, to: 20 * H }], firstCandle: null, nextOpen: 25 * H }), 25 * H);
    complete(j, listing, facts(listing.range));
    assert.deepEqual([j.take()?.kind, j.take()], ['confirm', null]);
  });

  it('proves nothing of an empty stretch until a second answer agrees, then the watermark crosses it', () => {
    const j = seriesJob(job({ missing: [{ from: 0, to: 10 * H }], watermark: { span: { from: 0, to: 10 * H }, vouched: 0 } }), 10, buffer());
    const page = j.take() as Task;
    complete(j, page, facts(page.range, { empties: [{ from: 4 * H, to: 6 * H }] }));
    const confirm = j.take() as Task;
    assert.equal(confirm.kind, 'confirm');
    assert.equal(j.provenTo(), 4 * H);
    complete(j, confirm, facts(confirm.range, { empties: [confirm.range], firstCandle: null, nextOpen: 6 * H }));
    assert.equal(j.take(), null);
    assert.equal(j.provenTo(), 10 * H);
  });

  it('asks again, as pages, a stretch answered with nothing although candles were seen after it; then fails', () => {
    const j = seriesJob(job({ missing: [{ from: 0, to: 20 * H }], watermark: { span: { from: 0, to: 20 * H }, vouched: 0 } }), 10, buffer());
    const a = j.take() as Task;
    const b = j.take() as Task;
    complete(j, a, facts(a.range, { answeredTo: 0, notYet: a.range, firstCandle: null }), null);
    complete(j, b, facts(b.range), 19 * H);
    for (let i = 0; i < MAX_RECHECKS; i++) {
      const again = j.take() as Task;
      assert.deepEqual([again.kind, again.range], ['page', { from: 0, to: 10 * H }]);
      complete(j, again, facts(again.range, { answeredTo: 0, notYet: again.range, firstCandle: null }), null);
    }
    assert.equal(j.take(), null);
    assert.match(j.error ?? '', /answered no candles from 1970-01-01T00:00:00\.000Z on 3 times, though it has candles after it/);
    assert.equal(j.provenTo(), null);
  });

  it('a trading symbol with nothing at all from a point on is asked again too', () => {
    const j = seriesJob(job({ missing: [{ from: 0, to: 5 * H }], trading: true, watermark: { span: { from: 0, to: 5 * H }, vouched: 0 } }), 10, buffer());
    const a = j.take() as Task;
    complete(j, a, facts(a.range, { answeredTo: 0, notYet: a.range, firstCandle: null }), null);
    assert.equal(j.take()?.range.from, 0);
  });

  it('writes in order, but out of turn once the buffer is full while the page whose turn it is hangs', async () => {
    const j = seriesJob(job(), 5, buffer(1));
    const [hung, second, third] = [j.take(), j.take(), j.take()] as Task[];
    assert.ok(hung && second && third);
    // The second waits for its turn (room for one); the third finds the buffer full while the first is on the wire.
    let secondWent = false;
    void j.gate(second).then(() => (secondWent = true));
    j.fetched(second);
    j.fetched(third);
    await j.gate(third);
    await Promise.resolve();
    assert.equal(secondWent, false);
    j.release(third);
    j.fetched(hung);
    await j.gate(hung);
    j.release(hung);
    await new Promise((r) => setImmediate(r));
    assert.equal(secondWent, true);
  });
});
