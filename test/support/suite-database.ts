// A suite's own database on one store, opened before its tests and closed and removed after them, for tests of the
// database layer that need no exchange.
import { after, before } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../../src/db/open-database.ts';
import { makeTarget, type DbKind, type Target } from './targets.ts';

/** Registers the suite's hooks; the handle, once they ran. */
export function suiteDatabase(kind: DbKind, poolSize = 1): () => DatabaseHandle {
  let target: Target | undefined;
  let handle: DatabaseHandle | undefined;
  before(async () => {
    target = await makeTarget(kind, 'http://127.0.0.1:1');
    handle = await openDatabase({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize });
  });
  after(async () => {
    await handle?.close();
    await target?.cleanup();
  });
  return () => {
    if (handle === undefined) throw new Error('the suite database is opened in its before hook');
    return handle;
  };
}
