// Each command prints one JSON shape: the same keys in every case, a run with nothing to do included.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFakeExchange, usdtSymbol, type FakeExchange } from '../support/fake-exchange/index.ts';
import { query } from '../support/stored-rows.ts';
import { makeTarget, type Target } from '../support/targets.ts';
import { documentOf, runTarget } from './run-in-process.ts';

const NOW = Date.UTC(2024, 5, 1, 0, 30, 30);
const runDocumentOfNothing = {
  run_id: null,
  status: 'success',
  duration_seconds: 0,
  requests: 0,
  weight: 0,
  retries: 0,
  rate_limited: 0,
  candles_written: 0,
  server_time: null,
  series: [],
};
const RUN_KEYS = ['run_id', 'status', 'duration_seconds', 'requests', 'weight', 'retries', 'rate_limited', 'candles_written', 'server_time', 'series', 'elapsed_seconds'];

/** The document with its elapsed_seconds (the whole invocation's time, by the local clock) checked and set aside. */
function withoutElapsed(doc: Record<string, unknown>): Record<string, unknown> {
  assert.equal(typeof doc.elapsed_seconds, 'number');
  assert.ok((doc.elapsed_seconds as number) >= 0);
  const { elapsed_seconds: _elapsed, ...rest } = doc;
  return rest;
}

describe('JSON shapes', { concurrency: false }, () => {
  let fake: FakeExchange;
  let t: Target;
  before(async () => {
    fake = await createFakeExchange({ now: NOW, symbols: [usdtSymbol('BTCUSDT')] });
    t = await makeTarget('postgres', fake.url);
  });
  after(async () => {
    await t.cleanup();
    await fake.close();
  });

  it('forward --allow-empty with nothing tracked: the whole run document, run_id null and zero counters', async () => {
    const res = await runTarget(t, ['forward', '--allow-empty', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = documentOf(res);
    assert.deepEqual(Object.keys(doc), RUN_KEYS);
    assert.deepEqual(withoutElapsed(doc), runDocumentOfNothing);
    assert.match(res.stderr, /nothing to do: no tracked series/);
  });

  it('forward with nothing tracked, without --allow-empty: the error document (exit 2)', async () => {
    const res = await runTarget(t, ['forward', '--json']);
    assert.equal(res.code, 2, res.stderr);
    const doc = documentOf<{ error: { code: string; exit_code: number; details: { database: string } } }>(res);
    assert.deepEqual(Object.keys(doc), ['error']);
    assert.deepEqual([doc.error.code, doc.error.exit_code, typeof doc.error.details.database], ['usage', 2, 'string']);
  });

  it('gaps with nothing tracked: every key, forgotten and fill null', async () => {
    const res = await runTarget(t, ['gaps', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(documentOf(res), { forgotten: null, gaps: [], exchange_empty: [], fill: null, plan: null });
  });

  it('backfill and forward print the same keys', async () => {
    const backfill = await runTarget(t, ['backfill', '--since', '2024-05-31', '--symbols', 'BTCUSDT', '--json']);
    assert.equal(backfill.code, 0, backfill.stderr);
    const run = documentOf<{ run_id: number; series: object[] }>(backfill);
    assert.deepEqual(Object.keys(run), RUN_KEYS);
    assert.equal(typeof run.run_id, 'number');
    const forward = await runTarget(t, ['forward', '--json']);
    assert.equal(forward.code, 0, forward.stderr);
    assert.deepEqual(Object.keys(documentOf(forward)), RUN_KEYS);
  });

  it('gaps --verify with no candle from the archive: every key, nothing checked, exit 0', async () => {
    const res = await runTarget(t, ['gaps', '--verify', '--json']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(documentOf(res), { files: [], checked: 0, unchanged: 0, replaced: 0, unverified: 0, differing_rows: 0 });
  });

  it('gaps --fill with no gap: a run document all the same, run_id null', async () => {
    const res = await runTarget(t, ['gaps', '--recheck', '--fill', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = documentOf<{ forgotten: unknown; fill: Record<string, unknown> }>(res);
    assert.deepEqual(Object.keys(doc), ['forgotten', 'gaps', 'exchange_empty', 'fill', 'plan']);
    assert.deepEqual(doc.forgotten, []);
    assert.deepEqual(Object.keys(doc.fill), [...RUN_KEYS, 'remaining']);
    assert.deepEqual(withoutElapsed(doc.fill), { ...runDocumentOfNothing, remaining: [] });
  });

  it('gaps --fill of a gap: the fill is the run document with what remains', async () => {
    await query(t, `delete from candles where symbol = 'BTCUSDT' and open_time = '2024-05-31T05:00:00Z'`);
    const res = await runTarget(t, ['gaps', '--fill', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const doc = documentOf<{ gaps: unknown[]; fill: Record<string, unknown> }>(res);
    assert.equal(doc.gaps.length, 1);
    assert.deepEqual(Object.keys(doc.fill), [...RUN_KEYS, 'remaining']);
    assert.equal(typeof doc.fill.run_id, 'number');
    assert.deepEqual(doc.fill.remaining, []);
  });

  it('status: series, runs and the run statistics', async () => {
    const res = await runTarget(t, ['status', '--json', '--runs', '2']);
    assert.equal(res.code, 0, res.stderr);
    const doc = documentOf<{ series: object[]; runs: object[]; run_stats: { commands: object[]; total: object } }>(res);
    assert.deepEqual(Object.keys(doc), ['series', 'runs', 'run_stats']);
    assert.deepEqual(Object.keys(doc.run_stats), ['window_seconds', 'since', 'commands', 'total']);
    const statKeys = ['runs', 'success', 'partial', 'failed', 'interrupted', 'running', 'success_rate', 'avg_duration_seconds', 'max_duration_seconds', 'candles_written'];
    assert.deepEqual(Object.keys(doc.run_stats.total), statKeys);
    assert.deepEqual(Object.keys(doc.run_stats.commands[0] ?? {}), ['command', ...statKeys]);
    assert.equal(doc.series.length, 1);
    assert.equal(doc.runs.length, 2);
    assert.deepEqual(Object.keys(doc.series[0] ?? {}).slice(0, 2), ['symbol', 'interval']);
  });
});
