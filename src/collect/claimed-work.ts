import type { ClaimAttempt, ClaimStore } from '../db/claim-store.js';
import { CLAIM_LEASE_MS } from '../db/claim-store.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import type { Range } from '../domain.js';
import type { EmitRunEvent } from '../events/run-events.js';
import { addSlots, countSlots } from '../planner/intervals.js';
import { normalizeRanges, subtractRanges } from '../planner/ranges.js';
import type { CandleSource, ClaimShape } from './candle-source.js';
import { ChainedPlan } from './chained-plan.js';
import type { CollectJob, SeriesJob, Task } from './series-job.js';
import { SharedSeries, type HeldClaim } from './shared-series.js';

/** A series of at most this many pages is claimed whole: one run fetches it, as a short job. */
export const SHORT_SERIES_PAGES = 16;
/** A claim is this share of the free ground at least (guided self-scheduling: large first, small at the end). */
const CLAIM_SHARE = 16;
/** ...and this many pages at least, so the last claims of a deep series are not a page each. */
const MIN_CLAIM_PAGES = 4;
/** Claims looked for at once (a look is one short transaction). */
const LOOKS_AT_ONCE = 2;

export interface ShareOptions {
  readonly store: ClaimStore;
  /** Where a claim taken over from a run that died is told (a `claim-taken-over` event). */
  readonly emit?: EmitRunEvent;
  /** How often the claims of the series this run waits on are read again (default 100 ms). */
  readonly pollMs?: number;
  /** How often the run's claims are renewed (default: a third of their lease). */
  readonly renewMs?: number;
  /**
   * Sets a series' watermark as soon as it is done (the pass whose answers prove it): before its last claims are
   * given up, so a run that finds a series another claimed whole and gave up knows its watermark is set.
   */
  readonly prove?: (job: CollectJob, to: number) => Promise<void>;
  /**
   * Where in its list of series this run starts looking, as a fraction of the list (default 0): runs that start
   * together at different points claim different series at once instead of racing for the same ones.
   */
  readonly startAt?: number;
}

/**
 * The start of run `runId` as a fraction of its list of series: the golden ratio's multiples, whose fractional parts
 * spread evenly however many consecutive runs there are (1 → 0.62, 2 → 0.24, 3 → 0.85, 4 → 0.47…).
 */
export function spreadStart(runId: number): number {
  const x = runId * 0.6180339887498949;
  return x - Math.floor(x);
}

/**
 * Feeds the series a run shares with other runs to the engine (collect-series.ts) one claimed range at a time. The
 * engine asks for work when its ready pages run low; a look claims a piece of what a series still misses that no
 * other live run claims (db/claim-store.ts), reads what is missing in it under the claim (another run may have
 * stored it since this run planned), and adds its pages to the series' plan. A claim is given up once nothing of
 * it is in play any more.
 *
 * A series whose remaining ground other runs hold is waited on: their claims are read again every poll, and it is
 * looked at again once one of them died (it is then taken over) or gave ground back. A deep series this run took
 * part in is seen through: the ground others finished is then found collected, so its watermark is set from ground
 * this run fetched or found collected — exact whoever fetched what — and the last run to finish sets it to the
 * end. A series claimed whole that another run finished is left to it (the watermark too): this run reads nothing
 * of it.
 */
export class ClaimedWork {
  private readonly shared = new Map<SeriesJob, SharedSeries>();
  private readonly order: SharedSeries[] = [];
  private looking = 0;
  private readonly looks = new Set<Promise<void>>();
  private ending = false;
  private readonly pendingWrites = new Set<Promise<void>>();
  private poller: NodeJS.Timeout | null = null;
  private readonly renewer: NodeJS.Timeout;
  private readonly pollMs: number;
  /** Cut short on a run-ending error: the looks and writes on their way stop waiting for a database that is gone. */
  private readonly abandon = new AbortController();
  private readonly writes: AbortSignal;

  constructor(
    /** Only a source that says how its pages are claimed is shared (an archive file is not split between runs). */
    private readonly source: Pick<CandleSource, 'planPages' | 'countPages'> & { readonly claims: ClaimShape },
    private readonly opts: ShareOptions,
    private readonly signal: AbortSignal,
    /** Called when a look brought work, or a wait is over: the engine hands out what there is. */
    private readonly wake: () => void,
    /** A look or a claim's write failed for good (the database): the run stops. */
    private readonly failed: (err: unknown) => void,
  ) {
    this.pollMs = opts.pollMs ?? 100;
    this.writes = AbortSignal.any([signal, this.abandon.signal]);
    this.renewer = setInterval(() => void this.renew(), opts.renewMs ?? CLAIM_LEASE_MS / 3);
    this.renewer.unref();
  }

  /** The plan a shared series' SeriesJob hands out pages from: empty until ranges are claimed. */
  planFor(interval: string): ChainedPlan {
    return new ChainedPlan((ranges) => this.source.planPages(interval, ranges));
  }

  /** Registers a series' job (made with `planFor()`'s plan, open). */
  add(job: SeriesJob, plan: ChainedPlan): void {
    const missing = job.job.missing;
    const whole = this.source.countPages(job.series.interval, missing) <= SHORT_SERIES_PAGES;
    const s = new SharedSeries(job, plan, whole);
    // What follows a missing range but the last is stored already, by this run or another: not asked again.
    for (const r of missing.slice(0, -1)) job.fence(r.to);
    this.shared.set(job, s);
    this.order.push(s);
  }

  /**
   * Starts a look for work if one may bring some; true while looks are on their way (the engine then holds off
   * sending pages ahead of their series' first answer: the claim may bring pages of their own).
   */
  want(): boolean {
    if (this.signal.aborted || this.ending) return false;
    const n = this.order.length;
    const start = Math.floor((this.opts.startAt ?? 0) * n);
    while (this.looking < LOOKS_AT_ONCE) {
      let next: SharedSeries | undefined;
      for (let k = 0; k < n && next === undefined; k++) {
        const s = this.order[(start + k) % n] as SharedSeries;
        if (s.state === 'idle' && s.job.error === null) next = s;
      }
      if (!next) break;
      const look = this.look(next).finally(() => this.looks.delete(look));
      this.looks.add(look);
    }
    return this.looking > 0;
  }

  /** Looks or waits on their way: the pass is not over (unless it is stopping: finish() waits for the looks). */
  pending(): boolean {
    return this.looking > 0 || this.order.some((s) => s.state === 'waiting' && s.job.error === null);
  }

  /**
   * Pages claimed and not handed out yet, over every shared series: when they run low, the engine asks for more —
   * not merely because slots idle (the write buffer full, the budget, a head page's answer awaited), or a run would
   * claim far more than it fetches, and the others would wait for it at the end.
   */
  pagesLeft(): number {
    let n = 0;
    for (const s of this.order) n += s.job.pagesLeft();
    return n;
  }

  /** Whether the run may set the series' watermark: not when another run finished part of a series claimed whole. */
  proves(job: SeriesJob): boolean {
    return (this.shared.get(job)?.left.length ?? 0) === 0;
  }

  /** An answer is in: the first answer of a head claim says where the series begins; the rest goes back to all. */
  answered(job: SeriesJob, task: Task): void {
    const s = this.shared.get(job);
    if (!s || !task.head) return;
    const held = s.claims.find((c) => c.head);
    if (!held) return;
    held.head = false;
    if (s.state === 'held') s.state = 'idle';
    const at = held.plan.current()?.from;
    if (at === undefined || s.whole) return;
    const to = Math.min(held.claim.to, this.pieceEnd(job.series.interval, at, [{ from: at, to: held.claim.to }]));
    if (to >= held.claim.to) return;
    held.plan.endAt?.(to);
    job.fence(to);
    s.gaveUp({ from: to, to: held.claim.to });
    const before = held.claim;
    held.claim = { ...before, to };
    this.write(async () => {
      if (!(await this.opts.store.narrow(before, to))) this.lost(s, held);
    });
  }

  /**
   * A task is past its write: the claims nothing is in play of any more are given up — those of a series claimed
   * whole only once it is done (finished()).
   */
  released(job: SeriesJob): void {
    const s = this.shared.get(job);
    if (!s) return;
    for (const held of s.whole ? [] : [...s.claims]) {
      if (held.plan.current() !== null || job.inPlay(held.claim)) continue;
      s.claims.splice(s.claims.indexOf(held), 1);
      this.write(() => this.opts.store.release(held.claim));
    }
    if (job.error !== null && s.state !== 'exhausted') s.exhaust();
  }

  /** The series is done for this run: its watermark is set (to `provenTo`, when it may move), then its claims go. */
  finished(job: SeriesJob, provenTo: number | null): void {
    const s = this.shared.get(job);
    if (!s) return;
    const held = s.claims.splice(0);
    const prove = this.opts.prove;
    if (provenTo === null || !prove) {
      for (const h of held) this.write(() => this.opts.store.release(h.claim));
      return;
    }
    this.write(async () => {
      await prove(job.job, provenTo);
      for (const h of held) await this.opts.store.release(h.claim);
    });
  }

  /**
   * Gives up every claim left and waits for the writes: the end of the pass. After a run-ending error (the database
   * gone) nothing more is written or waited for: the claims end with the run's session.
   */
  async finish(failed = false): Promise<void> {
    this.ending = true;
    clearInterval(this.renewer);
    if (this.poller) clearTimeout(this.poller);
    if (failed) this.abandon.abort();
    while (this.looks.size > 0) await Promise.allSettled([...this.looks]);
    for (const s of this.order) {
      const held = s.claims.splice(0);
      if (!failed) for (const h of held) this.write(() => this.opts.store.release(h.claim));
    }
    while (this.pendingWrites.size > 0) await Promise.allSettled([...this.pendingWrites]);
  }

  private async look(s: SharedSeries): Promise<void> {
    s.state = 'looking';
    this.looking++;
    const interval = s.job.series.interval;
    const wanted = s.wanted();
    let attempt: ClaimAttempt | null = null;
    try {
      if (wanted.length > 0) {
        attempt = await retryTransient('claiming pages', () => this.opts.store.claim(s.job.series, wanted, (free) => this.cut(s, free)), { ...DEFAULT_DB_RETRY, signal: this.writes });
      }
    } catch (err) {
      this.looking--;
      s.state = 'idle';
      if (!this.writes.aborted) this.failed(err);
      return;
    }
    this.looking--;
    if (attempt === null) {
      this.settle(s);
      this.wake();
      return;
    }
    for (const d of attempt.tookOver) this.opts.emit?.({ type: 'claim-taken-over', symbol: s.job.series.symbol, interval, from: d.from, to: d.to, heldBy: d.runId });
    s.found(attempt.covered);
    s.foreign = attempt.foreign;
    const got = attempt.claim;
    if (got) {
      const plan = this.source.planPages(interval, got.missing);
      const first = s.job.job.missing[0];
      const head = s.job.job.head === true && got.range.from === first?.from && got.missing[0]?.from === got.range.from;
      s.claims.push({ claim: { seriesId: s.job.series.id, ...got.range }, plan, head });
      s.claimed(got.range);
      s.plan.add(plan);
      if (head) s.job.startsHead();
      // The ground after the claim is missing too: another run may claim it, so no request of this one reaches it.
      if (s.job.job.missing.some((r) => r.from <= got.range.to && got.range.to < r.to)) s.job.fence(got.range.to);
      s.state = 'idle';
    } else if (s.wanted().length === 0) {
      this.settle(s);
    } else if (subtractRanges(s.wanted(), attempt.foreign).length === 0) {
      // What is left is other runs' now: read their claims again, for what they give back or die holding.
      s.state = 'waiting';
      this.poll();
    } else {
      s.state = 'idle';
    }
    this.wake();
  }

  /** Nothing is left to claim: done, unless its head claim is yet to give ground back. */
  private settle(s: SharedSeries): void {
    if (s.claims.some((c) => c.head)) s.state = 'held';
    else s.exhaust();
  }

  /**
   * Reads the claims of the series waited on, every `pollMs` while there are any: one whose claims hold a dead one
   * is looked at (and taken over); one with ground given back is looked at — unless it is a series claimed whole
   * this run took no part of, whose finished ground is left to the run that claimed it.
   */
  private poll(): void {
    if (this.poller || this.ending) return;
    this.poller = setTimeout(() => {
      void (async () => {
        const waiting = this.order.filter((s) => s.state === 'waiting' && s.job.error === null);
        try {
          const claims = waiting.length === 0 ? new Map() : await retryTransient('reading claims', () => this.opts.store.peek(waiting.map((s) => s.job.series.id)), { ...DEFAULT_DB_RETRY, signal: this.writes });
          for (const s of waiting) {
            if (s.state !== 'waiting') continue;
            const seen = claims.get(s.job.series.id) ?? { live: [], dead: false };
            if (seen.dead) {
              s.state = 'idle';
              continue;
            }
            const wanted = s.wanted();
            const back = subtractRanges(wanted, seen.live);
            if (back.length === 0) continue;
            const done = s.whole && !s.took ? subtractRanges(back, subtractRanges(back, s.foreign)) : [];
            s.left.push(...done);
            s.foreign = subtractRanges(wanted, subtractRanges(wanted, seen.live));
            if (s.wanted().length === 0) this.settle(s);
            else if (subtractRanges(s.wanted(), seen.live).length > 0) s.state = 'idle';
          }
        } catch (err) {
          if (!this.writes.aborted) this.failed(err);
        } finally {
          this.poller = null;
          if (this.order.some((s) => s.state === 'waiting' && s.job.error === null)) this.poll();
          this.wake();
        }
      })();
    }, this.pollMs);
  }

  /**
   * The piece of the free ground to claim: a range of a series claimed whole, or a head range, whole (a head claim
   * is given up down to a share after its first answer, which shows where the series really begins); else a share
   * of what is free — CLAIM_SHARE-th of it, within MIN_CLAIM_PAGES and the source's most, in whole pages from where
   * it starts.
   */
  private cut(s: SharedSeries, free: readonly Range[]): Range {
    const first = free[0] as Range;
    if (s.whole || (s.job.job.head === true && first.from === s.job.job.missing[0]?.from)) return first;
    return { from: first.from, to: Math.min(first.to, this.pieceEnd(s.job.series.interval, first.from, free)) };
  }

  /** Where a share of the free ground, claimed from `from`, ends: in whole pages, on the page grid from `from`. */
  private pieceEnd(interval: string, from: number, free: readonly Range[]): number {
    const shape = this.source.claims;
    const freePages = normalizeRanges(free).reduce((n, r) => n + Math.ceil(countSlots(interval, r.from, r.to) / shape.pageSlots), 0);
    const pages = Math.min(shape.maxPages, Math.max(MIN_CLAIM_PAGES, Math.ceil(freePages / CLAIM_SHARE)));
    return addSlots(interval, from, pages * shape.pageSlots);
  }

  /** A claim another run took over (this run's lease ran out): nothing more of it is handed out. */
  private lost(s: SharedSeries, held: HeldClaim): void {
    held.plan.endAt?.(held.claim.from);
    const i = s.claims.indexOf(held);
    if (i >= 0) s.claims.splice(i, 1);
    this.wake();
  }

  private async renew(): Promise<void> {
    try {
      const lost = await this.opts.store.renew();
      for (const c of lost) {
        for (const s of this.order) {
          const held = s.claims.find((h) => h.claim.seriesId === c.seriesId && h.claim.from === c.from);
          if (held) this.lost(s, held);
        }
      }
    } catch {
      // A renewal that fails is tried again at the next; the lease outlasts two.
    }
  }

  private write(fn: () => Promise<void>): void {
    const p = retryTransient('claiming pages', fn, { ...DEFAULT_DB_RETRY, signal: this.writes })
      .catch((err: unknown) => {
        if (!this.writes.aborted) this.failed(err);
      })
      .finally(() => this.pendingWrites.delete(p));
    this.pendingWrites.add(p);
  }
}
