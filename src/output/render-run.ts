import type { RunOutcome } from '../collect/recorded-run.js';
import { renderTable } from './table.js';

export function renderRun(command: string, outcome: RunOutcome): string {
  const table = renderTable(
    ['symbol', 'interval', 'status', 'candles written', 'requests', 'error'],
    outcome.series.map((s) => [s.symbol, s.interval, s.status, s.candles_written, s.requests, s.error ?? '']),
  );
  const summary =
    `${command} ${outcome.status}: ${outcome.candles_written.toLocaleString('en-US')} candles written, ` +
    `${outcome.requests} requests (weight ${outcome.weight}), ${outcome.duration_seconds.toFixed(1)} s, run #${outcome.run_id}`;
  return `${table}\n${summary}\n`;
}
