// COPY … FROM STDIN through the one database boundary (db/copy-in.ts), on PostgreSQL (pg-copy-streams) and PGlite
// (COPY FROM '/dev/blob'): rows whose text is cut anywhere between pieces arrive whole and exact, inside the
// transaction that copied them, and a COPY the server refuses fails with the documented translation, leaving nothing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { copyIn } from '../../src/db/copy-in.ts';
import { DatabaseFailure } from '../../src/db/database-failure.ts';
import { describeOnEachDb } from '../support/describe-on-each-db.ts';
import { suiteDatabase } from '../support/suite-database.ts';

describeOnEachDb('COPY through the database boundary', (kind) => {
  const db = suiteDatabase(kind, 2);

  it('pieces cut mid-row and mid-field make whole rows, exact decimals, visible in the transaction', async () => {
    const rows = await db().db.transaction().execute(async (trx) => {
      await sql`create temp table copied (n int8, d numeric) on commit drop`.execute(trx);
      await copyIn(trx, 'pg_temp.copied', ['n', 'd'], ['1\t0.10000000\n2', '\t123456789012.345678901234\n3\t0', '\n']);
      return (await sql<{ n: string; d: string }>`select n::text, d::text from pg_temp.copied order by n`.execute(trx)).rows;
    });
    assert.deepEqual(rows, [
      { n: '1', d: '0.10000000' },
      { n: '2', d: '123456789012.345678901234' },
      { n: '3', d: '0' },
    ]);
  });

  it('a row the server refuses: the documented line with its SQLSTATE, and the transaction keeps nothing', async () => {
    await sql`create table copied_kept (n int8 primary key)`.execute(db().db);
    const failed = await db().db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into copied_kept values (7)`.execute(trx);
        await copyIn(trx, 'copied_kept', ['n'], ['8\n', 'x\n']);
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    assert.ok(failed instanceof DatabaseFailure, `not translated: ${String(failed)}`);
    assert.equal(failed.code, 'database-error');
    assert.equal(failed.exitCode, 1);
    assert.equal(failed.sqlstate, '22P02');
    assert.match(failed.message, /^the database reported an error: invalid input syntax for type bigint: "x" \(SQLSTATE 22P02\)$/);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from copied_kept`.execute(db().db);
    assert.deepEqual(rows, [{ n: 0 }]);
    // The connection is usable again after the failed COPY.
    await copyIn(db().db, 'copied_kept', ['n'], ['9\n']);
    assert.deepEqual((await sql<{ n: string }>`select n::text from copied_kept`.execute(db().db)).rows, [{ n: '9' }]);
  });
});
