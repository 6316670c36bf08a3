import type { SeriesFilter } from '../../db/series-repository.js';
import type { SeriesListResult } from '../../commands/series.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import type { SelectionFlags } from '../shared-options.js';

/** `series --json` prints the SeriesListResult: `{ series: SeriesInfo[], universes: UniverseInfo[] }`. */
export const series: CommandDefinition<SelectionFlags, SeriesFilter, SeriesListResult> = {
  name: 'series',
  description: 'the tracked series: since when, tracked by name or by a universe (rank, volume), active / untracked / delisted',
  selection: 'narrow',
  options: () => [],
  examples: ['cryptocollect series', "cryptocollect series --json | jq -r '.series[] | select(.state == \"delisted\") | .symbol'"],
  parse: async (flags) => (await import('../parse-selection.js')).parseSelection(flags),
  progress: false,
  async run(ctx, filter) {
    const [{ withDatabase }, { runSeries }] = await Promise.all([import('../../commands/context.js'), import('../../commands/series.js')]);
    // Only reads, like status: a role granted SELECT, a standby.
    return withDatabase(ctx, (h) => runSeries(h.db, filter), { access: 'read' });
  },
  json: (result) => result,
  async human(result) {
    const { renderSeries } = await import('../../output/render-series.js');
    return renderSeries(result);
  },
  exitCode: () => EXIT.success,
  notice: () => undefined,
};
