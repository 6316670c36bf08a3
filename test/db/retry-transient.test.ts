import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseError } from '../../src/errors.js';
import { isTransientFailure } from '../../src/db/database-failure.js';
import { retryTransient } from '../../src/db/retry-transient.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database failure table', () => {
  const transient = [
    pgError('57P01', 'terminating connection due to administrator command'),
    pgError('57P03', 'the database system is starting up'),
    pgError('08006'),
    pgError('40001'),
    pgError('40P01'),
    pgError('ECONNREFUSED'),
    new Error('Connection terminated unexpectedly'),
    new Error('Client has encountered a connection error and is not queryable'),
  ];
  for (const err of transient) it(`retries: ${err.message}`, () => assert.equal(isTransientFailure(err), true));
  for (const err of [pgError('23505'), pgError('53100'), pgError('42501'), new Error('syntax error')]) {
    it(`does not retry ${(err as { code?: string }).code ?? err.message}`, () => assert.equal(isTransientFailure(err), false));
  }

  it('retries a transient failure until it succeeds', async () => {
    let calls = 0;
    const value = await retryTransient('op', async () => (++calls < 3 ? Promise.reject(pgError('57P01')) : 'ok'), { retries: 5, minTimeoutMs: 1 });
    assert.equal(value, 'ok');
    assert.equal(calls, 3);
  });

  it('names a permanent failure and does not retry it', async () => {
    let calls = 0;
    await assert.rejects(
      retryTransient('storing', async () => {
        calls++;
        throw pgError('53100', 'could not extend file: No space left on device');
      }),
      (err: unknown) => err instanceof DatabaseError && /storing failed: the database server is out of disk space/.test(err.message),
    );
    assert.equal(calls, 1);
  });

  it('a stop cuts the wait between attempts short, failing with the stop’s reason', { timeout: 20_000 }, async () => {
    const stop = new AbortController();
    const reason = new Error('SIGTERM');
    let calls = 0;
    const pending = retryTransient(
      'op',
      async () => {
        calls++;
        setImmediate(() => stop.abort(reason));
        throw pgError('57P01');
      },
      { retries: 5, minTimeoutMs: 60_000, signal: stop.signal },
    );
    await assert.rejects(pending, (err: unknown) => err === reason);
    assert.equal(calls, 1);
  });
});
