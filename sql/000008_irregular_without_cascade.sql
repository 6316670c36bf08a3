-- Deleting candles set-based, fast (issue 13: `refetch`, `untrack --purge`). irregular_candles referenced
-- candle_data with ON DELETE CASCADE, and a foreign key's cascade runs one trigger per deleted candle_data row —
-- a lookup in irregular_candles for each, even when it holds none of them: about 10 µs a row on the embedded store
-- (a 300k-row purge took 3 to 5 s, against a fraction of that without it), a third of the statement on PostgreSQL.
-- Issue 15 distributes both tables by series id, where the fewer per-row actions the better, too.
--
-- So the key goes. Every delete path of cryptocollect deletes both tables, by (series_id, open_time) range, in one
-- transaction (db/tracking-repository.ts, db/refetch-repository.ts); the `candles` view's delete trigger removes the
-- candle's irregular row itself (below). An irregular row left behind by a delete straight from candle_data (or a
-- TRUNCATE) has no effect: every reader reaches irregular_candles only through a candle_data row, and the writer
-- replaces or clears the irregular row of every candle it stores (writer/write-page.ts).
alter table irregular_candles drop constraint irregular_candles_series_id_open_time_fkey;

-- `DELETE FROM candles WHERE …` (per row, as an INSTEAD OF trigger must): the candle and its irregular values, in
-- one statement (each statement a trigger runs costs its own executor start).
create or replace function candles_delete() returns trigger language plpgsql as $$
begin
  with s as (select id from series where symbol = old.symbol and interval = old.interval),
       x as (delete from irregular_candles x using s where x.series_id = s.id and x.open_time = old.open_time)
  delete from candle_data c using s where c.series_id = s.id and c.open_time = old.open_time;
  return old;
end
$$;
