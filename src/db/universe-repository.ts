import type { Kysely } from 'kysely';
import type { UniverseMember, UniverseRanking } from '../universe/rank-universe.js';
import { universeKey, type UniverseRule } from '../universe/universe-rule.js';
import type { Database } from './schema.js';

/** A stored universe: its rule, its intervals, and the start its entrants are backfilled from. */
export interface StoredUniverse extends UniverseRule {
  readonly id: number;
  readonly intervals: readonly string[];
  readonly startTime: number;
}

export interface StoredRanking {
  readonly id: number;
  readonly universeId: number;
  readonly runId: number;
  readonly rankedAt: number;
  readonly top: number;
  readonly eligible: number;
  readonly members: readonly UniverseMember[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

type UniverseRow = { id: number; quote_assets: unknown; exclude: unknown; top: number; intervals: unknown; start_time: Date };

function toUniverse(r: UniverseRow): StoredUniverse {
  return { id: r.id, quoteAssets: strings(r.quote_assets), exclude: strings(r.exclude), top: r.top, intervals: strings(r.intervals), startTime: r.start_time.getTime() };
}

const UNIVERSE_COLUMNS = ['id', 'quote_assets', 'exclude', 'top', 'intervals', 'start_time'] as const;

/**
 * The universe of `rule` (its quote assets and exclusions), made if new. An existing one takes the rule's N, gains
 * the intervals it lacked and keeps the earlier of the two starts: the same universe, asked for more.
 */
export async function saveUniverse(db: Kysely<Database>, rule: UniverseRule, intervals: readonly string[], startTime: number): Promise<StoredUniverse> {
  const key = universeKey(rule);
  const found = await db.selectFrom('universes').select(UNIVERSE_COLUMNS).where('rule', '=', key).executeTakeFirst();
  if (found) {
    const old = toUniverse(found);
    const merged = [...old.intervals, ...intervals.filter((i) => !old.intervals.includes(i))];
    const start = Math.min(old.startTime, startTime);
    await db
      .updateTable('universes')
      .set({ top: rule.top, intervals: JSON.stringify(merged), start_time: new Date(start) })
      .where('id', '=', old.id)
      .execute();
    return { ...old, top: rule.top, intervals: merged, startTime: start };
  }
  const row = await db
    .insertInto('universes')
    .values({
      rule: key,
      quote_assets: JSON.stringify(rule.quoteAssets),
      exclude: JSON.stringify(rule.exclude),
      top: rule.top,
      intervals: JSON.stringify(intervals),
      start_time: new Date(startTime),
    })
    // Two first backfills at once: the second takes the first's row.
    .onConflict((oc) => oc.column('rule').doUpdateSet({ top: rule.top }))
    .returning(UNIVERSE_COLUMNS)
    .executeTakeFirstOrThrow();
  return toUniverse(row);
}

/** Updates N only: `forward --top` ranks a universe again with its own quote assets, exclusions and start. */
export async function setUniverseTop(db: Kysely<Database>, id: number, top: number): Promise<void> {
  await db.updateTable('universes').set({ top }).where('id', '=', id).execute();
}

export async function listUniverses(db: Kysely<Database>): Promise<StoredUniverse[]> {
  return (await db.selectFrom('universes').select(UNIVERSE_COLUMNS).orderBy('id').execute()).map(toUniverse);
}

/** Records a ranking made by run `runId`, with its members. */
export async function saveRanking(db: Kysely<Database>, universeId: number, runId: number, rankedAt: number, top: number, ranking: UniverseRanking): Promise<StoredRanking> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('universe_rankings')
      .values({ universe_id: universeId, run_id: runId, ranked_at: new Date(rankedAt), top, eligible: ranking.eligible })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (ranking.members.length > 0) {
      await trx
        .insertInto('universe_members')
        .values(ranking.members.map((m) => ({ ranking_id: row.id, symbol: m.symbol, rank: m.rank, quote_volume: m.quoteVolume })))
        .execute();
    }
    return { id: row.id, universeId, runId, rankedAt, top, eligible: ranking.eligible, members: ranking.members };
  });
}

/** Each universe's newest ranking, by universe id. */
export async function latestRankings(db: Kysely<Database>): Promise<Map<number, StoredRanking>> {
  const rankings = await db
    .selectFrom('universe_rankings as r')
    .select(['r.id', 'r.universe_id', 'r.run_id', 'r.ranked_at', 'r.top', 'r.eligible'])
    .where(({ eb, selectFrom }) => eb('r.id', '=', selectFrom('universe_rankings as n').select(({ fn }) => fn.max('n.id').as('m')).whereRef('n.universe_id', '=', 'r.universe_id')))
    .execute();
  if (rankings.length === 0) return new Map();
  const members = await db
    .selectFrom('universe_members')
    .select(['ranking_id', 'symbol', 'rank', (eb) => eb.cast<string>('quote_volume', 'text').as('quote_volume')])
    .where('ranking_id', 'in', rankings.map((r) => r.id))
    .orderBy('ranking_id')
    .orderBy('rank')
    .execute();
  const out = new Map<number, StoredRanking>();
  for (const r of rankings) {
    out.set(r.universe_id, {
      id: r.id,
      universeId: r.universe_id,
      runId: r.run_id,
      rankedAt: r.ranked_at.getTime(),
      top: r.top,
      eligible: r.eligible,
      members: members.filter((m) => m.ranking_id === r.id).map((m) => ({ rank: m.rank, symbol: m.symbol, quoteVolume: m.quote_volume })),
    });
  }
  return out;
}
