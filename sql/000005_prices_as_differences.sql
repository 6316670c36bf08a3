-- High, low and close stored as their difference from open (issue 5: ≤ 150 bytes per candle with its index; a deep
-- series of BTCUSDT minutes measured 154 after 000004).
--
-- A numeric takes 2 bytes per 4 decimal digits. Within one candle, high, low and close lie close to open, so their
-- difference from it has fewer digits than they have: for BTCUSDT at 58404.53000000 that is 6.13000000, one group of
-- 4 digits less, 2 bytes less for each of the three. The `candles` view adds open back; numeric addition is exact,
-- and its result keeps the larger display scale of the two, which is the scale the exchange sent whenever high, low
-- and close have at least as many decimals as open (always, on Binance: every price of a symbol has the same
-- number). The candle where one has fewer keeps that price as sent in irregular_candles, so `candles` gives back
-- every decimal string unchanged, trailing zeros included.
--
-- irregular_candles now holds, per candle, only the values the compact row cannot give back; a NULL column means
-- the compact row's value is exact. The rewrite copies every stored candle once, in key order.

create table candle_rows (
  open_time               timestamptz not null,
  series_id               integer     not null,
  -- NULL only when the count does not fit an integer; irregular_candles then holds it.
  trades                  integer,
  open                    numeric     not null,
  high_minus_open         numeric     not null,
  low_minus_open          numeric     not null,
  close_minus_open        numeric     not null,
  volume                  numeric     not null,
  quote_volume            numeric     not null,
  taker_buy_base_volume   numeric     not null,
  taker_buy_quote_volume  numeric     not null,
  constraint candle_rows_pkey primary key (series_id, open_time) with (fillfactor = 100)
);

insert into candle_rows (open_time, series_id, trades, open, high_minus_open, low_minus_open, close_minus_open,
                         volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume)
  select open_time, series_id, trades, open, high - open, low - open, close - open,
         volume, quote_volume, taker_buy_base_volume, taker_buy_quote_volume
    from candle_data
   order by series_id, open_time;

alter table irregular_candles drop constraint irregular_candles_series_id_open_time_fkey;
alter table irregular_candles
  alter column close_time drop not null,
  alter column trades drop not null,
  add column high  numeric,
  add column low   numeric,
  add column close numeric;

-- Keep in the irregular row only what the compact row cannot give back.
update irregular_candles x
   set close_time = nullif(x.close_time, candle_nominal_close(x.open_time, s.interval)),
       trades = case when x.trades > 2147483647 then x.trades end
  from series s
 where s.id = x.series_id;

insert into irregular_candles (series_id, open_time, high, low, close)
  select series_id, open_time,
         case when scale(high) < scale(open) then high end,
         case when scale(low) < scale(open) then low end,
         case when scale(close) < scale(open) then close end
    from candle_data
   where scale(high) < scale(open) or scale(low) < scale(open) or scale(close) < scale(open)
  on conflict (series_id, open_time) do update
    set high = excluded.high, low = excluded.low, close = excluded.close;

drop view candles;
drop table candle_data;
alter table candle_rows rename to candle_data;
alter index candle_rows_pkey rename to candle_data_pkey;

alter table irregular_candles
  add constraint irregular_candles_series_id_open_time_fkey
  foreign key (series_id, open_time) references candle_data (series_id, open_time) on delete cascade;

-- The user-facing relation, as before: same columns, same types, same values (README "The candles relation").
create view candles as
  select s.symbol,
         s.interval,
         c.open_time,
         coalesce(x.close_time, candle_nominal_close(c.open_time, s.interval)) as close_time,
         c.open,
         coalesce(x.high, c.open + c.high_minus_open) as high,
         coalesce(x.low, c.open + c.low_minus_open) as low,
         coalesce(x.close, c.open + c.close_minus_open) as close,
         c.volume,
         c.quote_volume,
         coalesce(x.trades, c.trades::bigint) as trades,
         c.taker_buy_base_volume,
         c.taker_buy_quote_volume
    from candle_data c
    join series s on s.id = c.series_id
    left join irregular_candles x on x.series_id = c.series_id and x.open_time = c.open_time;

create trigger candles_delete instead of delete on candles
  for each row execute function candles_delete();
