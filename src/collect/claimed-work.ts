import type { Claim, ClaimAttempt, ClaimStore } from '../db/claim-store.js';
import { CLAIM_LEASE_MS } from '../db/claim-store.js';
import { DEFAULT_DB_RETRY, retryTransient } from '../db/retry-transient.js';
import type { Range } from '../domain.js';
import { addSlots, countSlots } from '../planner/intervals.js';
import { normalizeRanges, subtractRanges } from '../planner/ranges.js';
import type { CandleSource, PagePlan } from './candle-source.js';
import { ChainedPlan } from './chained-plan.js';
import type { SeriesJob, Task } from './series-job.js';
import type { EmitRunEvent } from '../events/run-events.js';

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
  /** The first wait before looking again at a series whose free ground other runs hold; doubled up to `maxPollMs`. */
  readonly pollMs?: number;
  readonly maxPollMs?: number;
  /** How often the run's claims are renewed (default: a third of their lease). */
  readonly renewMs?: number;
}

interface HeldClaim {
  claim: Claim;
  readonly plan: PagePlan;
  /** The claim that starts a head range, given up down to a share once its first answer is in. */
  head: boolean;
}

/**
 * - `idle`: may be looked at; `looking`: a look is on its way; `waiting`: what is left is other runs', looked at
 *   again after a wait; `held`: nothing is left to claim but its head claim, which gives ground back after its first
 *   answer; `exhausted`: nothing is left for this run.
 */
type State = 'idle' | 'looking' | 'waiting' | 'held' | 'exhausted';

/** One series' share of the run: what it planned, what it claimed, what others had done already. */
class SharedSeries {
  state: State = 'idle';
  nextLook = 0;
  wait: number;
  readonly claims: HeldClaim[] = [];
  /** Ground claimed by this run this pass (fetched, or left): never claimed again by it. */
  private readonly own: Range[] = [];
  /** Ground found collected under a claim: done by another run. */
  private readonly covered: Range[] = [];

  constructor(
    readonly job: SeriesJob,
    readonly plan: ChainedPlan,
    pollMs: number,
  ) {
    this.wait = pollMs;
    if (job.error !== null || job.job.missing.length === 0) this.exhaust();
  }

  /** What this run still means to fetch: the plan's missing ranges less what it claimed or found done. */
  wanted(): Range[] {
    return subtractRanges(this.job.job.missing, [...this.own, ...this.covered]);
  }

  claimed(r: Range): void {
    this.own.push(r);
  }

  gaveUp(r: Range): void {
    const left = subtractRanges(this.own, [r]);
    this.own.length = 0;
    this.own.push(...left);
  }

  found(covered: readonly Range[]): void {
    this.covered.push(...covered);
    this.job.vouch(covered);
  }

  exhaust(): void {
    this.state = 'exhausted';
    this.job.close();
  }
}

/**
 * Feeds the series a run shares with other runs to the engine (collect-series.ts) one claimed range at a time. The
 * engine asks for work when request slots would idle or the claimed pages run low; a look claims a piece of what a
 * series still misses that no other live run claims (db/claim-store.ts), reads what is missing in it under the claim
 * (another run may have stored it since this run planned), and adds its pages to the series' plan. A claim is given
 * up once nothing of it is in play any more. A series whose remaining ground other runs hold is looked at again,
 * after a wait that grows, until they are done with it (their ground is then found collected) or died (their claims
 * are then taken over): so a series is done for this run only when nothing of it is left to anyone, and its
 * watermark is set from ground this run fetched or found collected — exact whoever fetched what.
 */
export class ClaimedWork {
  private readonly shared = new Map<SeriesJob, SharedSeries>();
  private readonly order: SharedSeries[] = [];
  private looking = 0;
  private readonly looks = new Set<Promise<void>>();
  private ending = false;
  private readonly pendingWrites = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly renewer: NodeJS.Timeout;
  private readonly pollMs: number;
  private readonly maxPollMs: number;

  constructor(
    private readonly source: Pick<CandleSource, 'planPages' | 'countPages' | 'claims'>,
    private readonly opts: ShareOptions,
    private readonly signal: AbortSignal,
    /** Called when a look brought work, or a wait is over: the engine hands out what there is. */
    private readonly wake: () => void,
    /** A look or a claim's write failed for good (the database): the run stops. */
    private readonly failed: (err: unknown) => void,
  ) {
    this.pollMs = opts.pollMs ?? 100;
    this.maxPollMs = opts.maxPollMs ?? 400;
    this.renewer = setInterval(() => void this.renew(), opts.renewMs ?? CLAIM_LEASE_MS / 3);
    this.renewer.unref();
  }

  /** The plan a shared series' SeriesJob hands out pages from: empty until ranges are claimed. */
  planFor(interval: string): ChainedPlan {
    return new ChainedPlan((ranges) => this.source.planPages(interval, ranges));
  }

  /** Registers a series' job (made with `planFor()`'s plan, open). */
  add(job: SeriesJob, plan: ChainedPlan): void {
    const s = new SharedSeries(job, plan, this.pollMs);
    // What follows a missing range but the last is stored already, by this run or another: not asked again.
    const missing = job.job.missing;
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
    while (this.looking < LOOKS_AT_ONCE) {
      const next = this.order.find((s) => s.state === 'idle' && s.job.error === null);
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
   * Pages claimed and ready to be handed out, over every shared series: when fewer are left than the request slots,
   * the engine asks for more — not when slots idle for another reason (the write buffer full, the budget), or a run
   * would claim far more than it fetches.
   */
  readyPages(): number {
    let n = 0;
    for (const s of this.order) n += s.job.readyPages();
    return n;
  }

  /** An answer is in: the first answer of a head claim says where the series begins; the rest goes back to all. */
  answered(job: SeriesJob, task: Task): void {
    const s = this.shared.get(job);
    if (!s || !task.head || !this.source.claims) return;
    const held = s.claims.find((c) => c.head);
    if (!held) return;
    held.head = false;
    if (s.state === 'held') s.state = 'idle';
    const at = held.plan.current()?.from;
    if (at === undefined) return;
    const to = Math.min(held.claim.to, this.pieceEnd(job.series.interval, at, held.claim.to));
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

  /** A task is past its write: the claims nothing is in play of any more are given up. */
  released(job: SeriesJob): void {
    const s = this.shared.get(job);
    if (!s) return;
    for (const held of [...s.claims]) {
      if (held.plan.current() !== null || job.inPlay(held.claim)) continue;
      s.claims.splice(s.claims.indexOf(held), 1);
      this.write(() => this.opts.store.release(held.claim));
    }
    if (job.error !== null && s.state !== 'exhausted') s.exhaust();
  }

  /** Gives up every claim left and waits for the writes: the end of the pass. */
  async finish(): Promise<void> {
    this.ending = true;
    clearInterval(this.renewer);
    if (this.timer) clearTimeout(this.timer);
    while (this.looks.size > 0) await Promise.allSettled([...this.looks]);
    for (const s of this.order) {
      for (const held of s.claims.splice(0)) this.write(() => this.opts.store.release(held.claim));
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
        attempt = await retryTransient('claiming pages', () => this.opts.store.claim(s.job.series, wanted, (free) => this.cut(s, free)), { ...DEFAULT_DB_RETRY, signal: this.signal });
      }
    } catch (err) {
      this.looking--;
      s.state = 'idle';
      if (!this.signal.aborted) this.failed(err);
      return;
    }
    this.looking--;
    if (attempt === null) {
      if (s.claims.some((c) => c.head)) s.state = 'held';
      else s.exhaust();
      this.wake();
      return;
    }
    for (const d of attempt.tookOver) this.opts.emit?.({ type: 'claim-taken-over', symbol: s.job.series.symbol, interval, from: d.from, to: d.to, heldBy: d.runId });
    s.found(attempt.covered);
    const got = attempt.claim;
    if (got) {
      const plan = this.source.planPages(interval, got.missing);
      const head = s.job.job.head === true && got.range.from === s.job.job.missing[0]?.from && got.missing[0]?.from === got.range.from;
      s.claims.push({ claim: { seriesId: s.job.series.id, ...got.range }, plan, head: head && this.source.claims !== undefined });
      s.claimed(got.range);
      s.plan.add(plan);
      if (head) s.job.startsHead();
      // The ground after the claim is missing too: another run may claim it, so no request of this one reaches it.
      if (this.missingAt(s, got.range.to)) s.job.fence(got.range.to);
      s.wait = this.pollMs;
      s.state = 'idle';
    } else if (s.wanted().length === 0) {
      if (s.claims.some((c) => c.head)) s.state = 'held';
      else s.exhaust();
    } else if (subtractRanges(s.wanted(), attempt.foreign).length === 0) {
      // What is left is other runs' now: look again later, for what they leave or die holding.
      s.state = 'waiting';
      s.nextLook = Date.now() + s.wait;
      s.wait = Math.min(this.maxPollMs, s.wait * 2);
      this.schedule();
    } else {
      s.state = 'idle';
    }
    this.wake();
  }

  /**
   * The piece of the free ground to claim: a short series' range whole, a head range whole (given up down to a
   * share after its first answer, which shows where the series really begins), else a share of what is free —
   * CLAIM_SHARE-th of it, within MIN_CLAIM_PAGES and the source's most, in whole pages from where it starts.
   */
  private cut(s: SharedSeries, free: readonly Range[]): Range {
    const first = free[0] as Range;
    const interval = s.job.series.interval;
    const shape = this.source.claims;
    if (!shape || this.source.countPages(interval, s.job.job.missing) <= SHORT_SERIES_PAGES) return first;
    if (s.job.job.head === true && first.from === s.job.job.missing[0]?.from) return first;
    return { from: first.from, to: Math.min(first.to, this.pieceEnd(interval, first.from, first.to, free)) };
  }

  /** Where a share of the free ground starting at `from` ends: in whole pages, on the page grid from `from`. */
  private pieceEnd(interval: string, from: number, to: number, free: readonly Range[] = [{ from, to }]): number {
    const shape = this.source.claims;
    if (!shape) return to;
    const freePages = normalizeRanges(free).reduce((n, r) => n + Math.ceil(countSlots(interval, r.from, r.to) / shape.pageSlots), 0);
    const pages = Math.min(shape.maxPages, Math.max(MIN_CLAIM_PAGES, Math.ceil(freePages / CLAIM_SHARE)));
    return addSlots(interval, from, pages * shape.pageSlots);
  }

  /** Whether `t` starts ground the series' plan misses (not stored when it planned). */
  private missingAt(s: SharedSeries, t: number): boolean {
    return s.job.job.missing.some((r) => r.from <= t && t < r.to);
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
    const p = retryTransient('claiming pages', fn, { ...DEFAULT_DB_RETRY, signal: this.signal })
      .catch((err: unknown) => {
        if (!this.signal.aborted) this.failed(err);
      })
      .finally(() => this.pendingWrites.delete(p));
    this.pendingWrites.add(p);
  }

  /** One timer for every waiting series: the earliest look due. */
  private schedule(): void {
    if (this.timer) return;
    const due = Math.min(...this.order.filter((s) => s.state === 'waiting').map((s) => s.nextLook));
    if (!Number.isFinite(due)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      for (const s of this.order) if (s.state === 'waiting' && s.nextLook <= now) s.state = 'idle';
      this.schedule();
      this.wake();
    }, Math.max(0, due - Date.now()));
  }
}
