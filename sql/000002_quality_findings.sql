-- Data-quality findings: candles that broke a rule when they were ingested (planner/validate-page.ts).
-- Candles breaking a value rule are stored as the exchange sent them and listed here; `status` reports them.
create table quality_findings (
  series_id  integer     not null references series (id) on delete cascade,
  open_time  timestamptz not null,
  rule       text        not null,
  detail     text        not null,
  found_at   timestamptz not null default now(),
  primary key (series_id, open_time, rule)
);
