// SIGTERM/SIGINT during a backfill: in-flight pages commit, the run is recorded as interrupted, exit 130, and
// the next run resumes to exactly the right rows. A second signal exits at once, still without damage.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { waitForKlineRequests } from '../support/wait-for-requests.ts';
import { jsonOf, startCli } from '../support/run-cli.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { scenario } from '../support/scenario.ts';
import { countCandles, query, storedKlines } from '../support/stored-rows.ts';
import { STOP_GRACE_MS } from '../../src/cli.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30);
const SINCE = Date.UTC(2024, 3, 15); // 47 days of 1m candles: 68 pages, many more than are in flight at a signal

describeOnEachDb('signals', (kind) => {
  const scene = scenario({ db: kind, exchange: { now: NOW, latencyMs: 30 }, env: { CRYPTOCOLLECT_CONCURRENCY: '3' } });

  const args = ['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m', '--json'];

  it('first SIGTERM: pages in flight commit, run interrupted, exit 130; the next run resumes exactly', async () => {
    const child = await scene.start(args);
    await waitForKlineRequests(scene.fake, 10);
    child.child.kill('SIGTERM');
    const res = await child.done;
    assert.equal(res.code, 130, res.stderr);
    assert.match(res.stderr, /SIGTERM received, finishing the pages in flight/);
    assert.match(res.stderr, /cryptocollect: interrupted; \d+ candles were stored, the next run resumes/);
    // The run's own document, as for any other end: its id, its status, what it stored.
    const doc = jsonOf<{ run_id: number; status: string; candles_written: number }>(res);
    const requested = scene.fake.klineRequests().length;
    // Every page that was asked for was committed: stopping lost nothing that had been fetched.
    assert.equal(await countCandles(scene.target), requested * 1000);
    assert.equal(doc.candles_written, requested * 1000);
    assert.equal(doc.status, 'interrupted');
    const runs = await query<{ id: number; status: string; error: string }>(scene.target, 'select id, status, error from runs');
    assert.equal(runs[0]?.status, 'interrupted');
    assert.equal(doc.run_id, runs[0]?.id);

    const again = await scene.run(args);
    assert.equal(again.code, 0, again.stderr);
    const expected = scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), expected);
    assert.equal(scene.fake.klineRequests().length, Math.ceil(expected.length / 1000));
  });

  it('a second signal exits at once; the next run still ends exact', async () => {
    await query(scene.target, `delete from candles where open_time >= '2024-04-20' and open_time < '2024-05-20'`);
    const child = await scene.start(['gaps', '--fill', '--json']);
    await waitForKlineRequests(scene.fake, scene.fake.klineRequests().length + 3);
    child.child.kill('SIGINT');
    child.child.kill('SIGINT');
    const res = await child.done;
    assert.equal(res.code, 130);
    const again = await scene.run(['gaps', '--fill']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await storedKlines(scene.target, 'BTCUSDT', '1m'), scene.fake.expectedKlines('BTCUSDT', '1m', SINCE, NOW));
  });
});

describe('configuration from .env', () => {
  const scene = scenario({ db: 'embedded', exchange: { now: NOW } });

  it('a value that does not parse names itself: exit 2, nothing written', async () => {
    await writeFile(path.join(scene.target.dataDir, '.env'), 'CRYPTOCOLLECT_CONCURRENCY=abc\nCRYPTOCOLLECT_TIMEOUT=-3\n');
    const res = await scene.run(['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /CRYPTOCOLLECT_CONCURRENCY \(\.env\)="abc" is not a whole number/);
    assert.match(res.stderr, /CRYPTOCOLLECT_TIMEOUT \(\.env\)="-3"/);
    assert.equal(res.stderr.trim().split('\n').length, 1);
    assert.equal(scene.fake.requests.length, 0);
  });
});

describe('signals at any moment', () => {
  const scene = scenario({ db: 'postgres', exchange: { now: NOW } });

  it('during start-up retries: the backoff is cut short, exit 130 as interrupted', { timeout: 60_000 }, async () => {
    scene.fake.clearFaults();
    scene.fake.resetRequests();
    scene.fake.injectFault({ path: '/api/v3/exchangeInfo', kind: 'status503', times: 1000 });
    // Ten minutes between attempts: only a stop that cuts the wait short ends this run.
    const child = startCli({ ...scene.target, env: { CRYPTOCOLLECT_RETRY_BASE_MS: '600000' } }, ['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--json']);
    while (scene.fake.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
    child.child.kill('SIGTERM');
    const res = await child.done;
    assert.equal(res.code, 130, res.stderr);
    assert.doesNotMatch(res.stderr, /internal error/);
    assert.match(res.stderr, /cryptocollect: interrupted/);
    assert.equal(jsonOf<{ error: { code: string } }>(res).error.code, 'interrupted');
    assert.equal(scene.fake.requests.length, 1);
  });

  it('with a request that hangs: the process exits within a few seconds of the first signal, exit 130', { timeout: 60_000 }, async () => {
    scene.fake.clearFaults();
    scene.fake.resetRequests();
    scene.fake.injectFault({ path: '/api/v3/klines', kind: 'hang', times: 1000 });
    const child = await scene.start(['backfill', '--since', '2024-05-01', '--symbols', 'BTCUSDT', '--interval', '1m', '--timeout', '600', '--json']);
    await waitForKlineRequests(scene.fake, 1);
    child.child.kill('SIGTERM');
    const res = await child.done;
    assert.equal(res.code, 130, res.stderr);
    assert.match(res.stderr, /SIGTERM received/);
    const runs = await query<{ status: string }>(scene.target, `select status from runs order by id desc limit 1`);
    assert.equal(runs[0]?.status, 'interrupted');
  });
});

describe('a process stalled right after the first signal', () => {
  // Answers take a second: those asked for before the signal arrive while the process is stopped.
  const scene = scenario({ db: 'postgres', exchange: { now: NOW, latencyMs: 1000 }, env: { CRYPTOCOLLECT_CONCURRENCY: '3' } });

  it('is not cut off by the grace: the pages that arrived meanwhile still commit, exit 130', { timeout: 60_000 }, async () => {
    const child = await scene.start(['backfill', '--since', new Date(SINCE).toISOString(), '--symbols', 'BTCUSDT', '--interval', '1m', '--json']);
    await waitForKlineRequests(scene.fake, 4);
    // The line may come in more than one chunk.
    let said = '';
    const reacted = new Promise<void>((resolve) => {
      child.child.stderr?.on('data', (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes('SIGTERM received')) resolve();
      });
    });
    child.child.kill('SIGTERM');
    await reacted;
    // Stopped for longer than the grace, as a host too loaded to run it would hold it.
    child.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, STOP_GRACE_MS + 1500));
    child.child.kill('SIGCONT');
    const res = await child.done;
    assert.equal(res.code, 130, res.stderr);
    const requested = scene.fake.klineRequests().length;
    assert.equal(await countCandles(scene.target), requested * 1000);
    assert.equal(jsonOf<{ candles_written: number }>(res).candles_written, requested * 1000);
  });
});
