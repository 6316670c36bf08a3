// Before a scenario is timed, the PostgreSQL cluster is left with nothing of an earlier scenario to do: its dirty
// buffers written (CHECKPOINT) and no autovacuum worker running: after the 732,000 rows of the headline's floor (or
// of the headline) one vacuums and analyses the table, CPU that would otherwise be counted against the next run on
// this 2-core machine (the PostgreSQL headline after its floor; the embedded store's, which uses no server at all).
import pg from 'pg';

const GIVE_UP_MS = 120_000;

/** Waits until the cluster at `url` is idle (checkpointed, no autovacuum worker); gives up after two minutes. */
export async function quietServer(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const started = Date.now();
    for (;;) {
      const r = await c.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where backend_type = 'autovacuum worker'`);
      if ((r.rows[0]?.n ?? 0) === 0 || Date.now() - started > GIVE_UP_MS) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await c.query('checkpoint');
  } finally {
    await c.end();
  }
}
