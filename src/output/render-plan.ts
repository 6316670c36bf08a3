import type { RunPlan } from '../collect/run-plan.js';
import { compactTime, plural } from './format.js';
import { renderTable } from './table.js';

const minute = (iso: string): string => compactTime(iso);

function seconds(n: number): string {
  if (n < 120) return `${n} s`;
  if (n < 7200) return `${Math.round(n / 60)} min`;
  return `${(n / 3600).toFixed(1)} h`;
}

/** The plan as a table of the series with something to fetch (or failing), and what the whole run would cost. */
export function renderPlan(plan: RunPlan): string {
  const shown = plan.series.filter((s) => s.status !== 'current');
  // The archive's column only when it has files to read (--source auto, archive).
  const files = plan.archive_files > 0;
  const table =
    shown.length === 0
      ? 'Nothing to fetch: every selected series is current.'
      : renderTable(
          [
            { header: 'symbol' },
            { header: 'int' },
            { header: 'missing' },
            { header: 'candles', align: 'right' },
            ...(files ? [{ header: 'files', align: 'right' as const }] : []),
            { header: 'requests', align: 'right' },
          ],
          shown.map((s) => {
            const first = s.ranges[0];
            const missing = s.error !== null ? 'fails (below)' : first === undefined ? '-' : `${minute(first.from)} → ${minute(first.to)}${s.ranges.length > 1 ? ` +${s.ranges.length - 1}` : ''}`;
            return [s.symbol, s.interval, missing, s.candles, ...(files ? [s.archive.length] : []), s.requests];
          }),
        );
  // Free text goes under the table, a line each: it never widens a column.
  const errors = shown.filter((s) => s.error !== null).map((s) => `${s.symbol} ${s.interval}: ${s.error ?? ''}\n`);
  const n = (x: number): string => x.toLocaleString('en-US');
  const window = plan.budget.window_seconds === 60 ? 'minute' : `${n(plan.budget.window_seconds)} s`;
  const time = plan.estimated_seconds === 0 ? 'fits in one window' : `about ${seconds(plan.estimated_seconds)} at that rate`;
  const current = plan.series.length - shown.length;
  // Two lines, each within 80 columns for a run of any size.
  return (
    `${table}\n${errors.join('')}` +
    `dry run of ${plan.command}: ${n(plan.candles)} candles in ${plural(plan.ranges, 'missing range')} of ${n(plan.series_to_fetch)} series` +
    `${current > 0 ? ` (${n(current)} current)` : ''}; nothing written\n` +
    (files ? `${plural(plan.archive_files, 'archive file')} (${n(plan.archive_candles)} candles, no weight), then REST:\n` : '') +
    `${plural(plan.requests, 'request')}, weight ${n(plan.weight)} of ${n(plan.budget.weight)} per ${window}: ${time}\n`
  );
}
