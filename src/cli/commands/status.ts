import { Option } from '../commander.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import type { StatusResult } from '../../commands/status.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import type { SelectionFlags } from '../shared-options.js';

interface StatusFlags extends SelectionFlags {
  readonly runs: string;
  readonly window: string;
}

interface StatusInput {
  readonly filter: SeriesFilter;
  readonly runs: number;
  readonly windowSeconds: number;
}

/** `status --json` prints the StatusResult as it is: `{ series: SeriesStatus[], runs: RunRecord[], run_stats }`. */
export const status: CommandDefinition<StatusFlags, StatusInput, StatusResult> = {
  name: 'status',
  description: 'per series: stored and expected candles, completeness, gaps, lag; and the recent runs',
  selection: 'narrow',
  options: () => [
    new Option('--runs <n>', 'how many recent runs to list').default('10'),
    new Option('--window <duration>', 'the run statistics cover the runs started this long ago or since: 24h, 90m, 7d').default('24h'),
  ],
  examples: [
    'cryptocollect status',
    'cryptocollect status --symbols BTCUSDT --intervals 1h,1d --window 7d',
    "cryptocollect status --json | jq '.run_stats.total.success_rate'",
    "cryptocollect status --json --runs 1 | jq '.series[] | select(.gaps > 0)'",
  ],
  async parse(flags) {
    const [{ parseSelection }, { parsePositiveInteger }, { parseDuration }] = await Promise.all([
      import('../parse-selection.js'),
      import('../../input/parse-positive-integer.js'),
      import('../../input/parse-duration.js'),
    ]);
    return { filter: parseSelection(flags), runs: parsePositiveInteger('--runs', flags.runs), windowSeconds: parseDuration('--window', flags.window) };
  },
  progress: false,
  async run(ctx, { filter, runs, windowSeconds }) {
    const [{ withDatabase }, { runStatus }, { unrecordedRunsDir }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/status.js'),
      import('../../runlog/unrecorded-runs.js'),
    ]);
    // Only reads: a role granted SELECT, a standby. Runs left behind are shown as they will be recorded.
    return withDatabase(ctx, (h) => runStatus(h.db, ctx.clock, filter, runs, unrecordedRunsDir(ctx.config.dataDir), { reap: false, windowSeconds }), {
      access: 'read',
    });
  },
  json: (result) => result,
  async human(result) {
    const { renderStatus } = await import('../../output/render-status.js');
    return renderStatus(result);
  },
  exitCode: () => EXIT.success,
  notice: () => undefined,
};
