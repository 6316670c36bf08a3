-- What to collect (issue 12): universes ranked by 24 h quote volume, and why each series is tracked.
--
-- These are small tables (a few rows per run at most). They reference series, runs and each other only, never the
-- candle tables, so the candle tables can be distributed by series id while these stay reference tables.

-- A universe: the top N TRADING symbols of some quote assets by 24 h quote volume, less exclusions. Its quote
-- assets and exclusions are its identity (`rule`): a later backfill or `forward --top` with the same ones ranks the
-- same universe again. Its entrants are backfilled from `start_time`, in each of its intervals.
create table universes (
  id           integer generated always as identity primary key,
  rule         text        not null unique,
  quote_assets jsonb       not null,
  exclude      jsonb       not null,
  top          integer     not null check (top > 0),
  intervals    jsonb       not null,
  start_time   timestamptz not null,
  created_at   timestamptz not null default now()
);

-- One ranking of a universe, by the run that made it: when (the exchange's clock at the end of the 24 h window),
-- how many symbols were eligible, and (universe_members) the chosen list with each symbol's rank and volume.
create table universe_rankings (
  id           integer generated always as identity primary key,
  universe_id  integer     not null references universes (id),
  run_id       integer     not null references runs (id),
  ranked_at    timestamptz not null,
  top          integer     not null check (top > 0),
  eligible     integer     not null check (eligible >= 0),
  created_at   timestamptz not null default now()
);

create index universe_rankings_universe on universe_rankings (universe_id, id desc);
create index universe_rankings_run on universe_rankings (run_id);

-- quote_volume exactly as the exchange sent it (numeric keeps its scale).
create table universe_members (
  ranking_id    integer not null references universe_rankings (id) on delete cascade,
  symbol        text    not null,
  rank          integer not null check (rank > 0),
  quote_volume  numeric not null,
  primary key (ranking_id, symbol),
  unique (ranking_id, rank)
);

-- Why a series is tracked and whether it is polled:
-- universe_id: the universe that tracks it (NULL: tracked by name, `backfill --symbols`);
-- untracked_at/untrack_reason: `untrack` ('untrack') or `forward --top --drop-leavers` ('left-universe') stopped
--   polling it (its data is kept); NULL while tracked;
-- delisted_at/delisted_status: when a run first found the exchange no longer trading the symbol after collecting
--   what it had (its exchangeInfo status then, or 'ABSENT' when it was not listed at all); NULL while trading.
alter table series
  add column universe_id     integer references universes (id),
  add column untracked_at    timestamptz,
  add column untrack_reason  text check (untrack_reason in ('untrack', 'left-universe')),
  add column delisted_at     timestamptz,
  add column delisted_status text;
