-- Claims of page ranges (issue 15): several cryptocollect processes on one database split a series' work by ranges
-- of open times, so one deep series is shared by every worker and no candle is fetched twice.
--
-- A row says that the run `run_id` is fetching [from_time, to_time) of the series. It is taken and given up by
-- collect/claimed-work.ts through db/claim-store.ts: taken under a transaction-level advisory lock of the series
-- (claims of one series are taken one at a time, so two never overlap), deleted once the range is stored. A claim
-- dies with its run: when the run's session lock is gone (the process died, its connection was lost) or its lease
-- has run out (`lease_until`, renewed while the run works: a host that vanished without closing its connection);
-- the next run to look deletes it and claims the ground again.
--
-- Kept like the candle tables (distributed by series id under Citus, co-located with candle_data): series_id leads
-- the key, no trigger, no foreign key (a claim outlives nothing: it is deleted by its run or by whoever takes over).
create table series_claims (
  series_id    integer     not null,
  from_time    timestamptz not null,
  to_time      timestamptz not null,
  run_id       integer     not null,
  lease_until  timestamptz not null,
  claimed_at   timestamptz not null default now(),
  primary key (series_id, from_time),
  check (to_time > from_time)
);

-- The list of sql/000011 with the claims table: distributed, co-located with candle_data.
create or replace function cryptocollect_citus_tables() returns table (table_name text, kind text, step integer)
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
         ('archive_provenance', 'distributed', 10),
         ('series_claims', 'distributed', 11)
$$;

-- On a database with Citus, distribute the new table as the list says (the others are left as they are).
do $$
begin
  if exists (select 1 from pg_extension where extname = 'citus') then
    perform cryptocollect_citus_distribute();
  end if;
end
$$;
