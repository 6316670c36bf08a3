// A run's document and exit code by its status; an interrupted run keeps its id and exits 130.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDocument, runExitCode, runNotice, secondsSince } from '../../src/cli/run-document.ts';
import type { RunOutcome } from '../../src/collect/recorded-run.ts';

const outcome: RunOutcome = {
  run_id: 7,
  status: 'interrupted',
  duration_seconds: 1.5,
  requests: 3,
  weight: 6,
  retries: 0,
  rate_limited: 0,
  candles_written: 2000,
  server_time: '2024-06-01T00:30:30.000Z',
  series: [],
};

describe('run document', () => {
  it('elapsed_seconds: the seconds since the invocation began, to the millisecond', () => {
    assert.equal(secondsSince(1_000_000, 1_002_345.6), 2.346);
    assert.equal(secondsSince(1_000_000, 999_000), 0);
  });

  it('an interrupted run keeps its run_id, exits 130 and says what it stored', () => {
    const doc = runDocument(outcome, 2.25);
    assert.equal(doc.run_id, 7);
    assert.equal(doc.elapsed_seconds, 2.25);
    assert.equal(runExitCode(doc), 130);
    assert.equal(runNotice(doc), 'interrupted; 2000 candles were stored, the next run resumes');
  });

  it('exit codes by status', () => {
    const codes = (['success', 'partial', 'failed', 'interrupted'] as const).map((status) => runExitCode(runDocument({ ...outcome, status }, 1)));
    assert.deepEqual(codes, [0, 3, 1, 130]);
  });

  it('nothing to run has the same keys as a run', () => {
    assert.deepEqual(Object.keys(runDocument(null, 0.5)), Object.keys(runDocument(outcome, 0.5)));
    assert.equal(Object.keys(runDocument(outcome, 0.5)).at(-1), 'elapsed_seconds');
    assert.equal(runNotice(runDocument(null, 0.5)), undefined);
  });
});
