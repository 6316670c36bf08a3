import type { RunDocument } from '../cli/run-document.js';
import { renderTable } from './table.js';

export function renderRun(command: string, run: RunDocument): string {
  const table = renderTable(
    ['symbol', 'interval', 'status', 'candles written', 'requests', 'error'],
    run.series.map((s) => [s.symbol, s.interval, s.status, s.candles_written, s.requests, s.error ?? '']),
  );
  const summary =
    `${command} ${run.status}: ${run.candles_written.toLocaleString('en-US')} candles written, ` +
    `${run.requests} requests (weight ${run.weight}), ${run.duration_seconds.toFixed(1)} s` +
    (run.run_id === null ? '' : `, run #${run.run_id}`);
  return `${table}\n${summary}\n`;
}
