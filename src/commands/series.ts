import { retryTransient } from '../db/retry-transient.js';
import type { Db } from '../db/schema.js';
import type { SeriesFilter } from '../db/series-repository.js';
import { listTracking, stateOf, type SeriesState, type SeriesTracking } from '../db/tracking-repository.js';
import { latestRankings, listUniverses, type StoredRanking } from '../db/universe-repository.js';

/** Why a series is tracked and whether it is polled: the fields `series` and `status` share. */
export interface TrackingInfo {
  readonly state: SeriesState;
  readonly tracked_by: 'name' | 'universe';
  readonly universe_id: number | null;
  /** Its rank and 24 h quote volume in its universe's newest ranking; null when not in it (a leaver, or by name). */
  readonly universe_rank: number | null;
  readonly universe_quote_volume: string | null;
}

export interface SeriesInfo extends TrackingInfo {
  readonly symbol: string;
  readonly interval: string;
  /** The series' first open time (its --since, aligned to the interval), ISO 8601. */
  readonly since: string;
  readonly untracked_at: string | null;
  /** `untrack` (the command) or `left-universe` (forward --top --drop-leavers). */
  readonly untrack_reason: string | null;
  readonly delisted_at: string | null;
  /** The exchange's status when it was found delisted (BREAK, HALT…, or ABSENT: not listed at all). */
  readonly delisted_status: string | null;
}

export interface UniverseInfo {
  readonly id: number;
  readonly top: number;
  readonly quote_assets: readonly string[];
  readonly exclude: readonly string[];
  readonly intervals: readonly string[];
  /** Where its entrants are backfilled from, ISO 8601. */
  readonly since: string;
  /** Its newest ranking: when (the exchange's clock), by which run, out of how many eligible symbols, and who. */
  readonly ranked_at: string | null;
  readonly run_id: number | null;
  readonly eligible: number | null;
  readonly members: ReadonlyArray<{ readonly rank: number; readonly symbol: string; readonly quote_volume: string }>;
}

export interface SeriesListResult {
  readonly series: SeriesInfo[];
  readonly universes: UniverseInfo[];
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export function trackingInfo(t: SeriesTracking, rankings: ReadonlyMap<number, StoredRanking>): TrackingInfo {
  const member = t.universeId === null ? undefined : rankings.get(t.universeId)?.members.find((m) => m.symbol === t.series.symbol);
  return {
    state: stateOf(t),
    tracked_by: t.universeId === null ? 'name' : 'universe',
    universe_id: t.universeId,
    universe_rank: member?.rank ?? null,
    universe_quote_volume: member?.quoteVolume ?? null,
  };
}

/** Reads the tracked series and the universes; never calls the exchange, writes nothing. */
export async function runSeries(db: Db, filter: SeriesFilter): Promise<SeriesListResult> {
  const read = <T>(fn: () => Promise<T>): Promise<T> => retryTransient('reading the series', fn);
  const [tracked, universes, rankings] = [await read(() => listTracking(db, filter)), await read(() => listUniverses(db)), await read(() => latestRankings(db))];
  return {
    series: tracked.map((t) => ({
      symbol: t.series.symbol,
      interval: t.series.interval,
      since: new Date(t.series.startTime).toISOString(),
      ...trackingInfo(t, rankings),
      untracked_at: iso(t.untrackedAt),
      untrack_reason: t.untrackReason,
      delisted_at: iso(t.delistedAt),
      delisted_status: t.delistedStatus,
    })),
    universes: universes.map((u) => {
      const r = rankings.get(u.id);
      return {
        id: u.id,
        top: u.top,
        quote_assets: u.quoteAssets,
        exclude: u.exclude,
        intervals: u.intervals,
        since: new Date(u.startTime).toISOString(),
        ranked_at: r ? new Date(r.rankedAt).toISOString() : null,
        run_id: r?.runId ?? null,
        eligible: r?.eligible ?? null,
        members: (r?.members ?? []).map((m) => ({ rank: m.rank, symbol: m.symbol, quote_volume: m.quoteVolume })),
      };
    }),
  };
}
