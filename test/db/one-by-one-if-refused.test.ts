// The batched reads' way out (db/one-by-one-if-refused.ts): a statement the server refuses as a feature it does not
// support (SQLSTATE 0A000, as Citus answers a query shape it cannot run over distributed tables), translated at the
// database boundary, is read again a series at a time; any other failure is the read's own, and nothing is retried.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DatabaseFailure, translateDbError } from '../../src/db/database-failure.ts';
import { oneByOneIfRefused } from '../../src/db/one-by-one-if-refused.ts';

/** A driver error as pg raises it, through the boundary's translation. */
const failure = (code: string, message: string): unknown => translateDbError(Object.assign(new Error(message), { code }));

it('0A000: the one-by-one read answers; another failure, or a success, leaves it unasked', async () => {
  const asked: string[] = [];
  const oneByOne = async (): Promise<string> => {
    asked.push('one by one');
    return 'a series at a time';
  };
  const refused = failure('0A000', 'complex joins are only supported when all distributed tables are joined on their distribution columns');
  assert.ok(refused instanceof DatabaseFailure && refused.sqlstate === '0A000');
  assert.equal(await oneByOneIfRefused(() => Promise.reject(refused), oneByOne), 'a series at a time');
  assert.deepEqual(asked, ['one by one']);

  const full = failure('53100', 'could not extend file: No space left on device');
  await assert.rejects(oneByOneIfRefused(() => Promise.reject(full), oneByOne), (err) => err === full);
  const plain = new Error('a bug, not the database');
  await assert.rejects(oneByOneIfRefused(() => Promise.reject(plain), oneByOne), (err) => err === plain);
  assert.equal(await oneByOneIfRefused(() => Promise.resolve('at once'), oneByOne), 'at once');
  assert.deepEqual(asked, ['one by one']);
});
