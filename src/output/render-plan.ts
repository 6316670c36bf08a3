import type { RunPlan } from '../collect/run-plan.js';
import { renderTable } from './table.js';

const minute = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

function seconds(n: number): string {
  if (n < 120) return `${n} s`;
  if (n < 7200) return `${Math.round(n / 60)} min`;
  return `${(n / 3600).toFixed(1)} h`;
}

/** The plan as a table of the series with something to fetch (or failing), and what the whole run would cost. */
export function renderPlan(plan: RunPlan): string {
  const shown = plan.series.filter((s) => s.status !== 'current');
  const table =
    shown.length === 0
      ? 'Nothing to fetch: every selected series is current.'
      : renderTable(
          ['symbol', 'interval', 'missing', 'candles', 'requests'],
          shown.map((s) => {
            const first = s.ranges[0];
            const missing = s.error ?? (first === undefined ? '-' : `${minute(first.from)} → ${minute(first.to)}${s.ranges.length > 1 ? ` +${s.ranges.length - 1}` : ''}`);
            return [s.symbol, s.interval, missing, s.candles, s.requests];
          }),
        );
  const n = (x: number): string => x.toLocaleString('en-US');
  const window = plan.budget.window_seconds === 60 ? 'minute' : `${n(plan.budget.window_seconds)} s`;
  const time = plan.estimated_seconds === 0 ? 'fits in one window of the budget' : `the budget allows it in about ${seconds(plan.estimated_seconds)}`;
  const current = plan.series.length - shown.length;
  return (
    `${table}\n` +
    `dry run of ${plan.command}: ${n(plan.candles)} candles in ${n(plan.ranges)} missing range${plan.ranges === 1 ? '' : 's'} of ${n(plan.series_to_fetch)} series` +
    `${current > 0 ? ` (${n(current)} current)` : ''}; ${n(plan.requests)} request${plan.requests === 1 ? '' : 's'}, weight ${n(plan.weight)} ` +
    `(${n(plan.budget.weight)} per ${window} advertised): ${time}. Nothing was written.\n`
  );
}
