-- Exchange-empty ranges are remembered only when the exchange returned a candle after them (issue 10): an answer
-- with nothing after it — the present, a delisting, a proxy or a faulty node answering `[]` — means "not yet", not
-- "no candles". Ranges recorded before on such an answer alone are forgotten here, so they are asked again.
delete from exchange_empty e
 where not exists (select 1 from candle_data c where c.series_id = e.series_id and c.open_time >= e.to_time);

-- Watermarks that went past the newest stored candle on such ranges go back to its end (or to the series' start),
-- so forward asks again for what follows. One index lookup per series.
update series s
   set collected_until = greatest(s.start_time, n.end_time)
  from series s2
  left join lateral (
    select coalesce(x.close_time, candle_nominal_close(c.open_time, s2.interval)) + interval '1 millisecond' as end_time
      from (select open_time from candle_data where series_id = s2.id order by open_time desc limit 1) c
      left join irregular_candles x on x.series_id = s2.id and x.open_time = c.open_time
  ) n on true
 where s2.id = s.id
   and s.collected_until > coalesce(n.end_time, s.start_time);
