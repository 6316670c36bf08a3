-- The `candles` relation is the stable interface. Daily closes of BTCUSDT from the hourly series:
select date_trunc('day', open_time) as day,
       (array_agg(close order by open_time desc))[1] as close,
       max(high) as high, min(low) as low, sum(volume) as volume
  from candles
 where symbol = 'BTCUSDT' and interval = '1h' and open_time >= '2024-01-01'
 group by 1
 order by 1;

-- Force a re-fetch of a range: delete it; `cryptocollect gaps --fill` (or the next backfill) fetches it again.
-- delete from candles where symbol = 'BTCUSDT' and interval = '1h' and open_time >= '2024-03-01' and open_time < '2024-03-02';
