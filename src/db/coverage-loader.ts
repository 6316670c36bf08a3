import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Series } from '../domain.js';
import type { SeriesCoverage } from '../planner/series-coverage.js';
import { loadCoverages, newestCandleEnds, type CoverageWant } from './coverage-repository.js';
import { retryTransient } from './retry-transient.js';
import type { Database } from './schema.js';

/** Series read in one batch at most: a universe of every spot pair is planned in a few statements, not one. */
const MAX_BATCH = 500;

/** What planning reads of a series, each read asked with others at once made as one (coverageLoader). */
export interface CoverageReads {
  readonly coverage: (want: CoverageWant) => Promise<SeriesCoverage>;
  readonly newestEnd: (series: Series) => Promise<number | null>;
}

function batching<K, V>(read: (keys: readonly K[]) => Promise<V[]>): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>((keys) => retryTransient('reading the series', () => read(keys)), {
    // Nothing kept between batches: the coverage changes as the run stores candles.
    cache: false,
    maxBatchSize: MAX_BATCH,
    // Once this turn's promise jobs and I/O callbacks have run: every plan started together has asked by then.
    batchScheduleFn: (run) => setImmediate(run),
  });
  return (key) => loader.load(key);
}

/**
 * Reads of series coverage made together as one (loadCoverages, newestCandleEnds): every read asked before the
 * event loop next turns is part of the batch, so a run that plans its series all at once reads them in a few
 * statements where a hundred series one by one would be some three hundred round trips — the better part of a
 * run's start-up when several workers start together.
 */
export function coverageLoader(db: Kysely<Database>): CoverageReads {
  return {
    coverage: batching((wants: readonly CoverageWant[]) => loadCoverages(db, wants)),
    newestEnd: batching((series: readonly Series[]) => newestCandleEnds(db, series)),
  };
}
