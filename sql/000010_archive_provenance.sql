-- Where stored candles came from (issue 14: the data.binance.vision archive as a second candle source).
--
-- A row is a stretch of open times [from_time, to_time) whose candles were stored from one archive file: its name,
-- the SHA-256 it was verified against (its CHECKSUM file) and the rows it held. It is written in the statement that
-- stores those candles (writer/write-page.ts), so a committed page always has its provenance. A candle whose open
-- time lies in no such stretch came from the REST klines endpoint — every candle stored before this migration did.
--
-- Kept like the candle tables for issue 15 (distributed by series id under Citus): series_id leads the key, no
-- trigger, no foreign key (a stretch left by a delete straight from candle_data lends nothing to the candles:
-- `status` counts the candles that lie in a stretch, not the stretch).
create table archive_provenance (
  series_id   integer     not null,
  from_time   timestamptz not null,
  to_time     timestamptz not null,
  file_name   text        not null,
  sha256      text        not null,
  file_rows   integer     not null,
  stored_at   timestamptz not null default now(),
  primary key (series_id, from_time),
  check (to_time > from_time)
);
