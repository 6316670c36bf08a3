/**
 * Per-test databases on the shared test cluster.
 *
 * The cluster URL comes from CRYPTOCOLLECT_TEST_PG_URL, which `npm test`
 * (test/support/run-tests.ts) sets. Every call creates a fresh, uniquely
 * named database, so test files can run in parallel.
 *
 *   const db = await createTestDatabase('ingest');                      // migrated to the latest schema
 *   const old = await createTestDatabase('upgrade', { schema: 'empty' }); // for migration and first-start tests
 *   after(() => db.drop());
 *
 * A migrated database is a clone (CREATE DATABASE … TEMPLATE) of one template
 * that the product's own migrator brings up to date once per test run: a
 * clone costs a file copy, the migrations cost a dozen statements per new
 * database. run-tests.ts builds the template and names it in
 * CRYPTOCOLLECT_TEST_PG_TEMPLATE; a test process started some other way
 * builds one of its own on first use.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Database } from '../../src/db/schema.ts';

export const TEST_PG_URL_ENV = 'CRYPTOCOLLECT_TEST_PG_URL';
export const TEST_PG_TEMPLATE_ENV = 'CRYPTOCOLLECT_TEST_PG_TEMPLATE';

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

function databaseUrl(clusterUrl: string, name: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

export interface TemplateDatabase {
  name: string;
  /** Drops the template. Safe to call more than once. */
  drop(): Promise<void>;
}

/**
 * Creates a database migrated to the latest schema by src/db/migrate.ts and marks it a template that accepts no
 * connections: CREATE DATABASE … TEMPLATE fails while anyone is connected to its source.
 */
export async function createTemplateDatabase(clusterUrl = testClusterUrl()): Promise<TemplateDatabase> {
  const name = uniqueName('cc_template');
  await withAdmin(clusterUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE template0 ENCODING 'UTF8'`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl(clusterUrl, name), max: 1 }) }) });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  await withAdmin(clusterUrl, (c) => c.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`));
  let dropped: Promise<unknown> | undefined;
  return {
    name,
    drop: async () => {
      dropped ??= withAdmin(clusterUrl, async (c) => {
        await c.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
      });
      await dropped;
    },
  };
}

let ownTemplate: Promise<string> | undefined;

/** The template to clone: the run's, or (a file started without run-tests.ts) one made once for this process. */
function templateName(): Promise<string> {
  const fromRun = process.env[TEST_PG_TEMPLATE_ENV];
  if (fromRun) return Promise.resolve(fromRun);
  ownTemplate ??= createTemplateDatabase().then((t) => t.name);
  return ownTemplate;
}

export interface CreateTestDatabaseOptions {
  /** 'migrated' (default): the latest schema, cloned from the template. 'empty': no schema at all. */
  schema?: 'migrated' | 'empty';
}

/** Create a fresh database on the test cluster: migrated to the latest schema, or empty. */
export async function createTestDatabase(prefix = 'cc_test', options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const clusterUrl = testClusterUrl();
  const name = uniqueName(prefix);
  const template = options.schema === 'empty' ? 'template0' : await templateName();
  await withAdmin(clusterUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)} ENCODING 'UTF8'`));

  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= withAdmin(clusterUrl, async (c) => {
      // A client that has just been ended (pg's Pool.end() resolves before its sockets close) is still connected for
      // a moment; terminating it then makes it emit an error nobody listens to, which fails the test that ended it.
      // So give the connections a moment to go by themselves, and terminate only those that stay.
      for (let waited = 0; waited < 1_000; waited += 20) {
        const open = await c.query('SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
        if (open.rowCount === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
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

  return { url: databaseUrl(clusterUrl, name), name, drop };
}
