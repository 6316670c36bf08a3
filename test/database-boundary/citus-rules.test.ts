// A store ready for Citus (issue 15; sql/000011, sql/000012 for the claims). Citus cannot be installed here, so what it would refuse or make
// slow is checked on plain PostgreSQL, against the migration's own list of what it distributes
// (cryptocollect_citus_tables()): the catalog after migrating (keys, triggers, foreign keys), the distribution
// itself against stand-ins for Citus' functions, every write statement of real runs (one series each, none through
// the `candles` view), and the code (no row count from a command tag).
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import ts from 'typescript';
import { createFakeExchange, type FakeExchange, type RealKline } from '../support/fake-exchange/index.ts';
import { makeTarget, type Target } from '../support/targets.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { runTarget } from '../contract/run-in-process.ts';
import { hourlyKline } from '../support/hourly-kline.ts';

interface Listed {
  table_name: string;
  kind: 'reference' | 'distributed';
  step: number;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const listed = (c: pg.Client): Promise<Listed[]> =>
  c.query<Listed>('select table_name, kind, step from cryptocollect_citus_tables() order by step').then((r) => r.rows);

describe('a store ready for Citus', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('citus');
  });
  after(() => db.drop());

  it('every table the migration would distribute keeps the rules: series_id in each key, no trigger, no foreign key into it from elsewhere', () =>
    withClient(db.url, async (c) => {
      const list = await listed(c);
      const distributed = list.filter((t) => t.kind === 'distributed').map((t) => t.table_name);
      const reference = list.filter((t) => t.kind === 'reference').map((t) => t.table_name);
      // What the issue promises, at least; the list may grow.
      for (const t of ['candle_data', 'irregular_candles', 'exchange_empty', 'quality_findings', 'series_claims']) assert.ok(distributed.includes(t), `${t} is not distributed`);
      for (const t of ['series', 'runs', 'universes', 'universe_rankings', 'universe_members']) assert.ok(reference.includes(t), `${t} is not a reference table`);

      // Every table of the schema is in the list but the migrator's own two, which stay on the coordinator.
      const tables = (await c.query<{ name: string }>(`select relname as name from pg_class where relnamespace = current_schema()::regnamespace and relkind in ('r', 'p') order by 1`)).rows.map((r) => r.name);
      assert.deepEqual(tables.filter((t) => !list.some((l) => l.table_name === t)), ['cryptocollect_migration', 'cryptocollect_migration_lock']);

      // The distribution column: present, not null, one type everywhere (co-location needs it).
      const columns = (
        await c.query<{ table: string; type: string; notnull: boolean }>(
          `select attrelid::regclass::text as table, format_type(atttypid, atttypmod) as type, attnotnull as notnull
             from pg_attribute where attname = 'series_id' and attrelid = any($1::regclass[]) order by 1`,
          [distributed],
        )
      ).rows;
      assert.deepEqual(columns, [...distributed].sort().map((table) => ({ table, type: 'integer', notnull: true })));

      // The primary key and every unique index (unique constraints are ones) hold series_id; so does any exclusion.
      const keys = (
        await c.query<{ table: string; key: string; primary: boolean; columns: string[] }>(
          `select x.indrelid::regclass::text as table, x.indexrelid::regclass::text as key, x.indisprimary as primary,
                  array(select a.attname::text from unnest(x.indkey) k join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k) as columns
             from pg_index x where (x.indisunique or x.indisexclusion) and x.indrelid = any($1::regclass[])`,
          [distributed],
        )
      ).rows;
      for (const t of distributed) assert.ok(keys.some((k) => k.table === t && k.primary), `${t} has no primary key`);
      assert.deepEqual(keys.filter((k) => !k.columns.includes('series_id')).map((k) => `${k.table}: ${k.key} (${k.columns.join(', ')})`), []);

      // No trigger of their own (those a foreign key makes are internal).
      const triggers = (await c.query<{ name: string }>(`select tgrelid::regclass || ': ' || tgname as name from pg_trigger where not tgisinternal and tgrelid = any($1::regclass[])`, [distributed])).rows;
      assert.deepEqual(triggers.map((t) => t.name), []);

      // Foreign keys: into a distributed table only from a co-located one, by series_id; from a reference table only
      // to another reference table; from a distributed table to a reference or co-located one.
      const fks = (
        await c.query<{ from: string; to: string; from_columns: string[]; to_columns: string[] }>(
          `select conrelid::regclass::text as from, confrelid::regclass::text as to,
                  array(select a.attname::text from unnest(conkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = conrelid and a.attnum = k.n order by k.i) as from_columns,
                  array(select a.attname::text from unnest(confkey) with ordinality k(n, i) join pg_attribute a on a.attrelid = confrelid and a.attnum = k.n order by k.i) as to_columns
             from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace`,
        )
      ).rows;
      const kindOf = (t: string): string => list.find((l) => l.table_name === t)?.kind ?? 'local';
      const broken = fks.filter((fk) => {
        const [from, to] = [kindOf(fk.from), kindOf(fk.to)];
        if (to === 'distributed') return from !== 'distributed' || fk.from_columns.indexOf('series_id') !== fk.to_columns.indexOf('series_id') || !fk.from_columns.includes('series_id');
        if (from === 'reference') return to !== 'reference';
        return from === 'distributed' && to === 'local';
      });
      assert.deepEqual(broken.map((fk) => `${fk.from} (${kindOf(fk.from)}) → ${fk.to} (${kindOf(fk.to)})`), []);
      // The allowed direction is there: the candle tables' keys to series (sql/000001, 000002).
      assert.ok(fks.some((fk) => fk.from === 'exchange_empty' && fk.to === 'series'));
    }));

  it('the distribution follows the list: reference tables first, candle_data, the others co-located with it; run again, nothing', async () => {
    // Stand-ins for Citus' functions and catalog, in a database of their own, recording each call.
    const scratch = await createTestDatabase('citus_stub');
    try {
      await withClient(scratch.url, async (c) => {
        await c.query(`
          create table pg_dist_partition (logicalrelid regclass primary key);
          create table citus_calls (n integer generated always as identity, call text);
          create function create_reference_table(table_name regclass) returns void language sql as $$
            insert into citus_calls (call) values ('reference ' || table_name);
            insert into pg_dist_partition values (table_name) $$;
          create function create_distributed_table(table_name regclass, distribution_column text, colocate_with text default 'default')
            returns void language sql as $$
            insert into citus_calls (call) values ('distributed ' || table_name || ' by ' || distribution_column || ' with ' || colocate_with);
            insert into pg_dist_partition values (table_name) $$;`);
        await c.query('select cryptocollect_citus_distribute()');
        await c.query('select cryptocollect_citus_distribute()');
        const calls = (await c.query<{ call: string }>('select call from citus_calls order by n')).rows.map((r) => r.call);
        const expected = (await listed(c)).map((t) =>
          t.kind === 'reference' ? `reference ${t.table_name}` : `distributed ${t.table_name} by series_id with ${t.table_name === 'candle_data' ? 'default' : 'candle_data'}`,
        );
        assert.deepEqual(calls, expected);
        assert.equal(calls[0], 'reference runs');
        assert.ok(calls.indexOf('reference series') < calls.indexOf('distributed candle_data by series_id with default'));
      });
    } finally {
      await scratch.drop();
    }
  });

  describe('the write statements of real runs', () => {
    const H = 3_600_000;
    const T0 = Date.UTC(2024, 4, 1);
    const row = (i: number, over: Partial<Record<number, string | number>> = {}): RealKline => hourlyKline(T0, i, over);
    // From T0 + 2 h (empty before it), a low above open (a finding), a hole (empty), a candle cut short (irregular).
    const ODD = [row(2), row(3, { 3: '10.50000000' }), row(4), row(7, { 6: T0 + 7 * H + 1_800_000 }), row(8), row(9)];
    const NOW = T0 + 10 * H + 60_000;
    let fake: FakeExchange;
    let target: Target;
    before(async () => {
      fake = await createFakeExchange({
        now: NOW,
        symbols: [
          { symbol: 'ODDUSDT', baseAsset: 'ODD', quoteAsset: 'USDT', listedAt: T0 + 2 * H, replay: { '1h': ODD } },
          { symbol: 'LATEUSDT', baseAsset: 'LATE', quoteAsset: 'USDT', listedAt: T0 + 3 * H },
        ],
      });
      target = await makeTarget('postgres', fake.url);
    });
    after(async () => {
      await target.cleanup();
      await fake.close();
    });

    it('each touches one series, and no delete goes through the candles view', async () => {
      const url = target.databaseUrl as string;
      const list = await withClient(url, listed);
      const distributed = list.filter((t) => t.kind === 'distributed').map((t) => t.table_name);
      // Each statement's rows per table, from transition tables, keyed by the client statement that wrote them. The
      // view's delete trigger goes: a delete through the view fails (as Citus refuses it), the command with it.
      await withClient(url, async (c) => {
        await c.query(`
          create table write_log (id integer generated always as identity, tbl text, op text, pid integer, stmt timestamptz, series integer[], n bigint);
          create function log_write() returns trigger language plpgsql as $$
          begin
            if tg_op = 'DELETE' then
              insert into write_log (tbl, op, pid, stmt, series, n) select tg_table_name, tg_op, pg_backend_pid(), statement_timestamp(), array_agg(distinct series_id), count(*) from old_rows;
            else
              insert into write_log (tbl, op, pid, stmt, series, n) select tg_table_name, tg_op, pg_backend_pid(), statement_timestamp(), array_agg(distinct series_id), count(*) from new_rows;
            end if;
            return null;
          end $$;
          drop trigger candles_delete on candles;`);
        for (const t of distributed) {
          await c.query(`
            create trigger log_insert after insert on ${t} referencing new table as new_rows for each statement execute function log_write();
            create trigger log_update after update on ${t} referencing new table as new_rows for each statement execute function log_write();
            create trigger log_delete after delete on ${t} referencing old table as old_rows for each statement execute function log_write();`);
        }
      });

      const iso = (t: number): string => new Date(t).toISOString();
      const commands = [
        ['backfill', '--since', iso(T0), '--symbols', 'ODDUSDT,LATEUSDT', '--interval', '1h,4h'],
        ['gaps', '--recheck'],
        ['gaps', '--fill'],
        ['refetch', '--symbols', 'ODDUSDT,LATEUSDT', '--interval', '1h', '--since', iso(T0 + 3 * H), '--until', iso(T0 + 9 * H)],
        ['untrack', '--symbols', 'ODDUSDT,LATEUSDT', '--purge', '--yes'],
      ];
      for (const args of commands) {
        const res = await runTarget(target, args);
        assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
      }

      const log = await withClient(url, async (c) => (await c.query<{ tbl: string; op: string; statement: string; series: number[] }>(`select tbl, op, pid || ' ' || stmt::text as statement, series from write_log where n > 0 order by id`)).rows);
      const byStatement = new Map<string, { series: Set<number>; writes: string[] }>();
      for (const w of log) {
        // To the microsecond: two statements of one connection never start within one.
        const key = w.statement;
        const s = byStatement.get(key) ?? { series: new Set(), writes: [] };
        for (const id of w.series) s.series.add(id);
        s.writes.push(`${w.op} ${w.tbl} ${w.series.join(',')}`);
        byStatement.set(key, s);
      }
      assert.deepEqual([...byStatement.values()].filter((s) => s.series.size > 1).map((s) => s.writes.join('; ')), []);
      // The runs wrote and deleted in every candle table, and claimed and gave up ranges: the check saw each path.
      const seen = new Set(log.map((w) => `${w.op} ${w.tbl}`));
      for (const t of ['candle_data', 'irregular_candles', 'exchange_empty', 'quality_findings', 'series_claims']) {
        for (const op of ['INSERT', 'DELETE']) assert.ok(seen.has(`${op} ${t}`), `no ${op} on ${t} was seen: ${[...seen].join(', ')}`);
      }
    });
  });

  it('row counts come from RETURNING: the code reads no command tag that an ON CONFLICT would make (numInsertedRows, numAffectedRows, rowCount)', async () => {
    // ON CONFLICT exists on INSERT only, and an insert's count reaches the code only through these names (Kysely's
    // InsertResult and QueryResult, the drivers' results). DELETE and UPDATE counts (numDeletedRows, numUpdatedRows)
    // come from statements that cannot carry one. The driver adapter that fills the field in is the one exception.
    const FORBIDDEN = new Set(['numInsertedRows', 'numAffectedRows', 'rowCount', 'affectedRows']);
    const ADAPTERS = new Set(['db/pglite-script-client.ts']);
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !ADAPTERS.has(f.split(path.sep).join('/')));
    assert.ok(files.length > 100, `only ${files.length} source files found`);
    const uses: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, await readFile(path.join(src, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if ((ts.isIdentifier(node) || ts.isStringLiteral(node)) && FORBIDDEN.has(node.text)) {
          uses.push(`src/${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.text}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(uses, []);
  });
});
