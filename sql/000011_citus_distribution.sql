-- A store ready for Citus (issue 15): when the `citus` extension is installed, the candle tables are distributed by
-- series id, co-located (a series' candles, irregular values, exchange-empty ranges and quality findings on one
-- shard, so every statement of the writer and every per-series read runs on one node), and the small tables are
-- reference tables (a copy on every node, so the joins with them stay local). On plain PostgreSQL and PGlite this
-- migration only creates the two functions below: nothing changes.
--
-- The rules that keep the schema distributable are checked by test/database-boundary/citus-rules.test.ts against
-- this list: every distributed table has series_id in its primary key and in every unique constraint, carries no
-- trigger, and no foreign key points into it from a table that is not distributed.

-- The one list of what Citus makes of each table, in the order it must be done: reference tables first (a foreign
-- key from a reference table may only point to another reference table, and the distributed tables reference
-- `series`), then candle_data, with which the other candle tables are co-located. A new table goes here too (a later
-- migration replaces this function): the rules test fails for a table the list does not name.
create function cryptocollect_citus_tables() returns table (table_name text, kind text, step integer)
  language sql immutable as $$
  values ('runs', 'reference', 1),
         ('universes', 'reference', 2),
         ('series', 'reference', 3),
         ('universe_rankings', 'reference', 4),
         ('universe_members', 'reference', 5),
         ('candle_data', 'distributed', 6),
         ('irregular_candles', 'distributed', 7),
         ('exchange_empty', 'distributed', 8),
         ('quality_findings', 'distributed', 9),
         ('archive_provenance', 'distributed', 10)
$$;

-- Distributes the tables as listed; a table Citus already knows is left as it is, so it can be run again. Needs the
-- citus extension (its functions are looked up when it runs, not when it is created). For an existing database:
-- `create extension citus;` then `select cryptocollect_citus_distribute();` (README "Running on Citus").
create function cryptocollect_citus_distribute() returns void language plpgsql as $$
declare
  t record;
begin
  -- In one transaction with the foreign keys to reference tables, Citus needs its shard commands one at a time.
  perform set_config('citus.multi_shard_modify_mode', 'sequential', true);
  for t in select * from cryptocollect_citus_tables() order by step loop
    continue when exists (select 1 from pg_dist_partition where logicalrelid = t.table_name::regclass);
    if t.kind = 'reference' then
      perform create_reference_table(t.table_name::regclass);
    elsif t.table_name = 'candle_data' then
      perform create_distributed_table(t.table_name::regclass, 'series_id');
    else
      perform create_distributed_table(t.table_name::regclass, 'series_id', colocate_with => 'candle_data');
    end if;
  end loop;
end
$$;

do $$
declare
  version text;
begin
  select extversion into version from pg_extension where extname = 'citus';
  if version is null then
    return;
  end if;
  -- Citus 12 distributes tables with integer identity columns (series.id, runs.id…); older ones refuse them.
  if split_part(version, '.', 1)::integer < 12 then
    raise exception 'cryptocollect needs Citus 12 or later to distribute its tables (this database has citus %)', version;
  end if;
  perform cryptocollect_citus_distribute();
end
$$;
