import { Option } from '../commander.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import type { StatusResult } from '../../commands/status.js';
import type { HealthReport } from '../../health/check-health.js';
import type { MaxLag } from '../../health/max-lag.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import type { SelectionFlags } from '../shared-options.js';

interface StatusFlags extends SelectionFlags {
  readonly runs: string;
  readonly window: string;
  readonly check?: boolean;
  readonly maxLag?: string;
  readonly grace?: string;
}

interface StatusInput {
  readonly filter: SeriesFilter;
  readonly runs: number;
  readonly windowSeconds: number;
  /** --check: judge instead of list. */
  readonly check: MaxLag | null;
}

/** The status, or with --check the verdict on it. */
type StatusOutput = { readonly status: StatusResult; readonly check: null } | { readonly status: StatusResult; readonly check: HealthReport };

/**
 * `status --json` prints the StatusResult as it is: `{ series: SeriesStatus[], runs: RunRecord[], run_stats }`;
 * `status --check --json` the HealthReport (health/check-health.ts).
 */
export const status: CommandDefinition<StatusFlags, StatusInput, StatusOutput> = {
  name: 'status',
  description: 'per series: stored and expected candles, completeness, gaps, lag; and the recent runs (--check: exit 5 unless all is well)',
  selection: 'narrow',
  options: () => [
    new Option('--runs <n>', 'how many recent runs to list').default('10'),
    new Option('--window <duration>', 'the run statistics cover the runs started this long ago or since: 24h, 90m, 7d').default('24h'),
    new Option('--check', 'exit 0 when every active series is within its lag and has no gap and the last run of each command succeeded; else exit 5, a line per problem'),
    new Option('--max-lag <auto|duration>', "with --check: how far behind a series may be; auto: until the candle after its newest has closed, plus --grace (default auto)"),
    new Option('--grace <duration>', 'with --check --max-lag auto: how long a closed candle may wait to be collected (default 1h15m: an hourly forward, 15 minutes to spare)'),
  ],
  examples: [
    'cryptocollect status',
    'cryptocollect status --symbols BTCUSDT --intervals 1h,1d --window 7d',
    'cryptocollect status --check --quiet && echo healthy   # exit 5 and a line per problem otherwise',
    'cryptocollect status --check --max-lag auto --grace 20m   # forward runs every 5 minutes',
    "cryptocollect status --json | jq '.run_stats.total.success_rate'",
    "cryptocollect status --json --runs 1 | jq '.series[] | select(.gaps > 0)'",
  ],
  async parse(flags) {
    const [{ parseSelection }, { parsePositiveInteger }, { parseDuration }, { DEFAULT_GRACE_SECONDS }] = await Promise.all([
      import('../parse-selection.js'),
      import('../../input/parse-positive-integer.js'),
      import('../../input/parse-duration.js'),
      import('../../health/max-lag.js'),
    ]);
    if (!flags.check && (flags.maxLag !== undefined || flags.grace !== undefined)) throw new UsageError('--max-lag and --grace go with --check');
    const maxLag = flags.maxLag ?? 'auto';
    if (maxLag !== 'auto' && flags.grace !== undefined) throw new UsageError('--grace goes with --max-lag auto (a fixed --max-lag is the whole allowance)');
    const check: MaxLag | null = !flags.check
      ? null
      : maxLag === 'auto'
        ? { kind: 'auto', graceSeconds: flags.grace === undefined ? DEFAULT_GRACE_SECONDS : parseDuration('--grace', flags.grace) }
        : { kind: 'fixed', seconds: parseDuration('--max-lag', maxLag) };
    return { filter: parseSelection(flags), runs: parsePositiveInteger('--runs', flags.runs), windowSeconds: parseDuration('--window', flags.window), check };
  },
  progress: false,
  async run(ctx, { filter, runs, windowSeconds, check }) {
    const [{ withDatabase }, { runStatus }, { unrecordedRunsDir }, { lastRuns }, { retryTransient }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/status.js'),
      import('../../runlog/unrecorded-runs.js'),
      import('../../runlog/last-runs.js'),
      import('../../db/retry-transient.js'),
    ]);
    const unrecorded = unrecordedRunsDir(ctx.config.dataDir);
    // Only reads: a role granted SELECT, a standby. Runs left behind are shown as they will be recorded.
    return withDatabase(
      ctx,
      async (h): Promise<StatusOutput> => {
        const result = await runStatus(h.db, ctx.clock, filter, runs, unrecorded, { reap: false, windowSeconds });
        if (check === null) return { status: result, check: null };
        const { checkHealth } = await import('../../health/check-health.js');
        const last = await retryTransient('reading the runs', () => lastRuns(h.db, unrecorded));
        return { status: result, check: checkHealth(result.series, last, check) };
      },
      { access: 'read' },
    );
  },
  json: (output) => output.check ?? output.status,
  async human(output) {
    if (output.check !== null) return (await import('../../health/check-health.js')).renderHealth(output.check);
    const { renderStatus } = await import('../../output/render-status.js');
    return renderStatus(output.status);
  },
  exitCode: (output) => (output.check !== null && !output.check.healthy ? EXIT.unhealthy : EXIT.success),
  notice: () => undefined,
};
