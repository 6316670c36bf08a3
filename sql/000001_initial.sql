-- cryptocollect schema, version 1.
-- Storage is keyed by a small series id; users read the stable `candles` view (see README "The candles relation").

create table series (
  id          integer generated always as identity primary key,
  symbol      text        not null,
  interval    text        not null,
  -- First open time the series covers: the earliest --since it was backfilled from, aligned to the interval grid.
  start_time  timestamptz not null,
  created_at  timestamptz not null default now(),
  unique (symbol, interval)
);

-- Fixed-width columns first (8-byte aligned), numerics after: no padding between columns.
-- Values are the exchange's decimal strings as `numeric` without a type modifier, so their scale is kept too
-- ('16541.77000000' reads back as '16541.77000000').
create table candle_data (
  open_time               timestamptz not null,
  close_time              timestamptz not null,
  trades                  bigint      not null,
  series_id               integer     not null,
  open                    numeric     not null,
  high                    numeric     not null,
  low                     numeric     not null,
  close                   numeric     not null,
  volume                  numeric     not null,
  quote_volume            numeric     not null,
  taker_buy_base_volume   numeric     not null,
  taker_buy_quote_volume  numeric     not null,
  primary key (series_id, open_time)
);

-- Half-open ranges [from_time, to_time) of open times the exchange was asked about and had no candle for
-- (before a listing, after a delisting, outages, halts). Remembered so they are never asked again.
create table exchange_empty (
  series_id    integer     not null references series (id) on delete cascade,
  from_time    timestamptz not null,
  to_time      timestamptz not null,
  recorded_at  timestamptz not null default now(),
  primary key (series_id, from_time),
  check (to_time > from_time)
);

create table runs (
  id               integer generated always as identity primary key,
  command          text        not null,
  args             jsonb       not null default '{}'::jsonb,
  status           text        not null default 'running'
                   check (status in ('running', 'success', 'partial', 'failed', 'interrupted')),
  started_at       timestamptz not null default now(),
  finished_at      timestamptz,
  requests         integer     not null default 0,
  weight           integer     not null default 0,
  retries          integer     not null default 0,
  rate_limited     integer     not null default 0,
  candles_written  bigint      not null default 0,
  error            text,
  series_results   jsonb       not null default '[]'::jsonb,
  pid              integer,
  host             text
);

create index runs_started_at on runs (started_at desc);

-- The user-facing relation: one row per stored candle. Stable interface (README).
create view candles as
  select s.symbol,
         s.interval,
         c.open_time,
         c.close_time,
         c.open,
         c.high,
         c.low,
         c.close,
         c.volume,
         c.quote_volume,
         c.trades,
         c.taker_buy_base_volume,
         c.taker_buy_quote_volume
    from candle_data c
    join series s on s.id = c.series_id;

-- `DELETE FROM candles WHERE …` is how users force a re-fetch: route it to the storage table.
create function candles_delete() returns trigger language plpgsql as $$
begin
  delete from candle_data c
   using series s
   where s.symbol = old.symbol
     and s.interval = old.interval
     and c.series_id = s.id
     and c.open_time = old.open_time;
  return old;
end
$$;

create trigger candles_delete instead of delete on candles
  for each row execute function candles_delete();
