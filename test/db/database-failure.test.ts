import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseFailure, translateDbError } from '../../src/db/database-failure.ts';
import { DataDirError } from '../../src/errors.ts';

const driverError = (code: string | undefined, message: string) => Object.assign(new Error(message), code === undefined ? {} : { code });
const place = { location: 'postgres://app@db:5432/candles', url: 'postgres://app:s3cret@db:5432/candles', host: 'db:5432', user: 'app', database: 'candles' };

describe('the translation of driver failures', () => {
  const table: Array<[string | undefined, string, string, boolean, string]> = [
    ['53100', 'could not extend file', 'database-disk-full', false, 'the database server is out of disk space (could not extend file)'],
    ['53200', 'out of memory', 'database-out-of-memory', false, 'the database server is out of memory (out of memory)'],
    ['42501', 'permission denied for table runs', 'database-permission-denied', false, 'the database user "app" lacks a permission it needs (permission denied for table runs)'],
    ['25006', 'cannot execute INSERT in a read-only transaction', 'database-read-only', false, 'the database is read-only (cannot execute INSERT in a read-only transaction)'],
    ['40001', 'could not serialize access', 'database-serialization', true, 'the database could not serialize concurrent transactions (could not serialize access)'],
    ['40P01', 'deadlock detected', 'database-serialization', true, 'the database detected a deadlock (deadlock detected)'],
    ['57P01', 'terminating connection due to administrator command', 'database-unavailable', true, 'lost the database connection (terminating connection due to administrator command)'],
    ['08006', 'connection failure', 'database-unavailable', true, 'lost the database connection (connection failure)'],
    [undefined, 'Connection terminated unexpectedly', 'database-unavailable', true, 'lost the database connection (Connection terminated unexpectedly)'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:5432', 'database-unreachable', true, 'cannot reach PostgreSQL at db:5432: connection refused'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND db', 'database-unreachable', false, 'cannot reach PostgreSQL: host db:5432 not found'],
    ['28P01', 'password authentication failed', 'database-auth-failed', false, 'PostgreSQL at db:5432 refused the credentials for user "app"'],
    ['3D000', 'database "candles" does not exist', 'database-missing', false, 'PostgreSQL at db:5432 has no database "candles"; create it first (createdb candles)'],
    ['23505', 'duplicate key value', 'database-error', false, 'the database reported an error: duplicate key value (SQLSTATE 23505)'],
    [undefined, 'something odd at postgres://app:s3cret@db:5432/candles', 'database-error', false, 'the database reported an error: something odd at postgres://app@db:5432/candles'],
  ];
  for (const [sqlstate, message, code, transient, line] of table) {
    it(`${sqlstate ?? message}: ${code}`, () => {
      const err = translateDbError(driverError(sqlstate, message), place);
      assert.ok(err instanceof DatabaseFailure);
      assert.deepEqual({ code: err.code, transient: err.transient, message: err.message, exitCode: err.exitCode }, { code, transient, message: line, exitCode: 1 });
      const kept = sqlstate && /^[0-9A-Z]{5}$/.test(sqlstate) ? sqlstate : null;
      assert.deepEqual(err.details, { sqlstate: kept, transient });
    });
  }

  it("the tool's own errors and translated ones pass unchanged", () => {
    const dataDir = new DataDirError('database-disk-full', 'the embedded database in /d is out of disk space');
    assert.equal(translateDbError(dataDir), dataDir);
    const once = translateDbError(driverError('53100', 'full'));
    assert.equal(translateDbError(once), once);
  });
});
