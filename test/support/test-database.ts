/**
 * Per-test databases on the shared test cluster.
 *
 * The cluster URL comes from CRYPTOCOLLECT_TEST_PG_URL, which `npm test`
 * (test/support/run-tests.ts) or `.ci/run` sets. Every call creates a fresh,
 * uniquely named database, so test files can run in parallel.
 *
 *   const db = await createTestDatabase('ingest');
 *   after(() => db.drop());
 *   // ... use db.url
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL_ENV = 'CRYPTOCOLLECT_TEST_PG_URL';

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Database name. */
  name: string;
  /** Terminates the database's connections and drops it. Safe to call more than once. */
  drop(): Promise<void>;
}

/** The cluster URL from the environment; throws a clear error when tests were not started via `npm test`. */
export function testClusterUrl(): string {
  const url = process.env[TEST_PG_URL_ENV];
  if (!url) {
    throw new Error(
      `${TEST_PG_URL_ENV} is not set. Run the tests via \`npm test\` ` +
        '(or `node --import tsx test/support/run-tests.ts [files…]`), which starts a throwaway PostgreSQL ' +
        `cluster and sets it, or point ${TEST_PG_URL_ENV} at a cluster where you may CREATE DATABASE.`,
    );
  }
  return url;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'test';
  const suffix = `${process.pid.toString(36)}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  // PostgreSQL identifiers are limited to 63 bytes; keep the unique suffix intact.
  return `${clean.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

async function withAdmin<T>(clusterUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clusterUrl, application_name: 'cryptocollect-test-admin' });
  client.on('error', () => {
    // errors surface through the awaited queries
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Create a fresh, empty database on the test cluster. */
export async function createTestDatabase(prefix = 'cc_test'): Promise<TestDatabase> {
  const clusterUrl = testClusterUrl();
  const name = uniqueName(prefix);
  await withAdmin(clusterUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING 'UTF8'`));

  const url = new URL(clusterUrl);
  url.pathname = `/${encodeURIComponent(name)}`;

  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= withAdmin(clusterUrl, async (c) => {
      for (let attempt = 0; ; attempt++) {
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        try {
          await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
          return;
        } catch (e) {
          // 55006 object_in_use: a backend connected between terminate and drop (or is still exiting).
          if ((e as { code?: string }).code !== '55006' || attempt >= 50) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });
    return dropped;
  };

  return { url: url.toString(), name, drop };
}
