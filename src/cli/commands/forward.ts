import type { SeriesFilter } from '../../db/series-repository.js';
import type { CommandDefinition } from '../command-definition.js';
import { runDocument, runExitCode, runNotice, type RunDocument } from '../run-document.js';
import type { SelectionFlags } from '../shared-options.js';

/** `forward --json` prints a RunDocument; with nothing tracked, one with `run_id: null` and zero counters. */
export const forward: CommandDefinition<SelectionFlags, SeriesFilter, RunDocument> = {
  name: 'forward',
  description: 'bring every tracked series (or the selected ones) up to the newest closed candle',
  selection: 'narrow',
  options: () => [],
  examples: ['cryptocollect forward --quiet        # the crontab line', 'cryptocollect forward --symbols BTCUSDT --interval 1m --json'],
  parse: async (flags) => (await import('../parse-selection.js')).parseSelection(flags),
  progress: true,
  async run(ctx, filter) {
    const [{ withDatabase }, { runForward }] = await Promise.all([import('../../commands/context.js'), import('../../commands/forward.js')]);
    const outcome = await withDatabase(ctx, (h) => runForward(ctx, h, filter));
    if (outcome === null) ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
    return runDocument(outcome);
  },
  json: (run) => run,
  async human(run) {
    if (run.run_id === null) return '';
    const { renderRun } = await import('../../output/render-run.js');
    return renderRun('forward', run);
  },
  exitCode: runExitCode,
  notice: runNotice,
};
