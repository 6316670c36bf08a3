import { sql, type Kysely } from 'kysely';
import type { Range, Series } from '../domain.js';
import { missingWithin } from '../planner/detect-gaps.js';
import { clipRanges, subtractRanges } from '../planner/ranges.js';
import { loadCoverage, storedWhole } from './coverage-repository.js';
import type { Database } from './schema.js';
import { RUN_LOCK_NAMESPACE } from './series-locks.js';

/** Transaction-level advisory-lock namespace of a series' claims ("cd"); the second key is the series id. */
const CLAIM_LOCK_NAMESPACE = 0x6364;
/** How long a claim lives without being renewed; its run renews it every third of that. */
export const CLAIM_LEASE_MS = 60_000;
/** Free ranges looked at under one claim lock before giving the lock up (each costs a coverage read). */
const RANGES_PER_LOOK = 8;

export interface Claim {
  readonly seriesId: number;
  readonly from: number;
  readonly to: number;
}

/** A claim of another run, deleted to be taken over. */
export interface DeadClaim extends Claim {
  readonly runId: number;
}

/** What a look for work on a series found. */
export interface ClaimAttempt {
  /** The range now claimed by this run, and what is missing in it (read under the claim); null: nothing claimed. */
  readonly claim: { readonly range: Range; readonly missing: readonly Range[] } | null;
  /** Ground of `wanted` found stored or exchange-empty already (another run's work): nothing to fetch there. */
  readonly covered: readonly Range[];
  /** Ground of `wanted` under other runs' live claims: theirs to fetch. */
  readonly foreign: readonly Range[];
  /** Claims of runs that died (or whose lease ran out), deleted to be claimed again. */
  readonly tookOver: readonly DeadClaim[];
}

/**
 * How a run shares series with other runs by ranges of open times (sql/000012). Every write is one statement on one
 * series (Citus), and every time is the database's (`now()`, read on the coordinator, passed in as a value).
 */
export interface ClaimStore {
  /**
   * Claims a piece of `wanted` (ground this run means to fetch: never its own live claims) that no live claim of
   * another run overlaps and that is not collected yet: `cut` chooses it from where the free ground still misses
   * candles (the missing ground first, then the rest of the free ground, not read yet). Claims of dead runs are
   * deleted first, so their ground is free.
   */
  claim(series: Series, wanted: readonly Range[], cut: (free: readonly Range[]) => Range): Promise<ClaimAttempt>;
  /** Gives up the end of a claim from `to` on (false: the claim was lost, another run took it over). */
  narrow(claim: Claim, to: number): Promise<boolean>;
  /** The claim's range is done with (stored, or left for a later run). */
  release(claim: Claim): Promise<void>;
  /** Extends the lease of each live claim; returns those lost (taken over by another run). */
  renew(): Promise<Claim[]>;
  /** This run's live claims. */
  held(): readonly Claim[];
  /**
   * Other runs' claims on these series, read without a lock (what a run waiting on them polls): each series' live
   * ones, and whether any is dead (to be taken over by a claim).
   */
  peek(seriesIds: readonly number[]): Promise<Map<number, { readonly live: readonly Range[]; readonly dead: boolean }>>;
}

const ms = (v: unknown): number => Number(v);

/**
 * The claims of `runId` on PostgreSQL. Its liveness is the run's session lock (db/series-locks.ts: held by the run's
 * lock connection for as long as the process and its connection live) and the claim's lease: a claim whose run's
 * lock is free, or whose lease ran out (a host gone without closing its connection), is dead.
 */
export function postgresClaimStore(db: Kysely<Database>, runId: number, leaseMs = CLAIM_LEASE_MS): ClaimStore {
  const live = new Map<string, Claim>();
  const key = (seriesId: number, from: number): string => `${seriesId} ${from}`;

  const attempt = (series: Series, wanted: readonly Range[], cut: (free: readonly Range[]) => Range): Promise<ClaimAttempt> =>
    db.transaction().execute(async (trx) => {
      const locked = await sql<{ now: unknown }>`
        select pg_advisory_xact_lock(${CLAIM_LOCK_NAMESPACE}::int4, ${series.id}::int4), (extract(epoch from now()) * 1000)::int8 as now`.execute(trx);
      const now = ms(locked.rows[0]?.now);
      const rows = (
        await sql<{ from_ms: unknown; to_ms: unknown; run_id: number; lease_ms: unknown }>`
          select (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms, run_id,
                 (extract(epoch from lease_until) * 1000)::int8 as lease_ms
            from series_claims where series_id = ${series.id}::int4`.execute(trx)
      ).rows.map((r) => ({ from: ms(r.from_ms), to: ms(r.to_ms), runId: r.run_id, leaseUntil: ms(r.lease_ms) }));
      // A run whose session lock is free has no session left: its process died or its connection was lost.
      const others = [...new Set(rows.filter((r) => r.runId !== runId && r.leaseUntil > now).map((r) => r.runId))];
      const gone = new Set<number>();
      if (others.length > 0) {
        const res = await sql<{ id: number; gone: boolean }>`
          select id, pg_try_advisory_xact_lock_shared(${RUN_LOCK_NAMESPACE}::int4, id) as gone from unnest(${others}::int4[]) as id`.execute(trx);
        for (const r of res.rows) if (r.gone) gone.add(r.id);
      }
      // Dead: expired, of a run without a session, or this run's own that it does not know (a claim whose commit
      // went unacknowledged before a retry).
      const dead = rows.filter((r) => (r.runId === runId ? !live.has(key(series.id, r.from)) : r.leaseUntil <= now || gone.has(r.runId)));
      if (dead.length > 0) {
        await sql`delete from series_claims where series_id = ${series.id}::int4 and from_time = any(${dead.map((d) => new Date(d.from))}::timestamptz[])`.execute(trx);
      }
      const foreign = rows.filter((r) => r.runId !== runId && !dead.includes(r));
      const free = subtractRanges(wanted, foreign);
      const covered: Range[] = [];
      let found: { range: Range; missing: Range[] } | null = null;
      // Each free range is read whole: what another run stored there since this one planned is skipped at once.
      for (let i = 0; i < RANGES_PER_LOOK && i < free.length && found === null; i++) {
        const r = free[i] as Range;
        if (await storedWhole(trx, series, r)) {
          covered.push(r);
          continue;
        }
        const missing = missingWithin(await loadCoverage(trx, series, r.from, r.to), r);
        covered.push(...subtractRanges([r], missing));
        if (missing.length === 0) continue;
        const mine = clipRanges(missing, cut([...missing, ...free.slice(i + 1)]));
        const first = mine[0];
        const last = mine[mine.length - 1];
        if (first === undefined || last === undefined) continue;
        const range = { from: first.from, to: last.to };
        await sql`insert into series_claims (series_id, from_time, to_time, run_id, lease_until)
                  values (${series.id}::int4, ${new Date(range.from)}, ${new Date(range.to)}, ${runId}::int4, ${new Date(now + leaseMs)})`.execute(trx);
        found = { range, missing: mine };
      }
      return {
        claim: found,
        covered,
        foreign: subtractRanges(wanted, free),
        tookOver: dead.filter((d) => d.runId !== runId).map((d) => ({ seriesId: series.id, from: d.from, to: d.to, runId: d.runId })),
      };
    });

  const dbNow = async (): Promise<number> => ms((await sql<{ now: unknown }>`select (extract(epoch from now()) * 1000)::int8 as now`.execute(db)).rows[0]?.now);

  return {
    claim: async (series, wanted, cut) => {
      // Whether a claim whose commit went unacknowledged was taken is not known: the next look deletes it.
      const found = await attempt(series, wanted, cut);
      if (found.claim) live.set(key(series.id, found.claim.range.from), { seriesId: series.id, ...found.claim.range });
      return found;
    },
    narrow: async (c, to) => {
      const res = await sql<{ from_ms: unknown }>`
        update series_claims set to_time = ${new Date(to)}
         where series_id = ${c.seriesId}::int4 and from_time = ${new Date(c.from)} and run_id = ${runId}::int4
        returning from_time`.execute(db);
      const k = key(c.seriesId, c.from);
      if (res.rows.length === 0) {
        live.delete(k);
        return false;
      }
      live.set(k, { ...c, to });
      return true;
    },
    release: async (c) => {
      live.delete(key(c.seriesId, c.from));
      await sql`delete from series_claims where series_id = ${c.seriesId}::int4 and from_time = ${new Date(c.from)} and run_id = ${runId}::int4`.execute(db);
    },
    renew: async () => {
      const claims = [...live.values()];
      if (claims.length === 0) return [];
      const until = new Date((await dbNow()) + leaseMs);
      const lost: Claim[] = [];
      for (const c of claims) {
        const res = await sql<{ from_ms: unknown }>`
          update series_claims set lease_until = ${until}
           where series_id = ${c.seriesId}::int4 and from_time = ${new Date(c.from)} and run_id = ${runId}::int4
          returning from_time`.execute(db);
        if (res.rows.length === 0 && live.get(key(c.seriesId, c.from)) === c) {
          live.delete(key(c.seriesId, c.from));
          lost.push(c);
        }
      }
      return lost;
    },
    held: () => [...live.values()],
    peek: async (seriesIds) => {
      const out = new Map<number, { live: Range[]; dead: boolean }>(seriesIds.map((id) => [id, { live: [], dead: false }]));
      if (seriesIds.length === 0) return out;
      const now = await dbNow();
      const rows = (
        await sql<{ series_id: number; from_ms: unknown; to_ms: unknown; run_id: number; lease_ms: unknown }>`
          select series_id, (extract(epoch from from_time) * 1000)::int8 as from_ms, (extract(epoch from to_time) * 1000)::int8 as to_ms, run_id,
                 (extract(epoch from lease_until) * 1000)::int8 as lease_ms
            from series_claims where series_id = any(${[...seriesIds]}::int4[]) and run_id <> ${runId}::int4`.execute(db)
      ).rows;
      const runs = [...new Set(rows.map((r) => r.run_id))];
      const gone = new Set<number>();
      if (runs.length > 0) {
        // Outside a transaction, a transaction-level lock is let go at once: only whether it could be taken counts.
        const res = await sql<{ id: number; gone: boolean }>`
          select id, pg_try_advisory_xact_lock_shared(${RUN_LOCK_NAMESPACE}::int4, id) as gone from unnest(${runs}::int4[]) as id`.execute(db);
        for (const r of res.rows) if (r.gone) gone.add(r.id);
      }
      for (const r of rows) {
        const entry = out.get(r.series_id);
        if (!entry) continue;
        if (ms(r.lease_ms) <= now || gone.has(r.run_id)) entry.dead = true;
        else entry.live.push({ from: ms(r.from_ms), to: ms(r.to_ms) });
      }
      return out;
    },
  };
}
