import type { ColumnType, Generated, Kysely } from 'kysely';

/** int8 and numeric arrive as strings from pg (exactness), as numbers or bigints from PGlite. */
type Int8 = ColumnType<string | number | bigint, number | string, number | string>;

export interface SeriesTable {
  id: Generated<number>;
  symbol: string;
  interval: string;
  start_time: Date;
  collected_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
  /** sql/000007: the universe tracking the series (NULL: by name), whether it is polled, whether it is delisted. */
  universe_id: ColumnType<number | null, number | null | undefined, number | null>;
  untracked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  untrack_reason: ColumnType<string | null, string | null | undefined, string | null>;
  delisted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  delisted_status: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface UniversesTable {
  id: Generated<number>;
  rule: string;
  quote_assets: ColumnType<unknown, string, string>;
  exclude: ColumnType<unknown, string, string>;
  top: number;
  intervals: ColumnType<unknown, string, string>;
  start_time: Date;
  created_at: Generated<Date>;
}

export interface UniverseRankingsTable {
  id: Generated<number>;
  universe_id: number;
  run_id: number;
  ranked_at: Date;
  top: number;
  eligible: number;
  created_at: Generated<Date>;
}

export interface UniverseMembersTable {
  ranking_id: number;
  symbol: string;
  rank: number;
  quote_volume: string;
}

export interface ExchangeEmptyTable {
  series_id: number;
  from_time: Date;
  to_time: Date;
  recorded_at: Generated<Date>;
}

export interface RunsTable {
  id: Generated<number>;
  command: string;
  args: ColumnType<unknown, string, string>;
  status: string;
  started_at: Generated<Date>;
  finished_at: Date | null;
  requests: Generated<number>;
  weight: Generated<number>;
  retries: Generated<number>;
  rate_limited: Generated<number>;
  candles_written: ColumnType<string | number | bigint, number | undefined, number>;
  error: string | null;
  series_results: ColumnType<unknown, string, string>;
  pid: number | null;
  host: string | null;
  /** sql/000008: the run's requests by outcome (events/run-counters.ts REQUEST_OUTCOMES). */
  request_outcomes: ColumnType<unknown, string | undefined, string>;
}

/** The user-facing view; the tool itself reads it only in tests and examples. */
export interface CandlesView {
  symbol: string;
  interval: string;
  open_time: Date;
  close_time: Date;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string;
  trades: Int8;
  taker_buy_base_volume: string;
  taker_buy_quote_volume: string;
}

/**
 * Compact stored rows (sql/000004, sql/000005): the close time is computed, high, low and close are stored as their
 * difference from open, and trades is NULL when irregular_candles holds it. Users read the `candles` view.
 */
export interface CandleDataTable {
  series_id: number;
  open_time: Date;
  trades: number | null;
  open: string;
  high_minus_open: string;
  low_minus_open: string;
  close_minus_open: string;
  volume: string;
  quote_volume: string;
  taker_buy_base_volume: string;
  taker_buy_quote_volume: string;
}

/** The values of a candle that candle_data's compact row does not give back exactly; NULL where it does. */
export interface IrregularCandlesTable {
  series_id: number;
  open_time: Date;
  close_time: Date | null;
  trades: Int8 | null;
  high: string | null;
  low: string | null;
  close: string | null;
}

export interface QualityFindingsTable {
  series_id: number;
  open_time: Date;
  rule: string;
  detail: string;
  found_at: Generated<Date>;
}

/** A stretch of candles stored from one archive file (sql/000010); the others came from REST. */
export interface ArchiveProvenanceTable {
  series_id: number;
  from_time: Date;
  to_time: Date;
  file_name: string;
  sha256: string;
  file_rows: number;
  stored_at: Generated<Date>;
}

/** A range of a series' open times a run is fetching (sql/000012): see db/claim-store.ts. */
export interface SeriesClaimsTable {
  series_id: number;
  from_time: Date;
  to_time: Date;
  run_id: number;
  lease_until: Date;
  claimed_at: Generated<Date>;
}

export interface Database {
  archive_provenance: ArchiveProvenanceTable;
  series_claims: SeriesClaimsTable;
  series: SeriesTable;
  candle_data: CandleDataTable;
  irregular_candles: IrregularCandlesTable;
  exchange_empty: ExchangeEmptyTable;
  runs: RunsTable;
  quality_findings: QualityFindingsTable;
  universes: UniversesTable;
  universe_rankings: UniverseRankingsTable;
  universe_members: UniverseMembersTable;
  candles: CandlesView;
}

/** The query handle commands pass through to the repositories in db/, without depending on Kysely themselves. */
export type Db = Kysely<Database>;
