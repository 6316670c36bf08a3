import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { RequestOutcomes, RunCounters } from '../events/run-counters.js';
import { updateRun, type SeriesResult } from './run-log.js';

/** How stale a killed run's counters may be, at most (plus one statement). */
export const LIVE_RUN_INTERVAL_MS = 500;

/**
 * Keeps a running run's record current: after something was stored, its counters and per-series results are
 * written again, at most every LIVE_RUN_INTERVAL_MS and one statement at a time, so a run killed with kill -9
 * still shows (nearly) what it stored. Best effort: the record written when the run ends is the one that counts.
 */
export class LiveRun {
  private results: (() => SeriesResult[]) | null = null;
  private writing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly id: number,
    private readonly counters: () => RunCounters,
    private readonly outcomes?: () => RequestOutcomes,
  ) {
    this.timer = setInterval(() => this.flush(), LIVE_RUN_INTERVAL_MS);
    this.timer.unref();
  }

  /** Something was stored; `results` gives the series' results so far. */
  readonly update = (results: () => SeriesResult[]): void => {
    this.results = results;
  };

  /** Stops updating; waits for a write on its way, so it cannot land after the final record. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.results = null;
    await this.writing;
  }

  private flush(): void {
    const pick = this.results;
    if (!pick || this.writing) return;
    this.results = null;
    const results = pick();
    this.writing = updateRun(this.db, this.id, this.counters(), results, this.outcomes?.())
      .catch(() => undefined)
      .finally(() => (this.writing = null));
  }
}
