import { Option } from '../commander.js';
import type { SeriesFilter } from '../../db/series-repository.js';
import type { StatusResult } from '../../commands/status.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import type { SelectionFlags } from '../shared-options.js';

interface StatusFlags extends SelectionFlags {
  readonly runs: string;
}

/** `status --json` prints the StatusResult as it is: `{ series: SeriesStatus[], runs: RunRecord[] }`. */
export const status: CommandDefinition<StatusFlags, { filter: SeriesFilter; runs: number }, StatusResult> = {
  name: 'status',
  description: 'per series: stored and expected candles, completeness, gaps, lag; and the recent runs',
  selection: 'narrow',
  options: () => [new Option('--runs <n>', 'how many recent runs to list').default('10')],
  examples: ['cryptocollect status', "cryptocollect status --json --runs 1 | jq '.series[] | select(.lag_seconds > 7200)'"],
  async parse(flags) {
    const [{ parseSelection }, { parsePositiveInteger }] = await Promise.all([import('../parse-selection.js'), import('../../input/parse-positive-integer.js')]);
    return { filter: parseSelection(flags), runs: parsePositiveInteger('--runs', flags.runs) };
  },
  progress: false,
  async run(ctx, { filter, runs }) {
    const [{ withDatabase }, { runStatus }, { unrecordedRunsDir }] = await Promise.all([
      import('../../commands/context.js'),
      import('../../commands/status.js'),
      import('../../runlog/unrecorded-runs.js'),
    ]);
    // Only reads: a role granted SELECT, a standby. Runs left behind are shown as they will be recorded.
    return withDatabase(ctx, (h) => runStatus(h.db, ctx.clock, filter, runs, unrecordedRunsDir(ctx.config.dataDir), { reap: false }), { access: 'read' });
  },
  json: (result) => result,
  async human(result) {
    const { renderStatus } = await import('../../output/render-status.js');
    return renderStatus(result);
  },
  exitCode: () => EXIT.success,
  notice: () => undefined,
};
