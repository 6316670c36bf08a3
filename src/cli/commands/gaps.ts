import { Option } from '../commander.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import type { GapsOptions, GapsResult, SeriesRange } from '../../commands/gaps.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import { runDocument, runExitCode, runNotice, secondsSince, type RunDocument } from '../run-document.js';
import { dryRunOption, type SelectionFlags } from '../shared-options.js';
import type { RunPlan } from '../../collect/run-plan.js';
import type { HealthReport } from '../../health/check-health.js';
import type { VerifyResult } from '../../commands/verify-archive.js';

interface GapsFlags extends SelectionFlags {
  readonly fill?: boolean;
  readonly recheck?: boolean;
  readonly since?: string;
  readonly until?: string;
  readonly dryRun?: boolean;
  readonly all?: boolean;
  readonly check?: boolean;
  readonly verify?: boolean;
}

/**
 * `gaps --json`: every key always present. `forgotten` is null without --recheck; `fill` is null without --fill,
 * and with it a run document (`run_id: null` and zero counters when there was no gap to fill); with --dry-run, `fill`
 * is null and `plan` says what filling would fetch.
 */
export interface GapsDocument {
  readonly forgotten: readonly SeriesRange[] | null;
  readonly gaps: readonly SeriesRange[];
  readonly exchange_empty: readonly SeriesRange[];
  readonly fill: (RunDocument & { readonly remaining: readonly SeriesRange[] }) | null;
  /** With --fill --dry-run: what filling would fetch (and `fill` is null); null otherwise or with no gap. */
  readonly plan: RunPlan | null;
}

/** What the run found, and whether --fill was asked (the document's `fill` says so even with nothing to fill). */
interface GapsRun {
  readonly result: GapsResult;
  readonly fill: boolean;
  readonly dryRun: boolean;
  readonly all: boolean;
  readonly elapsedSeconds: number;
  /** --check: the verdict on the active series' gaps (exit 5 when any has one). */
  readonly check: HealthReport | null;
  /** --verify: the archive files the candles came from, checked again (and nothing else is done). */
  readonly verify: VerifyResult | null;
}

/** The run document of the fill, then what remains (`run_id: null` and zero counters when there was no gap). */
function fillDocument(fill: GapsResult['fill'], elapsedSeconds: number): NonNullable<GapsDocument['fill']> {
  if (fill === null) return { ...runDocument(null, elapsedSeconds), remaining: [] };
  const { remaining, ...outcome } = fill;
  return { ...runDocument(outcome, elapsedSeconds), remaining };
}

/**
 * --verify's exit code: 5 (unhealthy) when a stored candle differs from what the archive serves now, else 3 when a
 * file could not be verified (it is no longer served, or its download kept failing), else 0.
 */
export function verifyExitCode(v: VerifyResult): (typeof EXIT)[keyof typeof EXIT] {
  if (v.differing_rows > 0) return EXIT.unhealthy;
  return v.unverified > 0 ? EXIT.partial : EXIT.success;
}

export const gaps: CommandDefinition<GapsFlags, { filter: SeriesFilter; options: GapsOptions; all: boolean; check: boolean; verify: boolean }, GapsRun> = {
  name: 'gaps',
  description: 'list holes never collected (and, apart, ranges where the exchange has no candles); --fill fetches them',
  selection: 'narrow',
  options: () => [
    new Option('--fill', 'fetch exactly the gaps'),
    new Option('--recheck', 'first forget the remembered exchange-empty ranges (within --since/--until), so they are gaps again'),
    new Option('--since <date>', "with --recheck: from this open time (default: each series' start)"),
    new Option('--until <date>', 'with --recheck: up to this open time, exclusive (default: no end)'),
    new Option('--check', 'exit 0 when no active series has a gap, else exit 5 with a line per series (the gaps part of status --check)'),
    new Option('--all', 'list every exchange-empty range (default: a line per series; --json always lists them)'),
    new Option('--verify', 'download again the archive files stored candles came from; report the rows a replaced file now has otherwise (exit 5), changing nothing'),
    dryRunOption(),
  ],
  examples: [
    'cryptocollect gaps                   # the gaps; exchange-empty ranges counted per series',
    'cryptocollect gaps --all --symbols BTCUSDT --intervals 1m',
    'cryptocollect gaps --fill --quiet    # fetch every gap, silent unless something failed',
    'cryptocollect gaps --json',
    'cryptocollect gaps --check --quiet || cryptocollect gaps --fill --quiet   # fill only when there is a gap',
    '# look again at what is remembered as exchange-empty on 2024-03-24, and fetch it:',
    'cryptocollect gaps --symbols BTCUSDT --interval 1h --recheck --since 2024-03-24 --until 2024-03-25 --fill',
    'cryptocollect gaps --fill --dry-run   # what filling would fetch',
    'cryptocollect gaps --verify --json    # has the archive replaced a file candles were stored from?',
  ],
  async parse(flags) {
    const [{ parseSelection }, { parseDate }, { FOREVER }] = await Promise.all([
      import('../parse-selection.js'),
      import('../../input/parse-date.js'),
      import('../../planner/series-coverage.js'),
    ]);
    const filter = parseSelection(flags);
    if (!flags.recheck && (flags.since !== undefined || flags.until !== undefined)) throw new UsageError('--since and --until go with --recheck');
    const recheck = flags.recheck
      ? { from: flags.since === undefined ? 0 : parseDate('--since', flags.since), to: flags.until === undefined ? FOREVER : parseDate('--until', flags.until) }
      : undefined;
    if (recheck && recheck.to <= recheck.from) throw new UsageError('--until must be after --since');
    if (flags.dryRun && !flags.fill) throw new UsageError('--dry-run goes with --fill (without it, gaps only reads anyway)');
    // What --recheck forgets decides what filling fetches: a plan of it would have to forget it first.
    if (flags.dryRun && flags.recheck) throw new UsageError('--dry-run does not go with --recheck: run `gaps --recheck` without --fill to see what it forgets');
    if (flags.check && (flags.fill || flags.recheck)) throw new UsageError('--check only reads: it does not go with --fill or --recheck');
    if (flags.verify && (flags.fill || flags.recheck || flags.check || flags.all)) throw new UsageError('--verify checks the archive files only: it does not go with --fill, --recheck, --check or --all');
    return { filter, options: { fill: flags.fill === true, recheck, dryRun: flags.dryRun === true }, all: flags.all === true, check: flags.check === true, verify: flags.verify === true };
  },
  progress: true,
  async run(ctx, { filter, options, all, check, verify }) {
    const elapsed = (): number => secondsSince(ctx.startedAt, ctx.clock.now());
    if (verify) {
      const [{ withDatabase }, { runVerify }] = await Promise.all([import('../../commands/context.js'), import('../../commands/verify-archive.js')]);
      const verified = await withDatabase(ctx, (h) => runVerify(ctx, h, filter), { access: 'read' });
      const none: GapsResult = { gaps: [], exchange_empty: [], fill: null };
      return { result: none, fill: false, dryRun: false, all, elapsedSeconds: elapsed(), check: null, verify: verified };
    }
    const [{ withDatabase }, { runGaps }] = await Promise.all([import('../../commands/context.js'), import('../../commands/gaps.js')]);
    // Listing only reads; filling and forgetting write.
    const access = (options.fill && !options.dryRun) || options.recheck ? 'write' : 'read';
    const { result, verdict } = await withDatabase(
      ctx,
      async (h) => {
        const found = await runGaps(ctx, h, filter, options);
        if (!check) return { result: found, verdict: null };
        const [{ checkGaps }, { listTracking, stateOf }, { retryTransient }] = await Promise.all([
          import('../../health/check-health.js'),
          import('../../db/tracking-repository.js'),
          import('../../db/retry-transient.js'),
        ]);
        const tracked = await retryTransient('reading the series', () => listTracking(h.db, filter));
        const active = new Set(tracked.filter((t) => stateOf(t) === 'active').map((t) => `${t.series.symbol} ${t.series.interval}`));
        return { result: found, verdict: checkGaps(found.gaps, active, tracked.map((t) => t.series)) };
      },
      { access },
    );
    return { result, fill: options.fill, dryRun: options.dryRun === true, all, elapsedSeconds: elapsed(), check: verdict, verify: null };
  },
  json: ({ result, fill, dryRun, elapsedSeconds, check, verify }): GapsDocument | HealthReport | VerifyResult => verify ?? check ?? {
    forgotten: result.forgotten ?? null,
    gaps: result.gaps,
    exchange_empty: result.exchange_empty,
    fill: fill && !dryRun ? fillDocument(result.fill, elapsedSeconds) : null,
    plan: result.plan ?? null,
  },
  async human({ result, all, elapsedSeconds, check, verify }) {
    if (verify !== null) return (await import('../../output/render-verify.js')).renderVerify(verify);
    if (check !== null) return (await import('../../health/check-health.js')).renderHealth(check);
    const { renderGaps } = await import('../../output/render-gaps.js');
    return renderGaps(result, { all, elapsedSeconds });
  },
  exitCode: ({ result, check, verify }) => (verify !== null ? verifyExitCode(verify) : check !== null ? (check.healthy ? EXIT.success : EXIT.unhealthy) : result.fill === null ? EXIT.success : runExitCode(result.fill)),
  notice: ({ result }) => (result.fill === null ? undefined : runNotice(result.fill)),
  runDocument: ({ result, fill, dryRun, elapsedSeconds }) => (fill && !dryRun && result.fill !== null ? fillDocument(result.fill, elapsedSeconds) : null),
  failsRun: ({ options }) => options.fill && options.dryRun !== true,
};
