import { sql, type Kysely } from 'kysely';
import type { Range, Series } from '../domain.js';
import { FOREVER } from '../planner/series-coverage.js';
import type { Database } from './schema.js';

/**
 * Forgets the exchange-empty ranges a series remembers within `span` (a range reaching past it keeps its parts
 * outside), and takes the watermark back to where the first forgotten part began, so the forgotten ground is a gap
 * again: `gaps --recheck`, when a remembered answer is in doubt. Returns the parts forgotten. Under the series' lock.
 */
export async function forgetEmpties(db: Kysely<Database>, series: Pick<Series, 'id'>, span: Range): Promise<Range[]> {
  const from = new Date(span.from);
  // A span to the end of time (`gaps --recheck` without `--until`) bounds nothing there, as loadEmpties' open end: as
  // a Date, FOREVER would go as year +275760, which PostgreSQL refuses (SQLSTATE 22009).
  const before = span.to >= FOREVER ? sql`` : sql` and from_time < ${new Date(span.to)}`;
  return db.transaction().execute(async (trx) => {
    const gone = await sql<{ from_ms: unknown; to_ms: unknown }>`
      delete from exchange_empty where series_id = ${series.id} and to_time > ${from}${before}
      returning (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms`.execute(trx);
    const rows = gone.rows.map((r) => ({ from: Number(r.from_ms), to: Number(r.to_ms) })).sort((a, b) => a.from - b.from);
    const keep = rows.flatMap((r) => [
      ...(r.from < span.from ? [{ from: r.from, to: span.from }] : []),
      ...(r.to > span.to ? [{ from: span.to, to: r.to }] : []),
    ]);
    for (const k of keep) {
      await trx.insertInto('exchange_empty').values({ series_id: series.id, from_time: new Date(k.from), to_time: new Date(k.to) }).execute();
    }
    const forgotten = rows.map((r) => ({ from: Math.max(r.from, span.from), to: Math.min(r.to, span.to) }));
    const first = forgotten[0];
    if (first) {
      await trx
        .updateTable('series')
        .set({ collected_until: new Date(first.from) })
        .where('id', '=', series.id)
        .where(sql<boolean>`coalesce(collected_until, start_time) > ${new Date(first.from)}`)
        .execute();
    }
    return forgotten;
  });
}
