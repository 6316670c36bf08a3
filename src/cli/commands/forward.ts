import type { SeriesFilter } from '../../db/series-repository.js';
import type { CommandDefinition } from '../command-definition.js';
import { fetchExitCode, fetchNotice, renderFetch, runDocument, type FetchDocument } from '../run-document.js';
import { dryRunOption, type SelectionFlags } from '../shared-options.js';

/** `forward --json` prints a RunDocument (with nothing tracked, one with `run_id: null` and zero counters); --dry-run a RunPlan. */
export const forward: CommandDefinition<SelectionFlags & { readonly dryRun?: boolean }, { filter: SeriesFilter; dryRun: boolean }, FetchDocument> = {
  name: 'forward',
  description: 'bring every tracked series (or the selected ones) up to the newest closed candle',
  selection: 'narrow',
  options: () => [dryRunOption()],
  examples: ['cryptocollect forward --quiet        # the crontab line', 'cryptocollect forward --symbols BTCUSDT --interval 1m --json', 'cryptocollect forward --dry-run   # what the next run would fetch'],
  parse: async (flags) => ({ filter: (await import('../parse-selection.js')).parseSelection(flags), dryRun: flags.dryRun === true }),
  progress: true,
  async run(ctx, { filter, dryRun }) {
    const [{ withDatabase }, { planForward, runForward }] = await Promise.all([import('../../commands/context.js'), import('../../commands/forward.js')]);
    const outcome = dryRun ? await withDatabase(ctx, (h) => planForward(ctx, h, filter), { access: 'read' }) : await withDatabase(ctx, (h) => runForward(ctx, h, filter));
    if (outcome === null) ctx.progress.note('nothing to do: no tracked series (start one with `cryptocollect backfill`)');
    return outcome !== null && 'dry_run' in outcome ? outcome : runDocument(outcome);
  },
  json: (doc) => doc,
  human: async (doc) => ('run_id' in doc && doc.run_id === null ? '' : renderFetch('forward', doc)),
  exitCode: fetchExitCode,
  notice: fetchNotice,
};
