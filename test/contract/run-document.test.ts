// A run's document and exit code by its status; an interrupted run keeps its id and exits 130.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDocument, runExitCode, runNotice } from '../../src/cli/run-document.ts';
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
  it('an interrupted run keeps its run_id, exits 130 and says what it stored', () => {
    const doc = runDocument(outcome);
    assert.equal(doc.run_id, 7);
    assert.equal(runExitCode(doc), 130);
    assert.equal(runNotice(doc), 'interrupted; 2000 candles were stored, the next run resumes');
  });

  it('exit codes by status', () => {
    const codes = (['success', 'partial', 'failed', 'interrupted'] as const).map((status) => runExitCode(runDocument({ ...outcome, status })));
    assert.deepEqual(codes, [0, 3, 1, 130]);
  });

  it('nothing to run has the same keys as a run', () => {
    assert.deepEqual(Object.keys(runDocument(null)), Object.keys(runDocument(outcome)));
    assert.equal(runNotice(runDocument(null)), undefined);
  });
});
