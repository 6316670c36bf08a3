-- The point up to which a series is known to be collected without a hole ("watermark"): everything from
-- start_time to collected_until is stored or answered empty. forward resumes from here, so the holes a killed
-- run left behind are fetched by the next cron run too. NULL: nothing known yet (start_time).
alter table series add column collected_until timestamptz;
