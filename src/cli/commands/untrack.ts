import { Option } from '../commander.js';
import type { UntrackOptions, UntrackResult } from '../../commands/untrack.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../exit-codes.js';
import type { CommandDefinition } from '../command-definition.js';
import type { SelectionFlags } from '../shared-options.js';

interface UntrackFlags extends SelectionFlags {
  readonly purge?: boolean;
  readonly yes?: boolean;
}

/** `untrack --json` prints the UntrackResult: `{ untracked: [{symbol, interval}], purged: null | {candles, exchange_empty, quality_findings} }`. */
export const untrack: CommandDefinition<UntrackFlags, UntrackOptions, UntrackResult> = {
  name: 'untrack',
  description: 'stop forward from polling these series (their data is kept; --purge --yes deletes it)',
  selection: 'pick',
  options: () => [
    new Option('--purge', 'also delete their candles, exchange-empty ranges and quality findings'),
    new Option('--yes', 'confirm --purge (nothing ever prompts)'),
  ],
  examples: ['cryptocollect untrack --symbols LUNAUSDT', 'cryptocollect untrack --symbols DOGEUSDT --interval 1m --purge --yes'],
  async parse(flags) {
    // Refused before anything is opened: the data stays as it is.
    if (flags.purge === true && flags.yes !== true) throw new UsageError('--purge deletes the stored candles of these series: add --yes to confirm');
    if (flags.yes === true && flags.purge !== true) throw new UsageError('--yes confirms --purge; without --purge there is nothing to confirm');
    const { parseSelection } = await import('../parse-selection.js');
    return { filter: parseSelection(flags), purge: flags.purge === true };
  },
  progress: false,
  async run(ctx, opts) {
    const [{ withDatabase }, { runUntrack }] = await Promise.all([import('../../commands/context.js'), import('../../commands/untrack.js')]);
    return withDatabase(ctx, (h) => runUntrack(h, opts));
  },
  json: (result) => result,
  async human(result) {
    const names = result.untracked.map((s) => `${s.symbol} ${s.interval}`).join(', ');
    const n = result.untracked.length;
    const head = `untracked ${n} series: ${names}; forward no longer polls ${n > 1 ? 'them' : 'it'}`;
    if (result.purged === null) return `${head} (data kept; a backfill tracks ${n > 1 ? 'them' : 'it'} again)\n`;
    const p = result.purged;
    return `${head}; deleted ${p.candles.toLocaleString('en-US')} candles, ${p.exchange_empty} exchange-empty ranges, ${p.quality_findings} quality findings\n`;
  },
  exitCode: () => EXIT.success,
  notice: () => undefined,
};
