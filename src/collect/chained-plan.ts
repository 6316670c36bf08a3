import type { Range } from '../domain.js';
import type { PagePlan } from './candle-source.js';

/**
 * The pages of a series a run shares with other runs: one plan per claimed range (collect/claimed-work.ts), handed
 * out in the order they were claimed, as one plan for the series' SeriesJob. A range asked again goes first, as in
 * any plan.
 */
export class ChainedPlan implements PagePlan {
  private readonly plans: PagePlan[] = [];

  constructor(private readonly planOf: (ranges: readonly Range[]) => PagePlan) {}

  /** Adds a claimed range's plan after the others. */
  add(plan: PagePlan): void {
    this.plans.push(plan);
  }

  current(): Range | null {
    return this.head()?.current() ?? null;
  }

  next(): Range | null {
    return this.head()?.next() ?? null;
  }

  /** Within the plan being handed out: an answer never vouches for what lies before it. */
  skipTo(t: number): Range | null {
    return this.head()?.skipTo(t) ?? null;
  }

  prepend(r: Range): void {
    this.plans.unshift(this.planOf([r]));
  }

  pagesLeft(): number {
    return this.plans.reduce((n, p) => n + (p.pagesLeft?.() ?? (p.current() === null ? 0 : 1)), 0);
  }

  endAt(t: number): void {
    for (const p of this.plans) p.endAt?.(t);
  }

  /** The first plan with pages left; the spent ones before it are dropped. */
  private head(): PagePlan | undefined {
    while (this.plans.length > 0 && this.plans[0]?.current() === null) this.plans.shift();
    return this.plans[0];
  }
}
