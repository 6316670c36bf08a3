import type { Claim } from '../db/claim-store.js';
import type { Range } from '../domain.js';
import { subtractRanges } from '../planner/ranges.js';
import type { PagePlan } from './candle-source.js';
import type { ChainedPlan } from './chained-plan.js';
import type { SeriesJob } from './series-job.js';

export interface HeldClaim {
  claim: Claim;
  readonly plan: PagePlan;
  /** The claim that starts a head range, given up down to a share once its first answer is in. */
  head: boolean;
}

/**
 * - `idle`: may be looked at; `looking`: a look is on its way; `waiting`: what is left is other runs' (their claims
 *   are read again every poll); `held`: nothing is left to claim but its head claim, which gives ground back after
 *   its first answer; `exhausted`: nothing is left for this run.
 */
export type State = 'idle' | 'looking' | 'waiting' | 'held' | 'exhausted';

/** One series' share of the run: what it planned, what it claimed, what others had done already. */
export class SharedSeries {
  state: State = 'idle';
  readonly claims: HeldClaim[] = [];
  /** This run claimed some of it: it sees the series through (and proves its watermark) whoever fetched the rest. */
  took = false;
  /** Ground of its plan other runs' live claims held when last looked at. */
  foreign: readonly Range[] = [];
  /** Ground another run claimed and finished with, in a series claimed whole: that run's to prove, not this one's. */
  readonly left: Range[] = [];
  /** Ground claimed by this run this pass (fetched, or left): never claimed again by it. */
  private readonly own: Range[] = [];
  /** Ground found collected under a claim: done by another run. */
  private readonly covered: Range[] = [];

  constructor(
    readonly job: SeriesJob,
    readonly plan: ChainedPlan,
    /** Claimed a whole missing range at a time (a short series, a source whose pages are not split). */
    readonly whole: boolean,
  ) {
    if (job.error !== null || job.job.missing.length === 0) this.exhaust();
  }

  /** What this run still means to fetch: the plan's missing ranges less what it claimed, found done or left. */
  wanted(): Range[] {
    return subtractRanges(this.job.job.missing, [...this.own, ...this.covered, ...this.left]);
  }

  claimed(r: Range): void {
    this.own.push(r);
    this.took = true;
  }

  gaveUp(r: Range): void {
    const kept = subtractRanges(this.own, [r]);
    this.own.length = 0;
    this.own.push(...kept);
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

