import type { Db } from '../db/schema.js';
import type { SeriesFilter } from '../db/series-repository.js';
import type { Range, Series } from '../domain.js';
import { resolveSymbols } from '../exchange/resolve-symbols.js';
import { describeRange, type RangeSummary } from '../planner/describe-range.js';
import { detectGaps } from '../planner/detect-gaps.js';
import { loadCoverage } from '../db/coverage-repository.js';
import type { DatabaseHandle } from '../db/open-database.js';
import { forgetEmpties } from '../db/forget-empties.js';
import { retryTransient } from '../db/retry-transient.js';
import { DatabaseError } from '../errors.js';
import { collectLocked } from '../collect/collect-locked.js';
import { collectOptions, createClient, runSetup, dryRunPlan, type CommandContext } from './context.js';
import type { CollectJob } from '../collect/collect-series.js';
import type { RunPlan } from '../collect/run-plan.js';
import { selectTracked } from './forward.js';
import { recordedRun, type RunOutcome } from '../collect/recorded-run.js';

export interface SeriesRange extends RangeSummary {
  readonly symbol: string;
  readonly interval: string;
}

export interface GapsOptions {
  /** Fetch exactly the gaps. */
  readonly fill: boolean;
  /** Forget the remembered exchange-empty ranges within this span first, so they are gaps again. */
  readonly recheck?: Range | undefined;
  /** With fill: only say what filling would fetch (the result's `plan`); nothing is written. */
  readonly dryRun?: boolean;
}

export interface GapsResult {
  /** With --recheck: the exchange-empty ranges forgotten, which are gaps now. */
  readonly forgotten?: SeriesRange[];
  /** Never-collected holes found before filling. */
  readonly gaps: SeriesRange[];
  /** Ranges the exchange itself has no candles for: not gaps. */
  readonly exchange_empty: SeriesRange[];
  /** With --fill: the run that fetched the gaps, and what is still missing after it. */
  readonly fill: (RunOutcome & { readonly remaining: SeriesRange[] }) | null;
  /** With --fill --dry-run: what filling would fetch (null when there is no gap, or without --dry-run). */
  readonly plan?: RunPlan | null;
}

interface SeriesGaps {
  readonly series: Series;
  readonly gaps: Range[];
  readonly empties: Range[];
}

async function scan(db: Db, series: readonly Series[]): Promise<SeriesGaps[]> {
  const out: SeriesGaps[] = [];
  for (const s of series) {
    const report = detectGaps(await retryTransient('reading the series', () => loadCoverage(db, s)));
    out.push({ series: s, gaps: report.gaps, empties: report.exchangeEmpty });
  }
  return out;
}

/** Listed as grid slots; slivers between off-grid candles stand for no candle and are left out. */
function flatten(found: readonly SeriesGaps[], pick: (g: SeriesGaps) => readonly Range[]): SeriesRange[] {
  return found.flatMap((g) =>
    pick(g)
      .map((r) => ({ symbol: g.series.symbol, interval: g.series.interval, ...describeRange(g.series.interval, r) }))
      .filter((r) => r.candles > 0),
  );
}

/** Forgets the selected series' exchange-empty ranges within `span`, under their locks. */
async function recheck(ctx: CommandContext, handle: DatabaseHandle, series: readonly Series[], span: Range): Promise<SeriesRange[]> {
  // A failed attempt leaves no lock behind (its connection is dropped): safe to repeat.
  const locks = await retryTransient('locking the series', () => handle.lockSeries(series.map((s) => s.id)));
  try {
    const busy = series.filter((s) => locks.busy.has(s.id));
    if (busy.length > 0) {
      throw new DatabaseError(
        'series-busy',
        `${busy.map((s) => `${s.symbol} ${s.interval}`).join(', ')}: another cryptocollect process is collecting ${busy.length > 1 ? 'these series' : 'this series'}; run --recheck again once it is done`,
      );
    }
    const forgotten: SeriesGaps[] = [];
    for (const s of series) forgotten.push({ series: s, gaps: await retryTransient('forgetting exchange-empty ranges', () => forgetEmpties(handle.db, s, span)), empties: [] });
    const out = flatten(forgotten, (g) => g.gaps);
    if (out.length > 0) ctx.progress.note(`forgot ${out.length} exchange-empty range${out.length > 1 ? 's' : ''}; ${out.length > 1 ? 'they are' : 'it is'} gaps now`);
    return out;
  } finally {
    await locks.release();
  }
}

/**
 * What filling fetches of `s`: exactly its gaps, read again under its lock in a run (what another run filled
 * meanwhile is not fetched again). Once every gap is filled, the series has no hole up to its collected end.
 */
async function fillJob(db: Db, s: Series): Promise<CollectJob> {
  const cov = await retryTransient('reading the series', () => loadCoverage(db, s));
  const report = detectGaps(cov);
  const head = report.gaps[0] !== undefined && (cov.firstOpen === null || cov.firstOpen >= report.gaps[0].from);
  const span = { from: s.startTime, to: report.collectedEnd };
  return { series: s, missing: report.gaps, head, watermark: { span, vouched: span.from } };
}

/** The gap detector: holes never collected, listed apart from ranges the exchange has no candles for. */
export async function runGaps(ctx: CommandContext, handle: DatabaseHandle, filter: SeriesFilter, opts: GapsOptions): Promise<GapsResult> {
  const { db } = handle;
  const listed = await selectTracked(db, filter);
  const forgotten = opts.recheck ? { forgotten: await recheck(ctx, handle, listed, opts.recheck) } : {};
  // Read again after forgetting: the watermarks may have moved back.
  const series = opts.recheck ? await selectTracked(db, filter) : listed;
  const found = await scan(db, series);
  const result = { ...forgotten, gaps: flatten(found, (g) => g.gaps), exchange_empty: flatten(found, (g) => g.empties) };
  const toFill = found.filter((g) => g.gaps.length > 0);
  if (!opts.fill || toFill.length === 0) return { ...result, fill: null };

  const client = createClient(ctx);
  ctx.events.emit({ type: 'phase', phase: 'reading-exchange-info' });
  const resolved = await resolveSymbols(client, [...new Set(toFill.map((g) => g.series.symbol))]);
  if (opts.dryRun) {
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    const options = collectOptions(ctx, handle, client, resolved);
    const plan = await dryRunPlan(ctx, 'gaps', client, options, toFill.map((g) => g.series), (s) => fillJob(db, s), resolved.serverTime);
    return { ...result, fill: null, plan };
  }
  const args = {
    symbols: filter.symbols ?? null,
    intervals: filter.intervals ?? null,
    fill: true,
    ...(opts.recheck ? { recheck: { since: new Date(opts.recheck.from).toISOString(), until: new Date(opts.recheck.to).toISOString() } } : {}),
  };
  const outcome = await recordedRun(runSetup(ctx, db, 'gaps', args, resolved.serverTime), (live, run) => {
    ctx.events.emit({ type: 'phase', phase: 'planning' });
    return collectLocked(
      collectOptions(ctx, handle, client, resolved),
      toFill.map((g) => g.series),
      (s) => fillJob(db, s),
      live,
      run,
    );
  });
  const after = await scan(
    db,
    toFill.map((g) => g.series),
  );
  return { ...result, fill: { ...outcome, remaining: flatten(after, (g) => g.gaps) } };
}
