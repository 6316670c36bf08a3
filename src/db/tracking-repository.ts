import { sql, type Kysely } from 'kysely';
import type { Series } from '../domain.js';
import type { Database } from './schema.js';
import type { SeriesFilter } from './series-repository.js';

/** Why a series is collected, whether it still is, and whether the exchange still trades it. */
export interface SeriesTracking {
  readonly series: Series;
  /** The universe tracking it; null: tracked by name. */
  readonly universeId: number | null;
  readonly untrackedAt: number | null;
  readonly untrackReason: 'untrack' | 'left-universe' | null;
  /** When a run first found the exchange no longer trading it (having collected what it had); null while trading. */
  readonly delistedAt: number | null;
  /** Its exchangeInfo status then (BREAK, HALT…), or ABSENT when the exchange did not list it at all. */
  readonly delistedStatus: string | null;
}

export type SeriesState = 'active' | 'untracked' | 'delisted';

/** Untracked wins over delisted: nothing polls an untracked series, whatever the exchange does with it. */
export function stateOf(t: SeriesTracking): SeriesState {
  return t.untrackedAt !== null ? 'untracked' : t.delistedAt !== null ? 'delisted' : 'active';
}

export async function listTracking(db: Kysely<Database>, filter: SeriesFilter = {}): Promise<SeriesTracking[]> {
  let q = db
    .selectFrom('series')
    .select(['id', 'symbol', 'interval', 'start_time', 'collected_until', 'universe_id', 'untracked_at', 'untrack_reason', 'delisted_at', 'delisted_status']);
  if (filter.symbols?.length) q = q.where('symbol', 'in', [...filter.symbols]);
  if (filter.intervals?.length) q = q.where('interval', 'in', [...filter.intervals]);
  const rows = await q.orderBy('symbol').orderBy('interval').execute();
  return rows.map((r) => {
    const startTime = r.start_time.getTime();
    return {
      series: { id: r.id, symbol: r.symbol, interval: r.interval, startTime, collectedUntil: Math.max(startTime, r.collected_until?.getTime() ?? startTime) },
      universeId: r.universe_id,
      untrackedAt: r.untracked_at?.getTime() ?? null,
      untrackReason: r.untrack_reason === 'untrack' || r.untrack_reason === 'left-universe' ? r.untrack_reason : null,
      delistedAt: r.delisted_at?.getTime() ?? null,
      delistedStatus: r.delisted_status,
    };
  });
}

/**
 * Stops polling the series (their data stays), keeping when they were first untracked. The user's `untrack` is the
 * last word (a series they untracked does not come back with its universe); leaving a universe never overrides it.
 * Idempotent.
 */
export async function untrackSeries(db: Kysely<Database>, ids: readonly number[], reason: 'untrack' | 'left-universe'): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('series')
    .set({ untracked_at: sql<Date>`coalesce(untracked_at, now())`, untrack_reason: reason === 'untrack' ? reason : sql<string>`coalesce(untrack_reason, ${reason})` })
    .where('id', 'in', [...ids])
    .execute();
}

/** The exchange no longer trades these symbols: marked with the status it gives, first time kept. Idempotent. */
export async function markDelisted(db: Kysely<Database>, ids: readonly number[], status: string, at: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('series')
    .set({ delisted_at: sql<Date>`coalesce(delisted_at, ${new Date(at)})`, delisted_status: status })
    .where('id', 'in', [...ids])
    .execute();
}

/** Trading again: polled again from its watermark. Idempotent. */
export async function clearDelisted(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('series').set({ delisted_at: null, delisted_status: null }).where('id', 'in', [...ids]).where('delisted_at', 'is not', null).execute();
}

export interface PurgeCounts {
  readonly candles: number;
  readonly exchange_empty: number;
  readonly quality_findings: number;
}

/**
 * Deletes what the series hold — candles (and their irregular values), exchange-empty ranges, quality findings,
 * archive provenance, claims of dead runs — in one transaction, one statement per table and series, keyed by series
 * id: set-based, never through the `candles` view's per-row trigger, and each statement on one series' shard when the
 * tables are distributed (sql/000011). The series rows stay (untracked, nothing collected: a later backfill starts
 * them afresh).
 */
export async function purgeSeriesData(db: Kysely<Database>, ids: readonly number[]): Promise<PurgeCounts> {
  if (ids.length === 0) return { candles: 0, exchange_empty: 0, quality_findings: 0 };
  const list = [...ids];
  return db.transaction().execute(async (trx) => {
    const counts = { candles: 0, exchange_empty: 0, quality_findings: 0 };
    for (const id of list) {
      const findings = await trx.deleteFrom('quality_findings').where('series_id', '=', id).executeTakeFirst();
      const empties = await trx.deleteFrom('exchange_empty').where('series_id', '=', id).executeTakeFirst();
      await trx.deleteFrom('archive_provenance').where('series_id', '=', id).execute();
      // Claims left by runs that died (a live one cannot exist: purging takes the series alone).
      await trx.deleteFrom('series_claims').where('series_id', '=', id).execute();
      // Both candle tables, each by series id: irregular_candles has no cascade from candle_data (sql/000008).
      await trx.deleteFrom('irregular_candles').where('series_id', '=', id).execute();
      const candles = await trx.deleteFrom('candle_data').where('series_id', '=', id).executeTakeFirst();
      counts.candles += Number(candles.numDeletedRows);
      counts.exchange_empty += Number(empties.numDeletedRows);
      counts.quality_findings += Number(findings.numDeletedRows);
    }
    await trx.updateTable('series').set({ collected_until: null }).where('id', 'in', list).execute();
    return counts;
  });
}
