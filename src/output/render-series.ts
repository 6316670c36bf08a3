import type { SeriesInfo, SeriesListResult } from '../commands/series.js';
import { compactTime } from './format.js';
import { renderTable } from './table.js';

const day = (iso: string | null): string => compactTime(iso);

function trackedBy(s: SeriesInfo): string {
  if (s.tracked_by === 'name') return 'name';
  return s.universe_rank === null ? `universe ${s.universe_id} (left)` : `universe ${s.universe_id} #${s.universe_rank}`;
}

function stateOf(s: SeriesInfo): string {
  if (s.state === 'untracked') return s.untrack_reason === 'left-universe' ? 'untracked (left universe)' : 'untracked';
  if (s.state === 'delisted') return `delisted (${s.delisted_status ?? '?'})`;
  return 'active';
}

export function renderSeries(result: SeriesListResult): string {
  const series =
    result.series.length === 0
      ? 'No tracked series yet: start with `cryptocollect backfill --since <date>` (the top 100 USDT symbols) or add --symbols.'
      : renderTable(
          [{ header: 'symbol' }, { header: 'int' }, { header: 'since' }, { header: 'tracked by' }, { header: 'state' }],
          result.series.map((s) => [s.symbol, s.interval, day(s.since), trackedBy(s), stateOf(s)]),
        );
  const universes = result.universes.map(
    (u) =>
      // Two lines: each fits 80 columns.
      `universe ${u.id}: top ${u.top} of ${u.quote_assets.join(',')} by 24 h quote volume${u.exclude.length ? `, excluding ${u.exclude.join(',')}` : ''}\n` +
      `  ${u.intervals.join(',')} since ${day(u.since)}; ranked ${day(u.ranked_at)} by run ${u.run_id ?? '-'} (${u.members.length} of ${u.eligible ?? 0} eligible)`,
  );
  return `${[series, ...(universes.length ? ['', ...universes] : [])].join('\n')}\n`;
}
