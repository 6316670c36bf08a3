// Resume: a backfill killed with SIGKILL mid-run, then run again, ends with exactly the right rows, and the two
// runs together fetch each page once — plus at most the pages that were in flight at the kill.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonOf } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);
const SINCE_MS = Date.UTC(2024, 4, 1); // a month of 1m candles: 44,670 candles, 45 pages, a third of them asked at the kill
const CONCURRENCY = 4;

describeOnEachDb('resume after kill -9', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, latencyMs: 15 }, env: { CRYPTOCOLLECT_CONCURRENCY: String(CONCURRENCY) } });

  it('loses at most the pages in flight and re-fetches nothing else', async () => {
    const expected = scene.fake.expectedKlines('BTCUSDT', '1m', SINCE_MS, NOW);
    const totalPages = Math.ceil(expected.length / 1000);
    const args = ['backfill', '--since', new Date(SINCE_MS).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m', '--json'];

    const first = await scene.start(args);
    // Kill once a good share of the pages has been asked for (and some committed).
    await waitForKlineRequests(scene.fake, Math.floor(totalPages / 3));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL');
    const firstRequests = scene.fake.klineRequests().length;
    const storedAfterKill = await countCandles(scene.target);
    assert.ok(storedAfterKill > 0 && storedAfterKill < expected.length, `stored ${storedAfterKill} of ${expected.length} at the kill`);

    scene.fake.resetRequests();
    const second = await scene.run(args);
    assert.equal(second.code, 0, second.stderr);
    const secondRequests = scene.fake.klineRequests().length;

    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), expected);
    assert.ok(secondRequests < totalPages, `the second run re-fetched everything (${secondRequests} requests)`);
    // In flight: on the wire, waiting for their turn or being written — at most twice the concurrency (collect-series.ts).
    const inFlight = 2 * CONCURRENCY;
    assert.ok(
      firstRequests + secondRequests <= totalPages + inFlight,
      `${firstRequests} + ${secondRequests} requests for ${totalPages} pages with ${inFlight} in flight`,
    );
    assert.equal(jsonOf<{ candles_written: number }>(second).candles_written, expected.length - storedAfterKill);

    // The killed run is recorded as interrupted, not running forever.
    const runs = await query<{ status: string }>(scene.target, 'select status from runs order by id');
    assert.deepEqual(runs.map((r) => r.status), ['interrupted', 'success']);
  });

  it('a cron forward after a killed backfill fetches the holes it left, not only the tail, then settles at no request', async () => {
    scene.fake.resetRequests();
    const expected = scene.fake.expectedKlines('ETHUSDT', '1m', SINCE_MS, NOW);
    const first = await scene.start(['backfill', '--since', new Date(SINCE_MS).toISOString(), '--symbols', 'ETHUSDT', '--interval', '1m']);
    await waitForKlineRequests(scene.fake, 20);
    first.child.kill('SIGKILL');
    await first.done;

    const forward = await scene.run(['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'ETHUSDT', '1m'), expected);
    const gaps = jsonOf<{ gaps: unknown[] }>(await scene.run(['gaps', '--json']));
    assert.deepEqual(gaps.gaps, []);

    scene.fake.resetRequests();
    const again = await scene.run(['forward', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(scene.fake.klineRequests().length, 0);
  });
});


describe('the record of a run killed midway', () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, latencyMs: 15 }, env: { CRYPTOCOLLECT_CONCURRENCY: String(CONCURRENCY) } });

  it('shows what it had stored and asked, kept current while it ran', async () => {
    const run = await scene.start(['backfill', '--since', new Date(SINCE_MS).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m']);
    const exited = run.done.then(() => true);
    let recorded: { candles_written: number; requests: number } | undefined;
    while (!recorded) {
      const rows = await query<{ candles_written: string; requests: number }>(scene.target, `select candles_written::text, requests from runs where status = 'running'`).catch(() => []);
      const row = rows[0];
      if (row && Number(row.candles_written) > 0) recorded = { candles_written: Number(row.candles_written), requests: row.requests };
      else if (await Promise.race([exited, new Promise<false>((r) => setTimeout(() => r(false), 20))])) break;
    }
    assert.ok(recorded, 'the run ended before its record showed anything stored');
    run.child.kill('SIGKILL');
    await run.done;
    const stored = await countCandles(scene.target);
    const [row] = await query<{ candles_written: string; requests: number }>(scene.target, 'select candles_written::text, requests from runs');
    assert.ok(Number(row?.candles_written) > 0 && Number(row?.candles_written) <= stored, `recorded ${row?.candles_written}, stored ${stored}`);
    assert.ok((row?.requests ?? 0) > 0 && (row?.requests ?? 0) <= scene.fake.requests.length);
    const status = jsonOf<{ runs: Array<{ status: string; candles_written: number }> }>(await scene.run(['status', '--json']));
    assert.deepEqual(status.runs.map((r) => [r.status, r.candles_written]), [['interrupted', Number(row?.candles_written)]]);
  });
});
