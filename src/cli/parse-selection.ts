import type { SeriesFilter } from '../db/series-repository.js';
import { parseIntervals } from '../input/parse-intervals.js';
import { parseSymbols } from '../input/parse-symbols.js';
import type { SelectionFlags } from './shared-options.js';

/** The selection flags as a filter: absent flags select everything. */
export function parseSelection(flags: SelectionFlags): SeriesFilter {
  return {
    symbols: flags.symbols === undefined ? undefined : parseSymbols(flags.symbols),
    intervals: flags.interval === undefined ? undefined : parseIntervals(flags.interval),
  };
}
