-- Each run's requests by outcome (the HTTP status class, or `error` for a request that got no status: a reset, a
-- timeout), counted from its request events: `{"2xx": 801, "4xx": 1, …}`. Kept with the run so that the metrics
-- file (--metrics-file), rewritten by whichever command runs, still gives every command's last run in full.
alter table runs add column request_outcomes jsonb not null default '{}'::jsonb;
